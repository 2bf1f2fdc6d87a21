"""Imports: upload, validate (a dry run through the real services), commit or cancel.

Validation and commit run one code path (``_process``). Small files take the row path
(``imports.rows``): each row is checked against the model's fields (``imports.shape``) and goes
through the entity's service (``household_create`` …: scope, ``full_clean``, closed periods), so
an import accepts exactly what the forms and the API accept. Large household files take the COPY
path (``imports.fastpath``): the same rules, compiled once per import, and PostgreSQL COPY.
Validation rolls every row back; commit writes all rows in one transaction or none.

Uploading records the file; the caller queues its validation (``imports.tasks``).
"""

import re
import zlib
from pathlib import Path

import pghistory
import psycopg
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from imports import fastpath
from imports import kinds as K
from imports.models import ImportBatch
from imports.parsing import TOO_LARGE, ImportFileError, max_bytes, read_sheet
from imports.report import Report
from imports.rows import rows_through_services
from wardsecurity.scope import role_may_see
from wardsecurity.services import OutOfScope

DEFAULT_FAST_THRESHOLD = 5000
# Columns a file may have past its kind's own (notes, a column left over): wider is refused.
COLUMN_MARGIN = 20

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
    if not role_may_see(actor, kind.model):
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
            police_only=spec.model.sensitive,
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
        row = cursor.fetchone()
        assert row is not None  # the caller holds the batch, so its row is there
        return row[0]


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
            sheet = read_sheet(
                _read_content(batch.pk), batch.filename, columns=len(spec.columns) + COLUMN_MARGIN
            )
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
            rows_through_services(batch, actor, spec, sheet, columns, report, write=write)
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
