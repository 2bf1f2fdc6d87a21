"""The report as a workbook: one sheet per section, numbers as numbers, text never a formula."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from reports.documents.cells import safe_text

FORMATS = {
    "count": "#,##0.###",
    "money": "#,##0",
    "percent": "0.0",
}
CHANGE_PCT_FORMAT = "+0.0;-0.0;0.0"
WIDTHS = (58, 16, 16, 16, 12, 16, 48)


def _text(cell, value, **style):
    cell.value = safe_text(value)
    cell.data_type = "s"  # never read back as a formula, whatever openpyxl guesses
    for name, attribute in style.items():
        setattr(cell, name, attribute)


def render_xlsx(report) -> bytes:
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    for section in report.sections:
        # Sheet names stop at 31 characters: the section number, its title inside the sheet.
        sheet = book.create_sheet(title=_("Section %(number)s") % {"number": section.number})
        _text(sheet.cell(1, 1), report.territory or report.scope.name, font=bold)
        _text(sheet.cell(2, 1), report.title, font=bold)
        _text(sheet.cell(3, 1), report.span)
        _text(sheet.cell(4, 1), f"{section.number}. {section.title}", font=bold)
        headers = (
            _("figure"),
            _("value"),
            _("same period"),
            _("change"),
            _("change in percent"),
            _("unit"),
            _("comparison"),
        )
        for column, title in enumerate(headers, start=1):
            _text(sheet.cell(6, column), title, font=bold)
        row = 7
        for heading in section.headings:
            _text(sheet.cell(row, 1), f"{heading.number}. {heading.title}", font=bold)
            row += 1
            for figure in heading.figures:
                label = sheet.cell(row, 1)
                _text(label, figure.label, alignment=Alignment(indent=1 + 2 * figure.level))
                number_format = FORMATS.get(figure.unit.kind, FORMATS["count"])
                for column, value in ((2, figure.value), (3, figure.previous), (4, figure.change)):
                    if value is not None:
                        cell = sheet.cell(row, column, value=float(value))
                        cell.number_format = number_format
                if figure.change_pct is not None and figure.unit.kind != "percent":
                    cell = sheet.cell(row, 5, value=float(figure.change_pct))
                    cell.number_format = CHANGE_PCT_FORMAT
                unit = "%" if figure.unit.kind == "percent" else figure.unit.word(2)
                _text(sheet.cell(row, 6), unit)
                _text(sheet.cell(row, 7), figure.comparison)
                row += 1
        for column, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = width
        sheet.freeze_panes = "A7"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
