"""Export jobs: a list too long for one request is written by a worker, then fetched by its owner.

Through gunicorn a request has 30 seconds, and a province's households take minutes; so past
``EXPORT_SYNC_LIMIT`` rows the export button queues an ``ExportJob``. The worker rebuilds the
list as its owner sees it when it runs (scope, role and the stored filters), writes the file
into the "exports" storage (PostgreSQL by default, ``filestore``: any web process on any machine
serves it, only through ``ExportJobDownloadView``), and reports progress chunk by chunk.
``export_jobs_cleanup`` deletes old jobs, their files, and old report jobs.

The imports go one way: the pages and ``wardsecurity.tasks`` (which sends a job to the worker)
import this module; it imports neither.
"""

import logging
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.storage import Storage, storages
from django.db.models import Q
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from wardsecurity.audit import sensitive_read_log
from wardsecurity.jobs import job_for
from wardsecurity.models import ExportJob, ReportJob
from wardsecurity.pagination import planner_estimate
from wardsecurity.portal import exports, registry
from wardsecurity.replica import replica_reads

logger = logging.getLogger(__name__)

CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": exports.XLSX_CONTENT_TYPE}
# Where the files of export jobs are named in their storage.
PREFIX = "exports/"


def export_storage() -> Storage:
    return storages["exports"]


def over_sync_limit(queryset) -> bool:
    """Whether the list is too long for the request: one count of at most limit + 1 rows."""
    limit = settings.EXPORT_SYNC_LIMIT
    return queryset.order_by().values("pk")[: limit + 1].count() > limit


def entity_key(entity) -> str:
    return entity.model._meta.label_lower


def entity_for_key(key: str):
    return next((entity for entity in registry() if entity_key(entity) == key), None)


def export_job_filename(job: ExportJob) -> str:
    entity = entity_for_key(job.entity)
    return f"{entity.prefix if entity else 'export'}.{job.format}"


def export_job_create(*, actor, entity, query: str, fmt: str) -> ExportJob:
    """The job of exporting ``entity``'s list filtered by ``query``, in the actor's language.

    Only the row: ``wardsecurity.tasks.export_job_queue`` sends it to the worker."""
    return ExportJob.objects.create(
        owner=actor,
        entity=entity_key(entity),
        query=query,
        format=fmt,
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )


def export_job_for(*, user, job_id) -> ExportJob:
    return job_for(ExportJob.objects.all(), user=user, job_id=job_id)


def export_job_file(job: ExportJob) -> File:
    """The finished file of ``job``, open for reading from its storage (streamed by chunks);
    404 while it is not done or after the file was cleaned up."""
    if job.status != ExportJob.Status.DONE or not job.file_path:
        raise Http404
    try:
        return export_storage().open(job.file_path, "rb")
    except FileNotFoundError:
        raise Http404 from None


def owner_list(job: ExportJob):
    """The entity and the list ``job``'s owner would export now, with the stored filters.

    The same code as the list page and its export answer with, fed the stored query string:
    the owner's scope and role today, not when the job was queued.
    """
    owner = job.owner
    entity = entity_for_key(job.entity)
    if not owner.is_active or entity is None or not entity.may_view(owner):
        raise PermissionDenied
    return entity, entity.export_queryset(owner, QueryDict(job.query))


class _Progress:
    """Walks the records, saving the progress (and, for sensitive records, the read) per chunk."""

    def __init__(self, job, entity, queryset):
        self.job, self.entity, self.queryset = job, entity, queryset
        self.expected = max(planner_estimate(queryset), 1)
        self.count = 0

    def __iter__(self):
        sensitive = self.entity.model.sensitive
        ids = []
        for record in self.queryset.iterator(chunk_size=exports.CHUNK):
            self.count += 1
            if sensitive:
                ids.append(record.pk)
            yield record
            if self.count % exports.CHUNK == 0:
                self.chunk_done(ids)
                ids = []
        self.chunk_done(ids)

    def chunk_done(self, ids):
        if ids:
            sensitive_read_log(
                user=self.job.owner,
                model=self.entity.model,
                ids=ids,
                path=reverse("export_job", kwargs={"pk": self.job.pk}),
            )
        self.expected = max(self.expected, self.count)
        progress = min(99, 1 + self.count * 98 // self.expected)
        ExportJob.objects.filter(pk=self.job.pk).update(progress=progress)


def export_job_run(*, job_id) -> None:
    """Write the job's file as its owner. Safe to run twice: only a queued job is claimed."""
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING, progress=1
    )
    if not claimed:
        return
    job = ExportJob.objects.select_related("owner").get(pk=job_id)
    # An unguessable name: the storage is private, but a leaked listing still names nobody.
    name = f"{PREFIX}{job.pk}-{secrets.token_hex(8)}.{job.format}"
    try:
        # The file is built in this process's temporary folder (TMPDIR), which it deletes on
        # leaving, then copied into the storage chunk by chunk: nothing stays on this machine.
        with tempfile.TemporaryDirectory(prefix="export-") as scratch:
            partial = Path(scratch) / f"export.{job.format}"
            with translation.override(job.language), replica_reads():
                entity, queryset = owner_list(job)
                records = _Progress(job, entity, queryset)
                if job.format == "csv":
                    with partial.open("w", encoding="utf-8", newline="") as target:
                        exports.write_csv(entity, records, target, user=job.owner)
                else:
                    exports.write_xlsx(
                        entity,
                        records,
                        str(partial),
                        user=job.owner,
                        with_ids=exports.asks_for_ids(QueryDict(job.query)),
                    )
            with partial.open("rb") as written:
                name = export_storage().save(name, File(written, name=name))
    except Exception as error:
        # The class only: a message could quote a cell, and logs never hold personal data.
        logger.error("export job %s failed: %s", job_id, type(error).__name__)
        ExportJob.objects.filter(pk=job_id).update(
            status=ExportJob.Status.FAILED, finished_at=timezone.now()
        )
        return
    ExportJob.objects.filter(pk=job_id).update(
        status=ExportJob.Status.DONE,
        progress=100,
        row_count=records.count,
        file_path=name,
        finished_at=timezone.now(),
    )


def export_jobs_cleanup(*, now=None) -> dict[str, int]:
    """Delete export jobs (with their files) and report jobs older than ``EXPORT_KEEP_DAYS``.

    A job counts from when it finished, or, never finished, from when it was asked for; a file
    no job names (a worker stopped between storing it and marking its job done) goes after the
    same time. The stored bytes go with their file, whatever the storage.
    """
    cutoff = (now or timezone.now()) - timedelta(days=settings.EXPORT_KEEP_DAYS)
    old = Q(finished_at__lt=cutoff) | Q(finished_at__isnull=True, created_at__lt=cutoff)
    storage = export_storage()
    files = 0
    jobs = ExportJob.objects.filter(old)
    for file_path in jobs.exclude(file_path="").values_list("file_path", flat=True).iterator():
        if storage.exists(file_path):
            storage.delete(file_path)
            files += 1
    try:
        _dirs, names = storage.listdir(PREFIX.rstrip("/"))
    except FileNotFoundError:  # a file system storage that has never held an export
        names = []
    named = set(
        ExportJob.objects.exclude(pk__in=jobs.values("pk"))
        .exclude(file_path="")
        .values_list("file_path", flat=True)
    )
    for name in (PREFIX + name for name in names):
        if name not in named and storage.get_modified_time(name) < cutoff:
            storage.delete(name)
            files += 1
    export_jobs = jobs.delete()[0]
    report_jobs = ReportJob.objects.filter(old).delete()[0]
    return {"export_jobs": export_jobs, "files": files, "report_jobs": report_jobs}
