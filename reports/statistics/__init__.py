"""The statistics engine (SPEC §7, §8): the metric registry, the rollup and its readers.

The bottom layer of ``reports``: ``metrics`` (the registry other apps register with), ``sql`` and
``triggers`` (generated from it), ``rollup`` (keeping the rollup tables current), ``compute``
(every figure from the rollup's running totals), ``selectors`` (``stats_for`` and the scope
rule) and ``tasks`` (the Celery tasks of the rollup). It imports nothing from
``reports.figures``, ``reports.documents`` or ``reports.dashboard``; they read it.
"""
