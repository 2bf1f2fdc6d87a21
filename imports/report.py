"""What a run of an import finds, shared by the row path and the COPY path: counts, errors (row,
column, message), a preview of the first rows, and the progress a waiting page shows."""

from dataclasses import dataclass, field

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


def set_progress(batch: ImportBatch, done: int, total: int) -> None:
    """Store how far the check of ``batch`` is (0-99; 100 once its report is stored)."""
    percent = min(99, done * 100 // max(total, 1))
    if percent != batch.progress:
        batch.progress = percent
        ImportBatch.objects.filter(pk=batch.pk).update(progress=percent)
