"""The period report of SPEC §10: its content built from a statistics answer, its files, its
background jobs and its pages.

Reads the statistics engine and ``reports.figures``; never imports ``reports.dashboard``.
"""
