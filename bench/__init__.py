"""The benchmark harness (SPEC §12): a synthetic province on its own database, and measurements
that each report a figure beside its limit measured in the same run."""
