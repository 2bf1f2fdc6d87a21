"""The fast path for large household files: one check in Python, a staging table, set-based writes.

Validation checks every row once, by the row path's rules compiled for the file's columns (the
cell readers of ``imports.kinds``, the model's fields through ``imports.shape``, the model's
clean-text check; no ORM object per row), so both paths give the same report for the same file,
and copies the valid rows into an UNLOGGED table of their own,
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

import sys
import unicodedata

import pgtrigger
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, models, transaction

from households.models import Household
from imports import kinds as K
from imports import shape
from imports.report import PREVIEW_ROWS, duplicate_row, set_progress
from wardsecurity.services import CONFLICT_MESSAGE
from wardsecurity.validators import normalise_text, validate_clean_text

BATCH = 10_000
# The columns written, in the staging table's order (the natural key first).
FIELDS = ("code", "group", "address", "head_name", "member_count", "phone", "residence", "active")


def _household_field(name: str) -> models.Field:
    """The concrete field ``name`` of a household (every name of ``FIELDS`` is one)."""
    model_field = Household._meta.get_field(name)
    assert isinstance(model_field, models.Field) and model_field.column is not None
    return model_field


DB_COLUMNS: tuple[str, ...] = tuple(str(_household_field(name).column) for name in FIELDS)
HISTORY_TRIGGERS = ("households.Household:insert_insert", "households.Household:update_update")
# Where a row's complaint comes from; the row path reports them in this precedence (see
# ``_Checker.errors``).
CELL, SHAPE, CLEAN = 0, 1, 2


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
    """One row of cells -> (row tuple in DB_COLUMNS order, natural key, complaints or None).

    The rules are the row path's (``imports.rows``), compiled once for the file's columns: the
    cell readers of ``imports.kinds``, the model's fields through ``imports.shape``, and the
    clean-text check of the model's ``full_clean`` (``validate_clean_text``). Each reader takes a
    cell and the row's list of complaints, (CELL | SHAPE | CLEAN, field, message), and returns the
    value to store. In the row tuple, None is a value the file does not give (no column, or a
    blank cell of a field with a default): a new household takes the field's default, an existing
    one keeps its own.
    """

    def __init__(self, ward, spec, columns):
        self.spec = spec
        self.rules = shape.field_rules(Household, FIELDS)
        self.index_of = {key: index for index, (key, _t) in columns.items()}
        self.groups = K.GROUP.table(ward) if "group" in self.index_of else {}
        self.ward_code, self.ward_name = ward.code, K.fold(ward.name)
        # Where a complaint stands in the row's report: a bad cell by its place in the file, a
        # field's by the model's order (as the row path reports them).
        self.field_order = {name: position for position, name in enumerate(self.rules)}
        # Cell text -> result, for the columns whose values repeat (a few groups, yes/no…).
        self.group_ids = {}
        self.resolved_groups = {}
        has_places = "ward" in self.index_of or "former_ward" in self.index_of
        self.places = K.WardCells(ward) if has_places else None

    def _text(self, key):
        """A text field's reader: stripped NFC text, as ``full_clean`` stores it."""
        rule = self.rules[key]
        longest = sys.maxsize if rule.max_length is None else rule.max_length
        shortest = max(rule.min_length or 0, 1)
        validators = rule.validators
        check = rule.check

        def exact(text, problems):
            value, message = check(text)
            if message is not None:
                problems.append((SHAPE, key, message))
                return None
            value = normalise_text(value)
            try:
                validate_clean_text(value)
            except ValidationError as exc:
                problems.append((CLEAN, key, exc.messages[0]))
            return value

        def read(cell, problems):
            text = cell if cell.__class__ is str else "" if cell is None else K.to_text(cell)
            stripped = text.strip()
            # Most cells: printable text within the limits, which the field's validators accept.
            if not shortest <= len(stripped) <= longest or not stripped.isprintable():
                return exact(text, problems)
            if validators:
                try:
                    for validator in validators:
                        validator(stripped)
                except ValidationError:
                    return exact(text, problems)
            return stripped if stripped.isascii() else unicodedata.normalize("NFC", stripped)

        return read

    def _number(self, key):
        """A whole-number field's reader."""
        rule = self.rules[key]
        low = -sys.maxsize if rule.min_value is None else rule.min_value
        high = sys.maxsize if rule.max_value is None else rule.max_value
        plain = not rule.validators
        check = rule.check

        def read(cell, problems):
            raw = cell.strip() if cell.__class__ is str else K.to_number_text(cell)
            if plain and raw.isdigit() and raw.isascii() and low <= (number := int(raw)) <= high:
                return number
            number, message = check(raw)
            if message is not None:
                problems.append((SHAPE, key, message))
            return number

        return read

    def _group(self, cell, problems):
        """The residential group's reader: its id, by its name among the ward's groups."""
        text = K.to_text(cell)
        found = self.group_ids.get(text)
        if found is None and text not in self.group_ids:
            name = K.GROUP.key(text)
            found = self.groups.get(name, 0)
            self.group_ids[text] = found
            if found:
                self.resolved_groups[name] = found
        if found == 0:
            problems.append((CELL, "group", K.NOT_FOUND))
        elif found is None:
            problems.append((CELL, "group", K.AMBIGUOUS))
        return found or None

    def _cached(self, key, convert):
        """The reader of a field whose cells repeat (a choice, yes/no): ``convert`` (a cell
        reader of ``imports.kinds``) and the field's rule, once per distinct cell."""
        check = self.rules[key].check
        results = {}

        def read(cell, problems):
            cache_key = _cache_key(cell)
            found = results.get(cache_key)
            if found is None:
                try:
                    value, complaint = check(convert(cell))
                    found = (value, None if complaint is None else (SHAPE, key, complaint))
                except K.CellError as exc:
                    found = (None, (CELL, key, exc.args[0]))
                results[cache_key] = found
            if found[1] is not None:
                problems.append(found[1])
            return found[0]

        return read

    def _choice(self, key):
        choices = K.choice_map(self.spec, key)

        def convert(cell):
            value = choices.get(K.fold(cell))
            if value is None:
                raise K.CellError(K.BAD_CHOICE % {"value": K.to_text(cell)[:50]})
            return value

        return self._cached(key, convert)

    def compile(self):
        """The row function, with every column position and reader bound once."""
        index_of = self.index_of
        rules = self.rules
        blank = K.blank
        readers = {
            "code": self._text("code"),
            "group": self._group,
            "address": self._text("address"),
            "head_name": self._text("head_name"),
            "member_count": self._number("member_count"),
            "phone": self._text("phone"),
            "residence": self._choice("residence"),
            "active": self._cached("active", K.to_bool),
        }
        # A column the file does not have: a complaint if the field is required, else nothing.
        missing = tuple(
            (SHAPE, key, str(shape.REQUIRED))
            for key in FIELDS
            if key not in index_of and rules[key].required
        )
        # A blank cell: text is empty text; another field's is nothing if it has a default (the
        # row path leaves it out), else the field's complaint.
        on_blank = {
            key: None
            if rules[key].sort == shape.TEXT or K.model_has_default(self.spec, key)
            else (SHAPE, key, rules[key].check(None)[1])
            for key in FIELDS
        }
        steps = tuple(
            (position, index_of[key], readers[key], rules[key].sort == shape.TEXT, on_blank[key])
            for position, key in enumerate(FIELDS)
            if key in index_of
        )
        code_at = index_of.get("code")
        ward_at = index_of.get("ward")
        former_at = index_of.get("former_ward")
        places = self.places
        width = max(index_of.values()) + 1 if index_of else 0
        empty = (None,) * len(FIELDS)

        def convert(cells):
            if len(cells) < width:
                cells = [*cells, *([None] * (width - len(cells)))]
            problems = [*missing]
            row = [*empty]
            for position, at, read, text, blank_complaint in steps:
                cell = cells[at]
                if text or not blank(cell):
                    row[position] = read(cell, problems)
                elif blank_complaint is not None:
                    problems.append(blank_complaint)
            code = row[0]
            if not code and code_at is not None and not blank(cells[code_at]):
                code = normalise_text(K.to_text(cells[code_at]))
            if places is not None:
                # The ward or a predecessor of it, and the group's own predecessor (the row path's
                # rules: imports.kinds.WardCells).
                ward_cell = None if ward_at is None else cells[ward_at]
                former_cell = None if former_at is None else cells[former_at]
                if not (blank(ward_cell) and blank(former_cell)):
                    group = row[1] or None
                    _former, found = places.read(ward_cell, former_cell, group)
                    for key, message in found.items():
                        if key == "group" and any(p[:2] == (CELL, "group") for p in problems):
                            continue
                        problems.append((CELL, key, message))
            return tuple(row), code or None, problems or None

        return convert

    def errors(self, problems, duplicate=None) -> dict:
        """{column key: message} of a row, as the row path reports it: bad cells (and a repeated
        natural key) with the other fields' shape; else the shape; else what ``full_clean``
        refuses."""
        cells = sorted((p for p in problems if p[0] == CELL), key=lambda p: self.index_of[p[1]])
        found = {key: message for _stage, key, message in cells}
        if duplicate is not None:
            found["code"] = duplicate
        fields = sorted((p for p in problems if p[0] != CELL), key=lambda p: self.field_order[p[1]])
        shaped = {key: message for stage, key, message in fields if stage == SHAPE}
        if found:
            return {**{k: m for k, m in shaped.items() if k not in found}, **found}
        if shaped:
            return shaped
        return {key: message for _stage, key, message in fields}

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
    choices = {c.key: K.choice_map(spec, c.key) for c in spec.columns if c.type == K.CHOICE}
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
                row, natural, problems = convert(cells)
                duplicate = None
                if natural in first_seen:
                    duplicate = duplicate_row(first_seen[natural])
                else:
                    first_seen[natural] = line
                errors = None
                if problems is not None or duplicate is not None:
                    errors = checker.errors(problems or (), duplicate)
                if len(preview) < PREVIEW_ROWS:
                    values = K.preview_values(spec, columns, cells, choices)
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
            set_progress(batch, min(start + BATCH, total), total, committing=write)
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
    given = all(new is None or new == old for new, old in zip(row[1:], existing, strict=True))
    return "unchanged" if given else "update"


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
                set_progress(batch, updated, staged, committing=True)
                # A household another user created meanwhile makes the unique index refuse it.
                cursor.execute(
                    INSERT_FROM_STAGE.format(table=table),
                    [batch.ward_id, *_DEFAULTS, batch.ward_id, context_id],
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
# A staged NULL is a value the file does not give: an existing household keeps its own, a new one
# takes the field's default (``_DEFAULTS``, in ``_REST``'s order).
_GIVEN = {c: f"COALESCE(s.{c}, h.{c})" for c in _REST}
_DEFAULTS = [_household_field(name).get_default() for name in FIELDS[1:]]
_DIFFERS = (
    f"({', '.join(f'h.{c}' for c in _REST)})"
    f" IS DISTINCT FROM ({', '.join(_GIVEN[c] for c in _REST)})"
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
    f" UPDATE households_household h SET {', '.join(f'{c} = {_GIVEN[c]}' for c in _REST)}"
    f" FROM {{table}} s WHERE h.ward_id = %s AND h.code = s.code AND {_DIFFERS}"
    " RETURNING h.*)"
    f" {_EVENT_INSERT} SELECT now(), 'update', %s, id, {_TRACKED} FROM changed"
)
INSERT_FROM_STAGE = (
    "WITH added AS ("
    f" INSERT INTO households_household (ward_id, {_COLUMNS}, version, created_at, updated_at)"
    f" SELECT %s, s.{DB_COLUMNS[0]}, {', '.join(f'COALESCE(s.{c}, %s)' for c in _REST)},"
    " 1, now(), now() FROM {table} s"
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
