"""The row path: each row of a sheet through the entity's own service.

A row's cells are read (``imports.kinds``: dates, choices, links among the ward's records), its
values checked against the model's fields (``imports.shape``), and then it goes to the kind's
service (``household_create``, ``incident_update`` …: scope, links among visible records,
``full_clean``, closed periods), so an import accepts exactly what the forms and the API accept.
A row whose natural key names a record of the ward updates that record with the cells that
changed; validation rolls every row back.
"""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils.translation import gettext

from imports import kinds as K
from imports import shape
from imports.report import Report, duplicate_row, set_progress
from wardsecurity.services import CONFLICT_MESSAGE
from wardsecurity.validators import normalise_text

# Several records of the ward have this natural key: the row cannot tell which to update.
AMBIGUOUS_KEY = object()
WHOLE_ROW = frozenset({"__all__", "non_field_errors"})


def read_row(spec: K.Kind, ward, columns: dict, cells: list, tables: dict, choices: dict):
    """The values of one row, and its cell errors as {column key: message}."""
    data: dict[str, object] = {}
    errors: dict[str, Any] = {}
    places: dict[str, object] = {}
    for index, (key, _text) in columns.items():
        cell = cells[index] if index < len(cells) else None
        column = spec.column(key)
        if column.type == K.WARD:
            places[key] = cell  # the ward and its former ward, read together below
            continue
        if K.blank(cell):
            if column.type == K.TEXT:
                data[key] = ""
            elif not K.model_has_default(spec, key):
                data[key] = None
            continue
        try:
            data[key] = _convert(column, cell, tables, choices)
        except K.CellError as exc:
            errors[key] = exc.args[0]
    if places:
        group = data.get("group") if isinstance(data.get("group"), int) else None
        _former, found = tables[K.WARD].read(places.get("ward"), places.get("former_ward"), group)
        for key, message in found.items():
            errors.setdefault(key, message)
    if spec.ward_in_data:
        data["ward"] = ward.pk
    return data, errors


def _convert(column, cell, tables, choices):
    if column.type == K.TEXT:
        return K.to_text(cell)
    if column.type == K.NUMBER:
        return K.to_number_text(cell)
    if column.type == K.DATE:
        return K.to_date(cell).isoformat()
    if column.type == K.BOOL:
        return K.to_bool(cell)
    if column.type == K.CHOICE:
        value = choices[column.key].get(K.fold(cell))
        if value is None:
            raise K.CellError(K.BAD_CHOICE % {"value": K.to_text(cell)[:50]})
        return value
    if column.type in (K.MANY, K.DATETIME):
        return tables[column.key].read(K.to_text(cell))
    table = tables[column.key]
    key = column.lookup.key(K.to_text(cell))
    if key not in table:
        raise K.CellError(K.NOT_FOUND)
    if table[key] is None:
        raise K.CellError(K.AMBIGUOUS)
    return table[key]


def natural_key(spec: K.Kind, data: dict) -> tuple:
    values: list[str | None] = []
    for key in spec.natural_key:
        value = data.get(key)
        column = spec.column(key)
        if value is None or value == "":
            values.append(None)
        elif column.type == K.TEXT and key == "name":
            values.append(K.fold(value))
        else:
            values.append(normalise_text(str(value)))
    return tuple(values)


def _attname(spec: K.Kind, key: str) -> str:
    return f"{key}_id" if spec.column(key).type == K.LOOKUP else key


def _storable(model_field, value) -> bool:
    """Whether ``value`` can be looked up in ``model_field``'s column (a key of a row whose number
    cell is not a number matches nothing: its row is refused by the shape step)."""
    try:
        model_field.get_prep_value(model_field.to_python(value))
    except (ValidationError, TypeError, ValueError):
        return False
    return True


def _existing(spec: K.Kind, ward, keys: set) -> dict:
    """natural key -> the current record (or AMBIGUOUS_KEY), for the keys the file names (name
    keys: whole ward)."""
    model = spec.model
    queryset = model.objects.filter(**{model.ward_path: ward})
    by_name = any(spec.column(k).type == K.TEXT and k == "name" for k in spec.natural_key)
    if not by_name:
        for position, key in enumerate(spec.natural_key):
            model_field = model._meta.get_field(key)
            values = {nk[position] for nk in keys}
            attname = _attname(spec, key)
            present = [v for v in values if v is not None and _storable(model_field, v)]
            condition = models.Q(**{f"{attname}__in": present})
            if None in values:
                condition |= models.Q(**{f"{attname}__isnull": True})
                if spec.column(key).type == K.TEXT:
                    condition |= models.Q(**{attname: ""})
            queryset = queryset.filter(condition)
    found = {}
    for record in queryset:
        data = {key: getattr(record, _attname(spec, key)) for key in spec.natural_key}
        nk = natural_key(spec, data)
        found[nk] = AMBIGUOUS_KEY if nk in found else record
    return found


def _same(record, key: str, value) -> bool:
    model_field = record._meta.get_field(key)
    if model_field.many_to_many:
        return set(value) == set(getattr(record, key).values_list("pk", flat=True))
    if model_field.is_relation:
        return getattr(record, model_field.attname) == value
    current = getattr(record, key)
    if isinstance(value, str):
        return normalise_text(value) == current
    return value == current


def rows_through_services(
    batch, actor, spec: K.Kind, sheet, columns: dict, report: Report, *, write
):
    """Check (and with ``write``, save) every row of ``sheet`` through the kind's services."""
    ward = batch.ward
    tables = {
        c.key: c.lookup.table(ward) for c in spec.columns if c.lookup and _mapped(columns, c.key)
    }
    if any(spec.column(key).type == K.WARD for key, _text in columns.values()):
        tables[K.WARD] = K.WardCells(ward)
    choices = {c.key: K.choice_map(spec, c.key) for c in spec.columns if c.type == K.CHOICE}
    names = [c.key for c in spec.columns if c.type != K.WARD]
    rules = shape.field_rules(spec.model, [*names, *(["ward"] if spec.ward_in_data else [])])
    header_text = dict(columns.values())
    parsed = []
    for line, cells in sheet.rows:
        data, errors = read_row(spec, ward, columns, cells, tables, choices)
        parsed.append((line, cells, data, errors))
    keys = {natural_key(spec, data) for _l, _c, data, errors in parsed if not errors}
    existing = _existing(spec, ward, keys)
    run = (spec, actor, rules, parsed, existing, header_text, columns, choices, report, batch)
    if spec.sequential and not write:
        # Keep each valid row while checking the next ones, as the commit does; undo them all.
        with transaction.atomic():
            _check_rows(*run, write=False, keep=True)
            transaction.set_rollback(True)
    else:
        _check_rows(*run, write=write, keep=write)


def _check_rows(
    spec,
    actor,
    rules,
    parsed,
    existing,
    header_text,
    columns,
    choices,
    report,
    batch,
    *,
    write,
    keep,
):
    """Each parsed row through the services; ``keep`` leaves a valid row written for the next."""
    first_seen: dict[tuple, int] = {}
    for done, (line, cells, data, errors) in enumerate(parsed, start=1):
        values = K.preview_values(spec, columns, cells, choices)
        if not any(key in errors for key in spec.natural_key):
            nk = natural_key(spec, data)
            if nk in first_seen:
                errors[spec.natural_key[0]] = duplicate_row(first_seen[nk])
            else:
                first_seen[nk] = line
        action = None
        if not errors and existing.get(nk) is AMBIGUOUS_KEY:
            headers = ", ".join(f"“{spec.header(key)}”" for key in spec.natural_key)
            errors[spec.natural_key[0]] = K.KEY_AMBIGUOUS % {"columns": headers}
        if errors:
            # Check the other cells too, so the report names every bad cell of the row at once.
            rest = {k: v for k, v in data.items() if k not in errors}
            _values, found = shape.check_row(rules, rest, partial=False)
            errors = {**{k: m for k, m in found.items() if k not in errors}, **errors}
        else:
            action, errors = _apply_row(spec, actor, rules, existing.get(nk), data, write=keep)
        if errors:
            for key, message in errors.items():
                report.error(line, "" if key in WHOLE_ROW else header_text.get(key, key), message)
            report.row(line, "error", values)
        else:
            report.row(line, action, values)
        if done % 100 == 0:
            set_progress(batch, done, len(parsed), committing=write)


def _mapped(columns, key):
    return any(k == key for k, _t in columns.values())


def _apply_row(spec: K.Kind, actor, rules: dict, record, data: dict, *, write):
    """Check one row's values and run them through the service; (action, {column: message})."""
    values, errors = shape.check_row(rules, data, partial=record is not None)
    if errors:
        return None, errors
    if record is not None:
        values = {k: v for k, v in values.items() if not _same(record, k, v)}
        if not values:
            return "unchanged", {}
    action = "create" if record is None else "update"
    try:
        with transaction.atomic():
            if record is None:
                spec.create(actor=actor, data=values)
            else:
                spec.update(actor=actor, instance=record, data=values)
            if not write:
                transaction.set_rollback(True)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return None, {key: _first(errors) for key, errors in exc.message_dict.items()}
        return None, {"__all__": _first(exc.messages)}
    except (Http404, PermissionDenied):
        return None, {"__all__": gettext(str(K.OTHER_WARD))}
    except IntegrityError:
        return None, {"__all__": str(CONFLICT_MESSAGE)}
    return action, {}


def _first(messages) -> str:
    if isinstance(messages, list | tuple):
        return str(messages[0]) if messages else ""
    return str(messages)
