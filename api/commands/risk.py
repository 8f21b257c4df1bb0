"""`okr` commands: risk (being built)."""
