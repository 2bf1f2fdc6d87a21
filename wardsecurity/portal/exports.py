"""CSV and XLSX exports of a filtered list: formula-safe, scope- and role-honouring (G14).

A list up to ``EXPORT_SYNC_LIMIT`` rows answers in the request (the CSV streamed); a longer one
is written to a file by a worker (``export_jobs``) with the same ``rows`` and ``write_csv`` /
``write_xlsx``, so both give the same file.

Each column gets its formatter once per export (field lookup, choice labels, number and date
formats), not once per cell: a province's million rows spend their time on values, not on
finding out how to show them.
"""

import csv
import datetime as dt
import io
import operator
from decimal import Decimal

from django.db import models
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import dateformat, numberformat, timezone
from django.utils.formats import get_format
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from wardsecurity.personal import may_see_personal, record_label
from wardsecurity.portal.display import (
    EMPTY,
    NO,
    YES,
    display_value,
    is_money,
    is_year,
    local_datetime,
)

# A cell starting with one of these is read as a formula by Excel and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK = 2000
CSV_BATCH = 200  # rows per piece of a streamed CSV
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def formula_safe(value):
    """Text that a spreadsheet would evaluate gets a leading apostrophe; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_columns(entity, user=None):
    """The exported columns; for ``user``, without the personal fields they may not see."""
    columns = entity.export_columns if user is None else entity.export_columns_for(user)
    names = ["id"]
    if "ward" not in columns:
        names.append("ward")
    names.extend(columns)
    return names


def column_label(model, name):
    if name == "ward" and not _has_field(model, "ward"):
        return capfirst(_("ward"))
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _has_field(model, name):
    return any(f.name == name for f in model._meta.get_fields())


def column_formatter(model, name, *, for_xlsx, user=None):
    """``record -> cell`` for one column, with everything that does not depend on the row
    looked up now. Formats are read in the active language, so call it where the rows are made.
    """
    if name == "ward" and not _has_field(model, "ward"):
        return _ward_cell(model.ward_path.split("__"))
    model_field = model._meta.get_field(name)
    if model_field.primary_key:
        return operator.attrgetter("pk")  # an identifier, never grouped like a quantity
    if model_field.many_to_many:
        return _many_cell(name, user)
    if model_field.is_relation:
        return _related_cell(name, user)
    value_of = operator.attrgetter(name)
    typed = _typed(model_field) if for_xlsx else None
    show = _shown(model_field)

    if typed is not None:

        def typed_cell(record):
            value = value_of(record)
            return "" if value is None else typed(value)

        return typed_cell

    def shown_cell(record):
        shown = show(value_of(record))
        return "" if shown == EMPTY else formula_safe(shown)

    return shown_cell


def _ward_cell(hops):
    def ward_cell(record):
        obj = record
        for hop in hops:
            obj = getattr(obj, hop)
        return formula_safe(str(obj))

    return ward_cell


def _label(user):
    """How a linked record is named: ``str``, or without personal data for ``user``."""
    if user is None or may_see_personal(user):
        return str
    return lambda record: record_label(record, user)


def _many_cell(name, user):
    label = _label(user)

    def many_cell(record):
        return formula_safe(", ".join(label(o) for o in getattr(record, name).all()))

    return many_cell


def _related_cell(name, user):
    label = _label(user)

    def related_cell(record):
        value = getattr(record, name)
        return formula_safe(label(value)) if value is not None else ""

    return related_cell


def _typed(model_field):
    """The XLSX value of a column that keeps its type (dates, numbers), or None for text."""
    if model_field.choices or getattr(model_field, "base_field", None) is not None:
        return None
    if isinstance(model_field, models.DateTimeField):
        return lambda value: timezone.localtime(value).replace(tzinfo=None)
    if isinstance(model_field, models.DateField | models.IntegerField | models.DecimalField):
        return _identity
    return None


def _identity(value):
    return value


def _shown(model_field):
    """``value -> text`` as ``display_value`` reads it, specialised for the column's type."""
    if getattr(model_field, "base_field", None) is not None:
        return lambda value: display_value(model_field, value)
    if model_field.choices:
        labels = {key: str(label) for key, label in model_field.flatchoices}

        def label(value):
            return EMPTY if value is None or value == "" else str(labels.get(value, value))

        return label
    if isinstance(model_field, models.BooleanField):
        yes, no = str(YES), str(NO)
        return lambda value: EMPTY if value is None else (yes if value else no)
    if isinstance(model_field, models.DateTimeField):
        pattern = get_format("SHORT_DATETIME_FORMAT")
        return lambda value: (
            EMPTY if value is None else dateformat.format(local_datetime(value), pattern)
        )
    if isinstance(model_field, models.DateField):
        pattern = get_format("SHORT_DATE_FORMAT")
        return lambda value: EMPTY if value is None else dateformat.format(value, pattern)
    if isinstance(model_field, models.IntegerField | models.DecimalField):
        return _number_shown(model_field)
    if isinstance(model_field, models.CharField | models.TextField):
        return lambda value: EMPTY if value is None or value == "" else str(value)
    return lambda value: display_value(model_field, value)


def _number_shown(model_field):
    language = get_language()
    separator = get_format("DECIMAL_SEPARATOR", language, use_l10n=True)
    grouping = get_format("NUMBER_GROUPING", language, use_l10n=True)
    thousands = get_format("THOUSAND_SEPARATOR", language, use_l10n=True)

    # Python groups whole numbers by three itself, many times faster than numberformat.
    by_three = grouping == 3

    def grouped(value, places=None):
        if by_three and places is None and type(value) is int:
            return f"{value:,}".replace(",", thousands)
        return numberformat.format(
            value, separator, places, grouping, thousands, force_grouping=True, use_l10n=True
        )

    if is_year(model_field):
        return lambda value: EMPTY if value is None else str(value)
    if is_money(model_field):
        return lambda value: EMPTY if value is None else f"{grouped(value)} ₫"

    def number(value):
        if value is None:
            return EMPTY
        if isinstance(value, Decimal):
            value = value.normalize()
            return grouped(value, max(0, -value.as_tuple().exponent))
        return grouped(value)

    return number


def rows(entity, records, *, for_xlsx, user):
    """The header, then one list of cells per record of ``records`` (a queryset or iterable),
    as ``user`` may read them: no personal column, no linked record named by personal data,
    for a user who may not see it (``wardsecurity.personal``)."""
    model = entity.model
    names = export_columns(entity, user)
    yield [column_label(model, name) for name in names]
    formatters = [column_formatter(model, name, for_xlsx=for_xlsx, user=user) for name in names]
    if isinstance(records, models.QuerySet):
        records = records.iterator(chunk_size=CHUNK)
    for record in records:
        yield [format_cell(record) for format_cell in formatters]


class _Echo:
    def write(self, value):
        return value


def csv_pieces(entity, records, *, user):
    """The CSV as text pieces: a BOM (Excel then reads Vietnamese right), then rows in batches."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    batch = []
    for row in rows(entity, records, for_xlsx=False, user=user):
        batch.append(writer.writerow(row))
        if len(batch) == CSV_BATCH:
            yield "".join(batch)
            batch = []
    if batch:
        yield "".join(batch)


def write_csv(entity, records, target, *, user):
    """Write the CSV to the text file ``target`` (opened with ``newline=""``)."""
    for piece in csv_pieces(entity, records, user=user):
        target.write(piece)


def write_xlsx(entity, records, target, *, user):
    """Write the workbook to ``target`` (a path or a binary file).

    openpyxl's write-only mode keeps the rows in a temporary file, not in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(capfirst(entity.label_plural))[:31])
    bold = Font(bold=True)
    for index, row in enumerate(rows(entity, records, for_xlsx=True, user=user)):
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
    workbook.save(target)


def csv_response(entity, queryset, filename, *, user):
    """A streamed UTF-8 CSV with a BOM, so that Excel opens Vietnamese text correctly."""
    response = StreamingHttpResponse(
        csv_pieces(entity, queryset, user=user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(entity, queryset, filename, *, user):
    """A short list's workbook, built in the request (a long one is an export job)."""
    buffer = io.BytesIO()
    write_xlsx(entity, queryset, buffer, user=user)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
