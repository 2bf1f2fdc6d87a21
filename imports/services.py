"""Imports: upload, validate (a dry run through the real services), commit or cancel.

Validation and commit run one code path (``_process``): each row goes through the API serializer
(shape), then the entity's service (``household_create`` …: scope, ``full_clean``, closed
periods), so an import accepts exactly what the API and the forms accept. Validation rolls every
row back; commit writes all rows in one transaction or none. Large household files take the fast
path (``imports.fastpath``): the same rules in precompiled form, and PostgreSQL COPY.

Uploading records the file; the caller queues its validation (``imports.tasks``).
"""

import re
import zlib
from pathlib import Path
from types import SimpleNamespace

import pghistory
import psycopg
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.http import Http404
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from imports import fastpath
from imports import kinds as K
from imports.models import ImportBatch
from imports.parsing import TOO_LARGE, ImportFileError, max_bytes, read_sheet
from imports.report import Report, duplicate_row, set_progress
from wardsecurity.scope import role_may_see
from wardsecurity.services import OutOfScope
from wardsecurity.validators import normalise_text

DEFAULT_FAST_THRESHOLD = 5000

UNKNOWN_KIND = _("This kind of record cannot be imported.")
UNKNOWN_COLUMN = _("Unknown column; use the column names of the import template.")
DUPLICATE_COLUMN = _("This column appears twice.")
MISSING_COLUMN = _("This required column is missing.")
NOT_READY = _("This import cannot be committed: it is not ready (it has errors or is finished).")
NOT_OPEN = _("This import is already finished.")
ROW_HAS_ERRORS = _("The file has errors; correct them and upload it again.")
CHANGED_SINCE = _("The data changed since the file was checked; it has been checked again.")

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# pg_advisory_xact_lock(namespace, ward id): two commits into one ward run one after the other.
LOCK_NAMESPACE = zlib.crc32(b"imports") & 0x7FFFFFFF


class ImportNotReady(Exception):
    """Commit or cancel asked of an import that is not in a state that allows it (409)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def get_kind(name) -> K.Kind:
    kind = K.KINDS.get(name)
    if kind is None:
        raise ValidationError({"kind": ValidationError(UNKNOWN_KIND, code="kind")})
    return kind


def _check_may_import(actor, kind, ward):
    """Writers only (403); sensitive kinds police only (403); the ward in scope (404)."""
    if actor is None or not actor.is_authenticated or not actor.is_active or not actor.can_write:
        raise PermissionDenied
    if not role_may_see(actor, kind.model_class):
        raise PermissionDenied
    ward_model = apps.get_model("households", "Ward")
    if not ward_model.objects.visible_to(actor).filter(pk=ward.pk).exists():
        raise OutOfScope


# Services ------------------------------------------------------------------------------------


def import_start(*, actor, ward, kind, filename, content: bytes) -> ImportBatch:
    """Record an uploaded file for ``ward``, waiting to be checked.

    The caller queues the check (``imports.tasks.queue_validation``) or runs it
    (``import_validate``).
    """
    spec = get_kind(kind)
    _check_may_import(actor, spec, ward)
    if len(content) > max_bytes():
        raise ValidationError({"file": ValidationError(TOO_LARGE, code="too_large")})
    with transaction.atomic(), pghistory.context(user=actor.pk, service="import_start"):
        batch = ImportBatch.objects.create(
            ward=ward,
            kind=spec.name,
            police_only=spec.model_class.sensitive,
            created_by=actor,
            filename=_CONTROL.sub("", Path(filename or "").name)[:255],
        )
        _write_content(batch.pk, content)
    return batch


def import_validate(*, batch_id) -> ImportBatch | None:
    """Check every row of a waiting import without writing; safe to run twice."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.VALIDATING)
    batch = claimed.select_related("ward", "created_by").defer("content").first()
    if batch is None:
        return None
    report = _process(batch, write=False)
    status = ImportBatch.Status.INVALID if report.error_count else ImportBatch.Status.READY
    _store(batch, report, status)
    return batch


def import_commit(*, actor, batch) -> ImportBatch:
    """Write every row of a ready import in one transaction, or none (GUARANTEES G13)."""
    spec = get_kind(batch.kind)
    _check_may_import(actor, spec, batch.ward)
    failed = None
    with transaction.atomic():
        locked = ImportBatch.objects.visible_to(actor).select_for_update().filter(pk=batch.pk)
        # The file is read only if the rows must be checked again (``_process``).
        batch = locked.select_related("ward", "created_by").defer("content").first()
        if batch is None:
            raise OutOfScope
        if batch.status != ImportBatch.Status.READY:
            raise ImportNotReady(NOT_READY)
        report = _process(batch, write=True, actor=actor)
        if report.error_count:
            # Something changed since validation: roll the rows back, keep the new report.
            transaction.set_rollback(True)
            failed = report
        else:
            _store(batch, report, ImportBatch.Status.COMMITTED)
    if failed is not None:
        fastpath.drop_stage(batch.pk)
        _store(batch, failed, ImportBatch.Status.INVALID)
        raise ValidationError(CHANGED_SINCE, code="changed")
    return batch


def import_cancel(*, actor, batch) -> ImportBatch:
    """Drop an import that has not been committed; its file is discarded."""
    spec = get_kind(batch.kind)
    _check_may_import(actor, spec, batch.ward)
    with transaction.atomic():
        batch = (
            ImportBatch.objects.visible_to(actor).select_for_update().filter(pk=batch.pk).first()
        )
        if batch is None:
            raise OutOfScope
        if batch.status in {ImportBatch.Status.COMMITTED, ImportBatch.Status.CANCELLED}:
            raise ImportNotReady(NOT_OPEN)
        batch.status = ImportBatch.Status.CANCELLED
        batch.content = b""
        batch.save(update_fields=["status", "content", "updated_at"])
        fastpath.drop_stage(batch.pk)
    return batch


def import_run(*, actor, ward, kind, path) -> ImportBatch:
    """Validate and commit the file at ``path`` in one call (benchmarks, commands).

    The validation runs here, so none is queued for a worker.
    """
    batch = import_start(
        actor=actor, ward=ward, kind=kind, filename=str(path), content=Path(path).read_bytes()
    )
    batch = import_validate(batch_id=batch.pk) or ImportBatch.objects.get(pk=batch.pk)
    if batch.status != ImportBatch.Status.READY:
        return batch
    return import_commit(actor=actor, batch=batch)


def _store(batch, report, status):
    batch.status = status
    batch.progress = 100
    batch.summary = report.summary
    batch.errors = report.errors
    batch.error_count = report.error_count
    batch.preview = report.preview
    batch.row_count = report.row_count
    fields = [
        "status",
        "progress",
        "summary",
        "errors",
        "error_count",
        "preview",
        "row_count",
        "resolved",
    ]
    if status == ImportBatch.Status.COMMITTED:
        batch.content = b""  # the records are the data now; keep no second copy of it
        fields.append("content")
    batch.save(update_fields=[*fields, "updated_at"])


def _write_content(batch_id, content):
    """Store the file as a binary parameter: the ORM would send it hex-escaped in the SQL text,
    twice its size, which cost more than reading it."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            "UPDATE imports_importbatch SET content = %b WHERE id = %s", [content, batch_id]
        )


def _read_content(batch_id) -> bytes:
    """The stored file, fetched in binary (not as hex text to decode)."""
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            "SELECT content FROM imports_importbatch WHERE id = %s", [batch_id], binary=True
        )
        return cursor.fetchone()[0]


# The run -------------------------------------------------------------------------------------


def _process(batch, *, write, actor=None) -> Report:
    report = Report()
    actor = actor or batch.created_by
    spec = get_kind(batch.kind)
    context = pghistory.context(
        user=actor.pk, service="import_commit" if write else "import_validate", import_id=batch.pk
    )
    with context:
        if write:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, batch.ward_id]
                )
            # Validation staged the checked rows: write them unless what they rely on moved.
            if spec.name == "households" and fastpath.stage_is_current(batch):
                fastpath.commit_staged(batch, report)
                return report
        try:
            sheet = read_sheet(_read_content(batch.pk), batch.filename)
        except ImportFileError as exc:
            report.error(exc.line, "", exc.message)
            return report
        columns = _map_header(spec, sheet.header, report)
        report.row_count = len(sheet.rows)
        if report.error_count:
            return report
        threshold = getattr(settings, "IMPORT_FAST_THRESHOLD", DEFAULT_FAST_THRESHOLD)
        if spec.name == "households" and len(sheet.rows) >= threshold:
            fastpath.households_fast(batch, actor, spec, sheet, columns, report, write=write)
        else:
            _rows_through_services(batch, actor, spec, sheet, columns, report, write=write)
    return report


def _map_header(spec, header, report):
    """column index -> (column key, header text as written); header problems go to ``report``."""
    names = K.header_map(spec)
    columns, seen = {}, set()
    for index, text in enumerate(header):
        if text == "":
            continue
        key = names.get(K.fold(text))
        if key is None:
            report.error(1, text, UNKNOWN_COLUMN)
        elif key in seen:
            report.error(1, text, DUPLICATE_COLUMN)
        else:
            seen.add(key)
            columns[index] = (key, text)
    for column in spec.columns:
        if column.required and column.key not in seen:
            report.error(1, column.aliases[0] if column.aliases else column.key, MISSING_COLUMN)
    return columns


def read_row(spec, ward, columns, cells, tables, choices):
    """The API input of one row, and its cell errors as {column key: message}."""
    data, errors = {}, {}
    for index, (key, _text) in columns.items():
        cell = cells[index] if index < len(cells) else None
        column = spec.column(key)
        if column.type == K.WARD:
            if (
                not K.blank(cell)
                and K.to_text(cell).strip() != ward.code
                and K.fold(cell) != K.fold(ward.name)
            ):
                errors[key] = K.OTHER_WARD
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


def natural_key(spec, data):
    values = []
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


# Several records of the ward have this natural key: the row cannot tell which to update.
AMBIGUOUS_KEY = object()


def _existing(spec, ward, keys):
    """natural key -> the current record (or AMBIGUOUS_KEY), for the keys the file names (name
    keys: whole ward)."""
    model = spec.model_class
    queryset = model.objects.filter(**{model.ward_path: ward})
    by_name = any(spec.column(k).type == K.TEXT and k == "name" for k in spec.natural_key)
    if not by_name:
        for position, key in enumerate(spec.natural_key):
            values = {nk[position] for nk in keys}
            attname = f"{key}_id" if spec.column(key).type == K.LOOKUP else key
            present = [v for v in values if v is not None]
            condition = models.Q(**{f"{attname}__in": present})
            if None in values:
                condition |= models.Q(**{f"{attname}__isnull": True})
                if spec.column(key).type == K.TEXT:
                    condition |= models.Q(**{attname: ""})
            queryset = queryset.filter(condition)
    found = {}
    for record in queryset:
        data = {}
        for key in spec.natural_key:
            data[key] = getattr(record, f"{key}_id" if spec.column(key).type == K.LOOKUP else key)
        nk = natural_key(spec, data)
        found[nk] = AMBIGUOUS_KEY if nk in found else record
    return found


def _same(record, key, value):
    if isinstance(value, models.Model):
        return getattr(record, f"{key}_id", None) == value.pk
    if isinstance(value, list) and record._meta.get_field(key).many_to_many:
        return {v.pk for v in value} == {v.pk for v in getattr(record, key).all()}
    current = getattr(record, key)
    if isinstance(value, str):
        return normalise_text(value) == current
    return value == current


def _rows_through_services(batch, actor, spec, sheet, columns, report, *, write):
    ward = batch.ward
    tables = {
        c.key: c.lookup.table(ward) for c in spec.columns if c.lookup and _mapped(columns, c.key)
    }
    choices = {c.key: K.choice_map(spec, c.key) for c in spec.columns if c.type == K.CHOICE}
    header_text = dict(columns.values())
    create, update = spec.service_functions
    request = SimpleNamespace(user=actor)
    parsed = []
    for line, cells in sheet.rows:
        data, errors = read_row(spec, ward, columns, cells, tables, choices)
        parsed.append((line, cells, data, errors))
    keys = {natural_key(spec, data) for _l, _c, data, errors in parsed if not errors}
    existing = _existing(spec, ward, keys)
    first_seen = {}
    for done, (line, cells, data, errors) in enumerate(parsed, start=1):
        values = {
            header_text[k]: K.to_text(cells[i]) if i < len(cells) and cells[i] is not None else ""
            for i, (k, _t) in columns.items()
        }
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
            shape = _shape_errors(spec, request, {k: v for k, v in data.items() if k not in errors})
            errors = {**{k: m for k, m in shape.items() if k not in errors}, **errors}
        else:
            action, errors = _apply_row(
                spec, actor, request, existing.get(nk), data, create, update, write=write
            )
        if errors:
            for key, message in errors.items():
                whole_row = key in {"__all__", "non_field_errors"}
                report.error(line, "" if whole_row else header_text.get(key, key), message)
            report.row(line, "error", values)
        else:
            report.row(line, action, values)
        if not write and done % 100 == 0:
            set_progress(batch, done, len(parsed))


def _mapped(columns, key):
    return any(k == key for k, _t in columns.values())


def _shape_errors(spec, request, data):
    """The serializer's complaints about ``data`` as a new record, {column: message}."""
    serializer = spec.serializer_class(data=data, context={"request": request})
    if serializer.is_valid():
        return {}
    return {key: _first(messages) for key, messages in serializer.errors.items()}


def _apply_row(spec, actor, request, record, data, create, update, *, write):
    """Run one row through the serializer and the service; (action, {column: message})."""
    serializer = spec.serializer_class(
        instance=record, data=data, partial=record is not None, context={"request": request}
    )
    if not serializer.is_valid():
        return None, {key: _first(messages) for key, messages in serializer.errors.items()}
    validated = serializer.validated_data
    if record is not None:
        validated = {k: v for k, v in validated.items() if not _same(record, k, v)}
        if not validated:
            return "unchanged", {}
    action = "create" if record is None else "update"
    try:
        with transaction.atomic():
            if record is None:
                create(actor=actor, data=dict(validated))
            else:
                update(actor=actor, instance=record, data=dict(validated))
            if not write:
                transaction.set_rollback(True)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            return None, {key: _first(errors) for key, errors in exc.message_dict.items()}
        return None, {"__all__": _first(exc.messages)}
    except (Http404, PermissionDenied):
        return None, {"__all__": gettext(str(K.OTHER_WARD))}
    except IntegrityError:
        from wardsecurity.services import CONFLICT_MESSAGE

        return None, {"__all__": str(CONFLICT_MESSAGE)}
    return action, {}


def _first(messages):
    if isinstance(messages, dict):
        return _first(next(iter(messages.values())))
    if isinstance(messages, list | tuple):
        return str(messages[0]) if messages else ""
    return str(messages)
