"""CSV and XLSX exports of a filtered list: formula-safe, scope- and role-honouring (G14)."""

import csv
import datetime as dt
import io
from decimal import Decimal

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from wardsecurity.portal.display import EMPTY, display_value

# A cell starting with one of these is read as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000


def formula_safe(value):
    """Text that a spreadsheet would evaluate gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_columns(entity):
    names = ["id"]
    if "ward" not in entity.export_columns:
        names.append("ward")
    names.extend(entity.export_columns)
    return names


def column_label(model, name):
    if name == "ward" and not _has_field(model, "ward"):
        return capfirst(_("ward"))
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _has_field(model, name):
    return any(f.name == name for f in model._meta.get_fields())


def cell(record, model, name, *, for_xlsx):
    """A typed cell for XLSX (numbers, dates) or a display string for CSV."""
    if name == "ward" and not _has_field(model, "ward"):
        obj = record
        for hop in model.ward_path.split("__"):
            obj = getattr(obj, hop)
        return formula_safe(str(obj))
    model_field = model._meta.get_field(name)
    if model_field.many_to_many:
        return formula_safe(", ".join(str(o) for o in getattr(record, name).all()))
    value = getattr(record, name)
    if model_field.is_relation:
        return formula_safe(str(value)) if value is not None else ""
    if for_xlsx and not model_field.choices and not isinstance(value, list):
        if isinstance(value, dt.datetime):
            return timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, bool):
            return str(display_value(model_field, value))
        if isinstance(value, int | Decimal | dt.date):
            return value
    shown = display_value(model_field, value)
    return "" if shown == EMPTY else formula_safe(shown)


def rows(entity, queryset, *, for_xlsx):
    model = entity.model
    names = export_columns(entity)
    yield [column_label(model, name) for name in names]
    for record in queryset.iterator(chunk_size=CHUNK):
        yield [cell(record, model, name, for_xlsx=for_xlsx) for name in names]


class _Echo:
    def write(self, value):
        return value


def csv_response(entity, queryset, filename):
    """A streamed UTF-8 CSV with a BOM, so that Excel opens Vietnamese text correctly."""
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        for row in rows(entity, queryset, for_xlsx=False):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(entity, queryset, filename):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(capfirst(entity.label_plural))[:31])
    bold = Font(bold=True)
    for index, row in enumerate(rows(entity, queryset, for_xlsx=True)):
        if index == 0:
            header = []
            for value in row:
                c = WriteOnlyCell(sheet, value=str(value))
                c.font = bold
                header.append(c)
            sheet.append(header)
            continue
        out = []
        for value in row:
            c = WriteOnlyCell(sheet, value=value)
            if isinstance(value, dt.datetime):
                c.number_format = "dd/mm/yyyy hh:mm"
            elif isinstance(value, dt.date):
                c.number_format = "dd/mm/yyyy"
            elif isinstance(value, str):
                c.data_type = "s"  # never a formula, whatever the text
            out.append(c)
        sheet.append(out)
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
