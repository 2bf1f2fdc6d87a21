"""The downloadable XLSX template of each kind: Vietnamese headers and one example row."""

import io

from django.utils import translation

from imports.kinds import KINDS


def template_workbook(kind_name: str) -> bytes:
    """An .xlsx whose first sheet has the kind's headers and an example row, all cells as text."""
    import openpyxl
    from openpyxl.styles import Font

    kind = KINDS[kind_name]
    book = openpyxl.Workbook()
    sheet = book.active
    with translation.override("vi"):
        sheet.title = str(kind.label)[:31]
    columns = [c for c in kind.columns if c.key != "ward"]
    for index, column in enumerate(columns, start=1):
        header = sheet.cell(
            row=1, column=index, value=column.aliases[0] if column.aliases else column.key
        )
        header.font = Font(bold=True)
        example = sheet.cell(row=2, column=index, value=column.example)
        # Text format: "+84…" and codes like "0012" stay as typed, never numbers or formulas.
        example.number_format = "@"
        sheet.column_dimensions[header.column_letter].width = max(14, len(header.value) + 4)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
