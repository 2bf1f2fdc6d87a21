"""API views of the statistics and reports (SPEC §8)."""
