"""The fast path for large household files: one check in Python, a staging table, set-based writes.

Validation checks every row once (the model fields' own validators for anything unusual, no ORM
object per row) and copies the valid rows into an UNLOGGED table of their own,
``imports_stage_<batch id>``. What the check relied on besides the file — the residential groups
it resolved by name, the ward it compared the ward column with — goes into
``ImportBatch.resolved``. The commit then reads neither the file nor the rows in Python: if the
database still resolves the same names to the same groups, it re-decides create, update or
unchanged against the ward's current rows (a household created meanwhile becomes an update) and
writes with one ``UPDATE … FROM`` and one ``INSERT … SELECT``; otherwise it checks the whole file
again, as validation did, and refuses it if a row became invalid.

History: the per-row pghistory triggers are skipped for those two statements
(``pgtrigger.ignore``, transaction-local) and the event rows are written by the same statements
from their ``RETURNING`` rows — the columns the trigger writes, the import's context, the same
``now()``. The version trigger and the statistics triggers fire as for any other write.
"""

# ruff: noqa: S608 - SQL built from this module's constants and the models (see "SQL" below)

import unicodedata

import pgtrigger
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext_lazy as _

from households.models import Household
from imports import kinds as K
from imports.report import PREVIEW_ROWS, duplicate_row, set_progress
from wardsecurity.services import CONFLICT_MESSAGE
from wardsecurity.validators import ASCII_DIGITS, ASCII_INTEGER, CODE_PATTERN, validate_clean_text

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
HISTORY_TRIGGERS = ("households.Household:insert_insert", "households.Household:update_update")
REQUIRED = _("This field is required.")


def _messages(exc):
    return exc.messages[0] if exc.messages else ""


def stage_table(batch_id) -> str:
    """The name of a batch's staging table (from its integer id only)."""
    return f"imports_stage_{int(batch_id)}"


def drop_stage(batch_id):
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage_table(batch_id)}")


# Checking ------------------------------------------------------------------------------------


def _cache_key(cell):
    """A key under which a cell's result can be reused: 1, 1.0 and True stay apart."""
    return cell if cell.__class__ is str else (cell.__class__, cell)


class _Checker:
    """One row of cells -> (row tuple in DB_COLUMNS order, {column key: message})."""

    def __init__(self, ward, spec, columns):
        self.model_fields = {name: Household._meta.get_field(name) for name in FIELDS}
        self.index_of = {key: index for index, (key, _t) in columns.items()}
        self.groups = K.GROUP.table(ward) if "group" in self.index_of else {}
        self.residence_choices = K.choice_map(spec, "residence")
        self.residence_default = self.model_fields["residence"].default
        self.ward_code, self.ward_name = ward.code, K.fold(ward.name)
        self.limits = {
            key: self.model_fields[key].max_length
            for key in ("code", "address", "head_name", "phone")
        }
        self.may_be_blank = {key: self.model_fields[key].blank for key in self.limits}
        # Cell text -> result, for the columns whose values repeat (a few groups, yes/no…).
        self.group_ids = {}
        self.resolved_groups = {}
        self.residences = {}
        self.actives = {}
        self.wards = {}

    def _text(self, cell, key, errors):
        """The stored form of a text cell (NFC, stripped); an unusual value goes through the
        model field's own ``clean`` so that the message is Django's."""
        if cell is None:
            value = ""
        else:
            if cell.__class__ is not str:
                cell = K.to_text(cell)
            value = (cell if cell.isascii() else unicodedata.normalize("NFC", cell)).strip()
        if (
            len(value) > self.limits[key]
            or (not value and not self.may_be_blank[key])
            or (key == "code" and not CODE_PATTERN.match(value))
            or not value.isprintable()
        ):
            try:
                validate_clean_text(value)
                self.model_fields[key].clean(value, None)
            except ValidationError as exc:
                errors[key] = _messages(exc)
        return value

    def _group(self, cell):
        text = K.to_text(cell)
        found = self.group_ids.get(text)
        if found is None and text not in self.group_ids:
            key = K.GROUP.key(text)
            found = self.groups.get(key, 0)
            self.group_ids[text] = found
            if found:
                self.resolved_groups[key] = found
        return found

    def _residence(self, cell):
        key = _cache_key(cell)
        if key not in self.residences:
            value = self.residence_choices.get(K.fold(cell))
            error = None
            if value is None:
                error = K.BAD_CHOICE % {"value": K.to_text(cell)[:50]}
            self.residences[key] = (value, error)
        return self.residences[key]

    def _active(self, cell):
        key = _cache_key(cell)
        if key not in self.actives:
            try:
                self.actives[key] = (K.to_bool(cell), None)
            except K.CellError as exc:
                self.actives[key] = (None, exc.args[0])
        return self.actives[key]

    def _other_ward(self, cell):
        key = _cache_key(cell)
        if key not in self.wards:
            self.wards[key] = (
                K.to_text(cell).strip() != self.ward_code and K.fold(cell) != self.ward_name
            )
        return self.wards[key]

    def compile(self):
        """The row function, with every column position bound once."""
        index_of = self.index_of
        width = max(index_of.values()) + 1 if index_of else 0
        text = self._text
        blank = K.blank
        code_at = index_of.get("code")
        group_at = index_of.get("group")
        address_at = index_of.get("address")
        head_at = index_of.get("head_name")
        count_at = index_of.get("member_count")
        phone_at = index_of.get("phone")
        residence_at = index_of.get("residence")
        active_at = index_of.get("active")
        ward_at = index_of.get("ward")
        member_field = self.model_fields["member_count"]
        residence_default = self.residence_default

        def convert(cells):
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            errors = {}
            code = text(cells[code_at], "code", errors) if code_at is not None else ""
            if group_at is None or blank(cells[group_at]):
                errors["group"] = REQUIRED
                group_id = None
            else:
                group_id = self._group(cells[group_at])
                if group_id == 0:
                    errors["group"] = K.NOT_FOUND
                elif group_id is None:
                    errors["group"] = K.AMBIGUOUS
            address = text(cells[address_at], "address", errors) if address_at is not None else ""
            head = text(cells[head_at], "head_name", errors) if head_at is not None else ""
            count = None
            cell = cells[count_at] if count_at is not None else None
            if blank(cell):
                errors["member_count"] = REQUIRED
            else:
                raw = cell.strip() if cell.__class__ is str else K.to_number_text(cell)
                if (raw.isdigit() and raw.isascii()) or ASCII_INTEGER.match(raw):
                    count = int(raw)
                else:
                    errors["member_count"] = str(ASCII_DIGITS)
                if count is not None and not 1 <= count <= 32767:
                    try:
                        member_field.clean(count, None)
                    except ValidationError as exc:
                        errors["member_count"] = _messages(exc)
            phone = text(cells[phone_at], "phone", errors) if phone_at is not None else ""
            residence = residence_default
            if residence_at is not None and not blank(cells[residence_at]):
                residence, error = self._residence(cells[residence_at])
                if error is not None:
                    errors["residence"] = error
            active = True
            if active_at is not None and not blank(cells[active_at]):
                active, error = self._active(cells[active_at])
                if error is not None:
                    errors["active"] = error
            if ward_at is not None:
                cell = cells[ward_at]
                if not blank(cell) and self._other_ward(cell):
                    errors["ward"] = K.OTHER_WARD
            return (code, group_id, address, head, count, phone, residence, active), errors

        return convert

    def resolved(self):
        """What the check relied on besides the file (``ImportBatch.resolved``)."""
        found = {"groups": self.resolved_groups}
        if "ward" in self.index_of:
            found["ward"] = [self.ward_code, self.ward_name]
        return found


def households_fast(batch, actor, spec, sheet, columns, report, *, write):
    """Check every row of a household sheet and stage the valid ones; with ``write``, store them.

    A sheet with errors leaves no staging table behind.
    """
    ward = batch.ward
    checker = _Checker(ward, spec, columns)
    convert = checker.compile()
    header_text = dict(columns.values())
    first_seen = {}
    preview = []  # (line, values, row or None) of the rows the report shows
    staged = 0
    total = len(sheet.rows)
    table = stage_table(batch.pk)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")
        cursor.execute(CREATE_STAGE.format(table=table))
        for start in range(0, total, BATCH):
            valid = []
            for line, cells in sheet.rows[start : start + BATCH]:
                row, errors = convert(cells)
                if "code" not in errors:
                    code = row[0]
                    if code in first_seen:
                        errors["code"] = duplicate_row(first_seen[code])
                    else:
                        first_seen[code] = line
                if len(preview) < PREVIEW_ROWS:
                    values = {
                        header_text[k]: K.to_text(cells[i])
                        if i < len(cells) and cells[i] is not None
                        else ""
                        for i, (k, _t) in columns.items()
                    }
                    preview.append((line, values, None if errors else row))
                if errors:
                    for key, message in errors.items():
                        report.error(line, header_text.get(key, key), message)
                    report.summary["error"] += 1
                else:
                    valid.append((line, *row))
            if valid:
                with cursor.copy(COPY_STAGE.format(table=table)) as copy:
                    for values in valid:
                        copy.write_row(values)
                staged += len(valid)
            if not write:
                set_progress(batch, min(start + BATCH, total), total)
        created, updated = _counts(cursor, table, ward.pk)
    report.summary["create"] += created
    report.summary["update"] += updated
    report.summary["unchanged"] += staged - created - updated
    current = dict(_current(ward.pk, [row[0] for _l, _v, row in preview if row is not None]))
    for line, values, row in preview:
        report.row_preview(line, _action(current, row), values)
    batch.resolved = checker.resolved()
    if report.error_count:
        drop_stage(batch.pk)
    elif write:
        write_staged(batch, report, staged=staged)


def _action(current, row):
    if row is None:
        return "error"
    existing = current.get(row[0])
    if existing is None:
        return "create"
    return "unchanged" if existing == row[1:] else "update"


# Committing ----------------------------------------------------------------------------------


def stage_is_current(batch) -> bool:
    """Whether the batch's staged rows can be written as they are: the staging table holds every
    row (an UNLOGGED table is emptied by crash recovery) and the group names and the ward resolve
    as they did when the file was checked."""
    resolved = batch.resolved or {}
    if "groups" not in resolved:
        return False
    table = stage_table(batch.pk)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [table])
        if cursor.fetchone()[0] is None:
            return False
        cursor.execute(f"SELECT count(*) FROM {table}")
        if cursor.fetchone()[0] != batch.row_count:
            return False
    ward = batch.ward
    if "ward" in resolved and resolved["ward"] != [ward.code, K.fold(ward.name)]:
        return False
    groups = K.GROUP.table(ward) if resolved["groups"] else {}
    return all(groups.get(key) == group_id for key, group_id in resolved["groups"].items())


def commit_staged(batch, report):
    """Write the rows staged by validation, deciding create/update/unchanged again now."""
    table = stage_table(batch.pk)
    report.row_count = batch.row_count
    lines = [entry["row"] for entry in batch.preview]
    with connection.cursor() as cursor:
        cursor.execute(PREVIEW_ACTIONS.format(table=table), [lines, len(lines), batch.ward_id])
        actions = dict(cursor.fetchall())
    for entry in batch.preview:
        report.row_preview(entry["row"], actions.get(entry["row"], "error"), entry["values"])
    write_staged(batch, report, staged=batch.row_count)


def write_staged(batch, report, *, staged):
    """Update the changed households and insert the new ones from the staging table, with their
    history rows; the counts in ``report`` become what was written. The table is dropped.

    ``staged`` is the number of rows in the table (every row of a sheet without errors).
    """
    table = stage_table(batch.pk)
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT _pgh_attach_context()")
            context_id = cursor.fetchone()[0]
            with pgtrigger.ignore(*HISTORY_TRIGGERS):
                cursor.execute(UPDATE_FROM_STAGE.format(table=table), [batch.ward_id, context_id])
                updated = cursor.rowcount
                # A household another user created meanwhile makes the unique index refuse it.
                cursor.execute(
                    INSERT_FROM_STAGE.format(table=table),
                    [batch.ward_id, batch.ward_id, context_id],
                )
                created = cursor.rowcount
            cursor.execute(f"DROP TABLE {table}")
    except IntegrityError:
        report.error(None, "", CONFLICT_MESSAGE)
        return
    report.summary.update(
        create=created, update=updated, unchanged=staged - created - updated, error=0
    )


# SQL -----------------------------------------------------------------------------------------
# Table and column names come from this module and the models, never from input; ``{table}`` is
# ``stage_table`` of an integer id.


def _history_columns():
    """The columns the pghistory triggers copy from a household (every tracked field)."""
    event_model = apps.get_model("households", "HouseholdEvent")
    own = {"pgh_id", "pgh_created_at", "pgh_label", "pgh_context", "pgh_obj"}
    return [f.column for f in event_model._meta.concrete_fields if f.name not in own]


_COLUMNS = ", ".join(DB_COLUMNS)
_REST = DB_COLUMNS[1:]
_DIFFERS = (
    f"({', '.join(f'h.{c}' for c in _REST)})"
    f" IS DISTINCT FROM ({', '.join(f's.{c}' for c in _REST)})"
)
_TRACKED = ", ".join(_history_columns())
_EVENT_INSERT = (
    "INSERT INTO households_householdevent"
    f" (pgh_created_at, pgh_label, pgh_context_id, pgh_obj_id, {_TRACKED})"
)
SELECT_CURRENT = (
    f"SELECT {_COLUMNS} FROM households_household WHERE ward_id = %s AND code = ANY(%s)"
)
CREATE_STAGE = (
    "CREATE UNLOGGED TABLE {table} (line integer, code text, group_id bigint, address text,"
    " head_name text, member_count integer, phone text, residence text, active boolean)"
    " WITH (autovacuum_enabled = false)"
)
COPY_STAGE = f"COPY {{table}} (line, {_COLUMNS}) FROM STDIN"
COUNTS = (
    "SELECT count(*) FILTER (WHERE h.id IS NULL),"
    f" count(*) FILTER (WHERE h.id IS NOT NULL AND {_DIFFERS})"
    " FROM {table} s LEFT JOIN households_household h ON h.ward_id = %s AND h.code = s.code"
)
PREVIEW_ACTIONS = (
    "SELECT s.line, CASE WHEN h.id IS NULL THEN 'create'"
    f" WHEN {_DIFFERS} THEN 'update' ELSE 'unchanged' END"
    " FROM (SELECT * FROM {table} WHERE line = ANY(%s) LIMIT %s) s"
    " LEFT JOIN households_household h ON h.ward_id = %s AND h.code = s.code"
)
UPDATE_FROM_STAGE = (
    "WITH changed AS ("
    f" UPDATE households_household h SET {', '.join(f'{c} = s.{c}' for c in _REST)}"
    f" FROM {{table}} s WHERE h.ward_id = %s AND h.code = s.code AND {_DIFFERS}"
    " RETURNING h.*)"
    f" {_EVENT_INSERT} SELECT now(), 'update', %s, id, {_TRACKED} FROM changed"
)
INSERT_FROM_STAGE = (
    "WITH added AS ("
    f" INSERT INTO households_household (ward_id, {_COLUMNS}, version, created_at, updated_at)"
    f" SELECT %s, {', '.join(f's.{c}' for c in DB_COLUMNS)}, 1, now(), now() FROM {{table}} s"
    " WHERE NOT EXISTS (SELECT FROM households_household h"
    " WHERE h.ward_id = %s AND h.code = s.code)"
    " RETURNING *)"
    f" {_EVENT_INSERT} SELECT now(), 'insert', %s, id, {_TRACKED} FROM added"
)


def _counts(cursor, table, ward_id):
    cursor.execute(COUNTS.format(table=table), [ward_id])
    return cursor.fetchone()


def _current(ward_id, codes):
    """code -> (group_id, address, head_name, member_count, phone, residence, active)."""
    if not codes:
        return []
    with connection.cursor() as cursor:
        cursor.execute(SELECT_CURRENT, [ward_id, codes])
        return [(row[0], tuple(row[1:])) for row in cursor.fetchall()]
