"""The period report of SPEC §10: its content built from a statistics answer, and its files."""
