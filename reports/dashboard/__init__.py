"""The dashboard (SPEC §9): its figures (``content``) and its page (``views``).

Reads the statistics engine and ``reports.figures``; never imports ``reports.documents``.
"""
