"""`okr` commands: store (being built)."""
