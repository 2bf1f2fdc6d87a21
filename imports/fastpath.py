"""The fast path for large household files: precompiled checks in Python, then PostgreSQL COPY.

Rows are checked in batches with the model fields' own validators (no ORM object per row), the
natural key decides create, update or unchanged against the ward's current rows, and only then
are the rows to write copied into a temporary staging table and moved into ``households_household``
with one ``INSERT … SELECT`` and one ``UPDATE … FROM``. The history and version triggers fire on
those statements as on any other write, inside the import's ``pghistory.context``.
"""

import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from households.models import Household
from imports import kinds as K
from wardsecurity.api.serializers import ASCII_DIGITS
from wardsecurity.services import CONFLICT_MESSAGE
from wardsecurity.validators import normalise_text, validate_clean_text

BATCH = 10_000
# The columns written, in the staging table's order (the natural key first).
FIELDS = ("code", "group", "address", "head_name", "member_count", "phone", "residence", "active")
DB_COLUMNS = (
    "code",
    "group_id",
    "address",
    "head_name",
    "member_count",
    "phone",
    "residence",
    "active",
)
_ASCII_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*\Z")
_CODE = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]*\Z")  # wardsecurity.validators.validate_code
REQUIRED = _("This field is required.")


def _messages(exc):
    return exc.messages[0] if exc.messages else ""


def households_fast(batch, actor, spec, sheet, columns, report, *, write):
    """Check (and with ``write``, store) every row of a household sheet."""
    required_message = REQUIRED
    ward = batch.ward
    model_fields = {name: Household._meta.get_field(name) for name in FIELDS}
    index_of = {key: index for index, (key, _t) in columns.items()}
    header_text = dict(columns.values())
    groups = K.GROUP.table(ward) if "group" in index_of else {}
    residence_choices = K.choice_map(spec, "residence")
    ward_index = index_of.get("ward")
    ward_code, ward_name = ward.code, K.fold(ward.name)
    defaults = {"phone": "", "residence": model_fields["residence"].default, "active": True}

    def cell_of(cells, key):
        index = index_of.get(key)
        if index is None or index >= len(cells):
            return None
        return cells[index]

    # The common case is checked with plain comparisons; only a value that may be wrong goes
    # through the model field's own ``clean``, so the messages are Django's.
    limits = {
        key: model_fields[key].max_length for key in ("code", "address", "head_name", "phone")
    }
    may_be_blank = {key: model_fields[key].blank for key in limits}

    def text(cells, key, errors):
        if key not in index_of:
            return defaults.get(key, "")
        cell = cell_of(cells, key)
        value = "" if K.blank(cell) else normalise_text(K.to_text(cell))
        suspicious = (
            len(value) > limits[key]
            or (not value and not may_be_blank[key])
            or (key == "code" and not _CODE.match(value))
            or not value.isprintable()
        )
        if suspicious:
            try:
                validate_clean_text(value)
                model_fields[key].clean(value, None)
            except ValidationError as exc:
                errors[key] = _messages(exc)
        return value

    group_keys = {}

    def group_of(cell):
        text_value = K.to_text(cell)
        if text_value not in group_keys:
            group_keys[text_value] = groups.get(K.GROUP.key(text_value), 0)
        return group_keys[text_value]

    def convert(cells):
        errors = {}
        row = [text(cells, "code", errors)]
        cell = cell_of(cells, "group")
        if K.blank(cell):
            errors["group"] = required_message
            row.append(None)
        else:
            group_id = group_of(cell)
            if group_id == 0:
                errors["group"] = K.NOT_FOUND
            elif group_id is None:
                errors["group"] = K.AMBIGUOUS
            row.append(group_id)
        row.append(text(cells, "address", errors))
        row.append(text(cells, "head_name", errors))
        cell = cell_of(cells, "member_count")
        count = None
        if K.blank(cell):
            errors["member_count"] = required_message
        else:
            raw = K.to_number_text(cell)
            if not _ASCII_INTEGER.match(raw):
                errors["member_count"] = str(ASCII_DIGITS)
            else:
                count = int(raw)
                if not 1 <= count <= 32767:
                    try:
                        model_fields["member_count"].clean(count, None)
                    except ValidationError as exc:
                        errors["member_count"] = _messages(exc)
        row.append(count)
        row.append(text(cells, "phone", errors) if "phone" in index_of else "")
        cell = cell_of(cells, "residence")
        if K.blank(cell):
            row.append(defaults["residence"])
        else:
            value = residence_choices.get(K.fold(cell))
            if value is None:
                errors["residence"] = K.BAD_CHOICE % {"value": K.to_text(cell)[:50]}
            row.append(value)
        cell = cell_of(cells, "active")
        if K.blank(cell):
            row.append(True)
        else:
            try:
                row.append(K.to_bool(cell))
            except K.CellError as exc:
                errors["active"] = exc.args[0]
                row.append(None)
        if ward_index is not None:
            cell = cells[ward_index] if ward_index < len(cells) else None
            if (
                not K.blank(cell)
                and K.to_text(cell).strip() != ward_code
                and K.fold(cell) != ward_name
            ):
                errors["ward"] = K.OTHER_WARD
        return tuple(row), errors

    first_seen = {}
    to_write = []
    total = len(sheet.rows)
    for start in range(0, total, BATCH):
        chunk = []
        for line, cells in sheet.rows[start : start + BATCH]:
            row, errors = convert(cells)
            if "code" not in errors:
                if row[0] in first_seen:
                    errors["code"] = _duplicate(first_seen[row[0]])
                else:
                    first_seen[row[0]] = line
            chunk.append((line, cells, row, errors))
        codes = [row[0] for _l, _c, row, errors in chunk if not errors]
        current = dict(_current(ward.pk, codes))
        for line, cells, row, errors in chunk:
            # Only the preview keeps the cells: build them for its rows alone.
            values = None
            if report.wants_values():
                values = {
                    header_text[k]: K.to_text(cells[i])
                    if i < len(cells) and cells[i] is not None
                    else ""
                    for i, (k, _t) in columns.items()
                }
            if errors:
                for key, message in errors.items():
                    report.error(line, header_text.get(key, key), message)
                report.row(line, "error", values)
                continue
            existing = current.get(row[0])
            if existing is None:
                action = "create"
            elif existing == row[1:]:
                report.row(line, "unchanged", values)
                continue
            else:
                action = "update"
            report.row(line, action, values)
            to_write.append((*row, action == "create"))
        if not write:
            from imports.services import _set_progress

            _set_progress(batch, min(start + BATCH, total), total)
    if write and to_write and not report.error_count:
        try:
            with transaction.atomic():
                _copy_in(ward.pk, to_write)
        except IntegrityError:
            report.error(None, "", CONFLICT_MESSAGE)


def _duplicate(line):
    from imports.services import DUPLICATE_ROW

    return DUPLICATE_ROW % {"row": line}


# Column names are this module's constants, never input: the SQL is fixed text.
_COLUMNS = ", ".join(DB_COLUMNS)
_REST = DB_COLUMNS[1:]
SELECT_CURRENT = (
    f"SELECT {_COLUMNS} FROM households_household WHERE ward_id = %s AND code = ANY(%s)"  # noqa: S608
)
CREATE_STAGE = (
    "CREATE TEMPORARY TABLE import_household_stage ("
    " code text, group_id bigint, address text, head_name text, member_count integer,"
    " phone text, residence text, active boolean, is_new boolean) ON COMMIT DROP"
)
COPY_STAGE = f"COPY import_household_stage ({_COLUMNS}, is_new) FROM STDIN"
UPDATE_FROM_STAGE = (
    f"UPDATE households_household h SET {', '.join(f'{c} = s.{c}' for c in _REST)}"  # noqa: S608
    " FROM import_household_stage s WHERE NOT s.is_new AND h.ward_id = %s AND h.code = s.code"
    f" AND ({', '.join(f'h.{c}' for c in _REST)})"
    f" IS DISTINCT FROM ({', '.join(f's.{c}' for c in _REST)})"
)
INSERT_FROM_STAGE = (
    f"INSERT INTO households_household (ward_id, {_COLUMNS}, version, created_at, updated_at)"  # noqa: S608
    f" SELECT %s, {', '.join(f's.{c}' for c in DB_COLUMNS)}, 1, now(), now()"
    " FROM import_household_stage s WHERE s.is_new"
)


def _current(ward_id, codes):
    """code -> (group_id, address, head_name, member_count, phone, residence, active)."""
    if not codes:
        return []
    with connection.cursor() as cursor:
        cursor.execute(SELECT_CURRENT, [ward_id, codes])
        return [(row[0], tuple(row[1:])) for row in cursor.fetchall()]


def _copy_in(ward_id, rows):
    """Stage ``rows`` with COPY, then update changed households and insert new ones."""
    with connection.cursor() as cursor:
        # pgtrigger's per-row check reads this setting inside an exception block; left unset it
        # raises and is caught once per row, which doubles the cost of the history triggers.
        # An empty list ignores no trigger.
        cursor.execute("SELECT set_config('pgtrigger.ignore', '{}', true)")
        cursor.execute(CREATE_STAGE)
        with cursor.copy(COPY_STAGE) as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute("ANALYZE import_household_stage")  # join plans from real row counts
        cursor.execute(UPDATE_FROM_STAGE, [ward_id])
        # A household another user created meanwhile makes the unique index refuse the insert.
        cursor.execute(INSERT_FROM_STAGE, [ward_id])
        cursor.execute("DROP TABLE import_household_stage")
