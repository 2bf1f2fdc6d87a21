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


def export_columns(entity, user=None, *, with_ids=True):
    """The exported columns; for ``user``, without the personal fields they may not see.

    ``with_ids``: the record's internal id first. The CSV always has it (it is read by
    programs); a workbook is read by people and has it only when asked (``?with_ids=1``).
    """
    columns = entity.export_columns if user is None else entity.export_columns_for(user)
    names = ["id"] if with_ids else []
    if "ward" not in columns:
        names.append("ward")
    names.extend(columns)
    return names


def asks_for_ids(params) -> bool:
    """``?with_ids=1``: the workbook should carry the records' internal ids."""
    return params.get("with_ids") in {"1", "true", "on"}


def column_label(model, name):
    if name == "ward" and not _has_field(model, "ward"):
        return capfirst(_("ward"))
    return capfirst(str(model._meta.get_field(name).verbose_name))


def _has_field(model, name):
    return any(f.name == name for f in model._meta.get_fields())


def column_formatter(model, name, *, for_xlsx, user=None):
    """``record -> cell`` for one column, with everything that does not depend on the row
    looked up now. Formats are read in the active language, so call it where the rows are made.

    CSV text that a spreadsheet would evaluate gets a leading apostrophe (``formula_safe``); a
    workbook needs none, since every text cell is written typed as text (``write_xlsx``), so a
    phone "+84…" or a name "=…" reads exactly as entered.
    """
    safe = _identity if for_xlsx else formula_safe
    if name == "ward" and not _has_field(model, "ward"):
        return _ward_cell(model.ward_path.split("__"), safe)
    model_field = model._meta.get_field(name)
    if model_field.primary_key:
        return operator.attrgetter("pk")  # an identifier, never grouped like a quantity
    if model_field.many_to_many:
        return _many_cell(name, user, safe)
    if model_field.is_relation:
        return _related_cell(name, user, safe)
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
        return "" if shown == EMPTY else safe(shown)

    return shown_cell


def _ward_cell(hops, safe):
    def ward_cell(record):
        obj = record
        for hop in hops:
            obj = getattr(obj, hop)
        return safe(str(obj))

    return ward_cell


def _label(user):
    """How a linked record is named: ``str``, or without personal data for ``user``."""
    if user is None or may_see_personal(user):
        return str
    return lambda record: record_label(record, user)


def _many_cell(name, user, safe):
    label = _label(user)

    def many_cell(record):
        return safe(", ".join(label(o) for o in getattr(record, name).all()))

    return many_cell


def _related_cell(name, user, safe):
    label = _label(user)

    def related_cell(record):
        value = getattr(record, name)
        return safe(label(value)) if value is not None else ""

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


def rows(entity, records, *, for_xlsx, user, with_ids=True):
    """The header, then one list of cells per record of ``records`` (a queryset or iterable),
    as ``user`` may read them: no personal column, no linked record named by personal data,
    for a user who may not see it (``wardsecurity.personal``)."""
    model = entity.model
    names = export_columns(entity, user, with_ids=with_ids)
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


# Column widths in characters: the header's, or what the column's values usually need.
MIN_WIDTH, MAX_WIDTH = 8, 50


def column_width(model, name, label) -> float:
    """How wide a workbook column starts: wide enough for its header and its usual values
    (known from the field before any row is written: a long export streams its rows)."""
    needs = 10
    if not (name == "ward" and not _has_field(model, "ward")):
        model_field = model._meta.get_field(name)
        if model_field.primary_key:
            needs = 10
        elif model_field.choices:
            needs = max((len(str(label)) for _key, label in model_field.flatchoices), default=10)
        elif isinstance(model_field, models.DateTimeField):
            needs = 17
        elif isinstance(model_field, models.DateField):
            needs = 12
        elif isinstance(model_field, models.BooleanField):
            needs = 8
        elif model_field.is_relation:
            needs = 30
        elif isinstance(model_field, models.TextField):
            needs = MAX_WIDTH
        elif isinstance(model_field, models.CharField):
            needs = min(model_field.max_length or MAX_WIDTH, 40)
    else:
        needs = 30
    return float(min(MAX_WIDTH, max(MIN_WIDTH, needs, len(str(label)) + 2)))


def write_xlsx(entity, records, target, *, user, with_ids=False):
    """Write the workbook to ``target`` (a path or a binary file): a bold header that stays in
    view while scrolling, with filters on every column, columns as wide as their values need,
    text typed as text (so nothing is ever a formula and no apostrophe is shown), dates as
    dates and numbers as numbers. The internal id only ``with_ids``.

    openpyxl's write-only mode keeps the rows in a temporary file, not in memory.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    model = entity.model
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(capfirst(entity.label_plural))[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    names = export_columns(entity, user, with_ids=with_ids)
    count = 0
    for index, row in enumerate(rows(entity, records, for_xlsx=True, user=user, with_ids=with_ids)):
        if index == 0:
            header = []
            for column, (name, value) in enumerate(zip(names, row, strict=True), start=1):
                width = column_width(model, name, value)
                sheet.column_dimensions[get_column_letter(column)].width = width
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
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(names))}{count + 1}"
    workbook.save(target)


def csv_response(entity, queryset, filename, *, user):
    """A streamed UTF-8 CSV with a BOM, so that Excel opens Vietnamese text correctly."""
    response = StreamingHttpResponse(
        csv_pieces(entity, queryset, user=user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def xlsx_response(entity, queryset, filename, *, user, with_ids=False):
    """A short list's workbook, built in the request (a long one is an export job)."""
    buffer = io.BytesIO()
    write_xlsx(entity, queryset, buffer, user=user, with_ids=with_ids)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response
