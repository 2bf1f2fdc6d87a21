"""Signals of writes that no model signal announces.

``rows_written`` is sent inside the transaction of a write made in bulk — COPY, ``bulk_create``,
a queryset ``update()`` — which Django's ``post_save`` does not see (an import's commit). The
statistics listen to it as they listen to ``post_save``: the worker is asked to process the
changes once the transaction commits (``reports.statistics.tasks``), not at its next periodic run.
``sender`` is the model written.
"""

from django.dispatch import Signal

rows_written = Signal()
