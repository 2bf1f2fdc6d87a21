"""Imports: upload, validate (a dry run through the real services), commit or cancel.

Validation and commit run one code path (``_process``). Small files take the row path
(``imports.rows``): each row is checked against the model's fields (``imports.shape``) and goes
through the entity's service (``household_create`` …: scope, ``full_clean``, closed periods), so
an import accepts exactly what the forms and the API accept. Large household files take the COPY
path (``imports.fastpath``): the same rules, compiled once per import, and PostgreSQL COPY.
Validation rolls every row back; commit writes all rows in one transaction or none.

Uploading records the file; the caller queues its validation (``imports.tasks``). A commit of
more than ``IMPORT_SYNC_COMMIT_LIMIT`` rows runs in the worker too (``import_commit_queue``, then
``import_commit_run``), with its progress in rows. Background runs hold the batch's job lease
(``wardsecurity.jobs``), so a batch whose worker died is found and sent again
(``import_requeue``), or failed after ``JOB_MAX_ATTEMPTS`` starts.
"""

import logging
import re
import zlib
from datetime import timedelta
from pathlib import Path

import pghistory
import psycopg
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from imports import fastpath
from imports import kinds as K
from imports.models import ImportBatch
from imports.parsing import TOO_LARGE, ImportFileError, max_bytes, read_sheet
from imports.report import Report, progress_outside_transaction
from imports.rows import rows_through_services
from wardsecurity.events import rows_written
from wardsecurity.jobs import STALLED_AFTER, job_lease, max_attempts
from wardsecurity.scope import role_may_see
from wardsecurity.services import OutOfScope

logger = logging.getLogger(__name__)

DEFAULT_FAST_THRESHOLD = 5000
DEFAULT_SYNC_COMMIT_LIMIT = 5000
LEASE = "import"  # the batches' lease name (wardsecurity.jobs.job_lease)
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
BEING_IMPORTED = _("This import is being written; it can no longer be cancelled.")
WORKER_LOST = _(
    "The background worker stopped %(attempts)s times while handling this file; nothing was "
    "written. Upload the file again, or ask the administrator to check the worker."
)

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# pg_advisory_xact_lock(namespace, ward id): two commits into one ward run one after the other.
LOCK_NAMESPACE = zlib.crc32(b"imports") & 0x7FFFFFFF
# pg_advisory_xact_lock(namespace, batch id): commit and cancel of one batch, one at a time. A lock
# of its own rather than the batch's row, so that a long commit can write its progress on the row.
BATCH_NAMESPACE = zlib.crc32(b"imports:batch") & 0x7FFFFFFF


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
    """Check every row of a waiting import without writing; safe to run twice, or at once in
    two workers (one claims it)."""
    with job_lease(LEASE, batch_id) as free:
        if not free:
            return None  # another worker checks it
        claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportBatch.Status.QUEUED).update(
            status=ImportBatch.Status.VALIDATING,
            attempts=F("attempts") + 1,
            started_at=timezone.now(),
            progress=0,
            rows_done=0,
        )
        if not claimed:
            return None
        batches = ImportBatch.objects.select_related("ward", "created_by").defer("content")
        batch = batches.get(pk=batch_id)
        report = _process(batch, write=False)
        status = ImportBatch.Status.INVALID if report.error_count else ImportBatch.Status.READY
        _store(batch, report, status)
    return batch


def sync_commit_limit() -> int:
    return getattr(settings, "IMPORT_SYNC_COMMIT_LIMIT", DEFAULT_SYNC_COMMIT_LIMIT)


def commits_in_worker(batch) -> bool:
    """Whether committing ``batch`` is left to the worker (over ``IMPORT_SYNC_COMMIT_LIMIT`` rows):
    a request has 30 seconds, a million rows take minutes."""
    return batch.row_count > sync_commit_limit()


def import_commit(*, actor, batch) -> ImportBatch:
    """Write every row of a ready import in one transaction, or none (GUARANTEES G13)."""
    spec = get_kind(batch.kind)
    _check_may_import(actor, spec, batch.ward)
    return _commit(actor, ImportBatch.objects.visible_to(actor), batch.pk, ImportBatch.Status.READY)


def import_commit_queue(*, actor, batch) -> ImportBatch:
    """Hand a ready import to the worker to commit (``import_commit_run``); the caller queues it
    (``imports.tasks.queue_commit``). The batch is "importing" until the worker is done."""
    spec = get_kind(batch.kind)
    _check_may_import(actor, spec, batch.ward)
    with transaction.atomic():
        _lock_batch(batch.pk)
        found = ImportBatch.objects.visible_to(actor).filter(pk=batch.pk).first()
        if found is None:
            raise OutOfScope
        if found.status != ImportBatch.Status.READY:
            raise ImportNotReady(NOT_READY)
        ImportBatch.objects.filter(pk=batch.pk).update(
            status=ImportBatch.Status.COMMITTING,
            committed_by=actor,
            started_at=None,
            progress=0,
            rows_done=0,
        )
    return ImportBatch.objects.select_related("ward").defer("content").get(pk=batch.pk)


def import_commit_run(*, batch_id) -> ImportBatch | None:
    """The worker's part of a queued commit: write the rows as the user who asked for it, with
    the progress in rows on the batch. Safe to run twice: a batch no longer importing is left."""
    with job_lease(LEASE, batch_id) as free:
        if not free:
            return None  # another worker commits it
        claimed = ImportBatch.objects.filter(
            pk=batch_id, status=ImportBatch.Status.COMMITTING, started_at__isnull=True
        ).update(attempts=F("attempts") + 1, started_at=timezone.now())
        if not claimed:
            return None
        batches = ImportBatch.objects.select_related("ward", "committed_by").defer("content")
        batch = batches.get(pk=batch_id)
        actor = batch.committed_by or batch.created_by
        try:
            spec = get_kind(batch.kind)
            _check_may_import(actor, spec, batch.ward)
        except (PermissionDenied, OutOfScope, ValidationError):
            # The right to import was taken away since the commit was asked for.
            _fail(ImportBatch.objects.filter(pk=batch_id), NOT_READY)
            return ImportBatch.objects.get(pk=batch_id)
        try:
            with progress_outside_transaction():
                return _commit(
                    actor, ImportBatch.objects.all(), batch_id, ImportBatch.Status.COMMITTING
                )
        except ValidationError:
            return ImportBatch.objects.get(pk=batch_id)  # changed since checked: now invalid


def _fail(batches, message) -> int:
    """Mark ``batches`` failed with ``message``: nothing of theirs was written; the file goes."""
    return batches.update(
        status=ImportBatch.Status.FAILED,
        progress=100,
        started_at=None,
        errors=[{"row": None, "column": "", "message": str(message)}],
        error_count=1,
        content=b"",
    )


def _lock_batch(batch_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BATCH_NAMESPACE, batch_id])


def _commit(actor, batches, batch_id, expected) -> ImportBatch:
    failed = None
    with transaction.atomic():
        _lock_batch(batch_id)
        # The file is read only if the rows must be checked again (``_process``).
        batch = batches.filter(pk=batch_id).select_related("ward", "created_by").defer("content")
        batch = batch.first()
        if batch is None:
            raise OutOfScope
        if batch.status != expected:
            raise ImportNotReady(NOT_READY)
        report = _process(batch, write=True, actor=actor)
        if report.error_count:
            # Something changed since validation: roll the rows back, keep the new report.
            transaction.set_rollback(True)
            failed = report
        else:
            _store(batch, report, ImportBatch.Status.COMMITTED)
            # The rows went in by COPY and bulk statements: no post_save tells the statistics.
            rows_written.send(sender=get_kind(batch.kind).model)
    if failed is not None:
        fastpath.drop_stage(batch.pk)
        _store(batch, failed, ImportBatch.Status.INVALID)
        raise ValidationError(CHANGED_SINCE, code="changed")
    return batch


def import_requeue(*, after_seconds=STALLED_AFTER, send) -> dict[str, int]:
    """Recover the imports lost to a broker outage or a killed worker (every minute, by beat).

    A batch being checked or committed whose worker is gone (its lease is free) is sent again,
    or after ``JOB_MAX_ATTEMPTS`` starts marked failed with a message; a batch waiting for a
    worker whose message is older than ``after_seconds`` is sent again. ``send(batch)`` queues
    a batch's check or commit (``imports.tasks``). Safe to run at any time, in several places.
    """
    Status = ImportBatch.Status
    now = timezone.now()
    resend, failed = set(), 0
    running = ImportBatch.objects.filter(status=Status.VALIDATING) | ImportBatch.objects.filter(
        status=Status.COMMITTING, started_at__isnull=False
    )
    for batch_id, status, attempts in running.values_list("pk", "status", "attempts"):
        with job_lease(LEASE, batch_id) as free:
            if not free:
                continue  # its worker is alive
            lost = ImportBatch.objects.filter(pk=batch_id, status=status)
            if status == Status.COMMITTING:
                lost = lost.filter(started_at__isnull=False)  # else it waits for a worker
            if attempts >= max_attempts():
                failed += _fail(lost, WORKER_LOST % {"attempts": attempts})
                logger.error("import %s failed after %s attempts", batch_id, attempts)
                continue
            back = Status.QUEUED if status == Status.VALIDATING else Status.COMMITTING
            if lost.update(status=back, started_at=None, progress=0, rows_done=0):
                resend.add(batch_id)
    cutoff = now - timedelta(seconds=after_seconds)
    waiting = ImportBatch.objects.filter(status__in=[Status.QUEUED, Status.COMMITTING])
    waiting = waiting.filter(started_at__isnull=True)
    stale = waiting.filter(sent_at__lt=cutoff) | waiting.filter(
        sent_at__isnull=True, updated_at__lt=cutoff
    )
    resend.update(stale.values_list("pk", flat=True))
    batches = ImportBatch.objects.filter(pk__in=resend).only("pk", "status")
    sent = sum(bool(send(batch)) for batch in batches)
    return {"requeued": sent, "failed": failed}


def import_cancel(*, actor, batch) -> ImportBatch:
    """Drop an import that has not been committed; its file is discarded."""
    spec = get_kind(batch.kind)
    _check_may_import(actor, spec, batch.ward)
    with transaction.atomic():
        _lock_batch(batch.pk)
        batch = (
            ImportBatch.objects.visible_to(actor).select_for_update().filter(pk=batch.pk).first()
        )
        if batch is None:
            raise OutOfScope
        if batch.status in {ImportBatch.Status.COMMITTED, ImportBatch.Status.CANCELLED}:
            raise ImportNotReady(NOT_OPEN)
        if batch.status == ImportBatch.Status.COMMITTING:
            raise ImportNotReady(BEING_IMPORTED)
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
    batch.rows_done = report.row_count
    batch.started_at = None
    fields = [
        "rows_done",
        "started_at",
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
