"""Figures as people read them, shared by the dashboard and the period reports.

Above the statistics engine and below ``reports.documents`` and ``reports.dashboard``: the
Vietnamese way of writing numbers and same-period comparisons (``numbers``), the units figures are
counted in (``units``), the scope and period they are asked for (``scope``) and the picker that
asks for them (``picker``). It never imports ``reports.documents`` or ``reports.dashboard``.
"""
