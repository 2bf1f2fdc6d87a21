"""What a run of an import finds, shared by the row path and the COPY path: counts, errors (row,
column, message), a preview of the first rows, and the progress a waiting page shows."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection
from django.utils.translation import gettext_lazy as _

from imports.models import ImportBatch

ERRORS_KEPT = 1000
PREVIEW_ROWS = 200

DUPLICATE_ROW = _("The same record appears on row %(row)s of this file.")


@dataclass
class Report:
    """What a run found: counts, errors (row, column, message), and a preview of the rows."""

    summary: dict = field(
        default_factory=lambda: {"create": 0, "update": 0, "unchanged": 0, "error": 0}
    )
    errors: list = field(default_factory=list)
    error_count: int = 0
    preview: list = field(default_factory=list)
    row_count: int = 0

    def error(self, row, column, message) -> None:
        self.error_count += 1
        if len(self.errors) < ERRORS_KEPT:
            self.errors.append({"row": row, "column": column, "message": str(message)})

    def row(self, line, action, values) -> None:
        self.summary[action] += 1
        self.row_preview(line, action, values)

    def row_preview(self, line, action, values) -> None:
        """Show a row in the preview without counting it (the fast path counts in SQL)."""
        if len(self.preview) < PREVIEW_ROWS:
            self.preview.append({"row": line, "action": action, "values": values})


def duplicate_row(line: int) -> str:
    """The message of a row whose record an earlier row of the file already names."""
    return DUPLICATE_ROW % {"row": line}


_outside = threading.local()


@contextmanager
def progress_outside_transaction() -> Iterator[None]:
    """While the block runs, a commit's progress is written through a connection of its own.

    A commit writes every row in one transaction: progress written in it would show only once
    it is over. The second connection, in autocommit, makes it visible as it goes; it touches
    only the batch's progress columns, which the commit locks only at its very end.
    """
    side = connection.get_new_connection(connection.get_connection_params())
    side.autocommit = True
    _outside.connection = side
    try:
        yield
    finally:
        _outside.connection = None
        side.close()


def set_progress(batch: ImportBatch, done: int, total: int, *, committing=False) -> None:
    """Store how far the check (or with ``committing``, the commit) of ``batch`` is: rows done,
    and 0-99 % (100 once its report is stored). A commit's progress is written only inside
    ``progress_outside_transaction`` (the worker's commits)."""
    percent = min(99, done * 100 // max(total, 1))
    if committing:
        side = getattr(_outside, "connection", None)
        if side is not None:
            side.execute(
                "UPDATE imports_importbatch SET progress = %s, rows_done = %s WHERE id = %s",
                [percent, done, batch.pk],
            )
        return
    batch.progress, batch.rows_done = percent, done
    ImportBatch.objects.filter(pk=batch.pk).update(progress=percent, rows_done=done)
