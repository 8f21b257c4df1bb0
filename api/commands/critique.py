"""`okr` commands: critique (being built)."""
