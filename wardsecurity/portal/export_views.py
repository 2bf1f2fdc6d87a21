"""The pages of export jobs: the caller's exports, one job's progress, and its file.

Only the owner sees a job; anyone else gets the 404 of a job that does not exist (G2). The job's
filters stay in the database: these URLs carry nothing but its id.
"""

from django.http import FileResponse
from django.shortcuts import render
from django.utils.text import capfirst
from django.views import View

from wardsecurity.models import ExportJob
from wardsecurity.portal.export_jobs import (
    CONTENT_TYPES,
    entity_for_key,
    export_job_file,
    export_job_filename,
    export_job_for,
)
from wardsecurity.portal.views import PrivatePageMixin
from wardsecurity.tasks import export_job_requeue_if_stalled

RECENT_JOBS = 20


def job_context(job):
    entity = entity_for_key(job.entity)
    return {
        "job": job,
        "label": capfirst(entity.label_plural) if entity else job.entity,
        "list_url": entity.url("list") if entity else None,
        "filename": export_job_filename(job),
    }


class ExportJobListView(PrivatePageMixin, View):
    """The caller's recent exports, newest first."""

    def get(self, request):
        jobs = ExportJob.objects.filter(owner=request.user).only(
            "pk", "entity", "format", "status", "progress", "row_count", "created_at"
        )[:RECENT_JOBS]
        context = {"jobs": [job_context(job) for job in jobs]}
        return render(request, "portal/export_jobs.html", context)


class ExportJobView(PrivatePageMixin, View):
    """One export job: a progress bar that htmx refreshes, then the download link."""

    def get(self, request, pk):
        job = export_job_for(user=request.user, job_id=pk)
        return render(request, "portal/export_job.html", job_context(job))


class ExportJobProgressView(PrivatePageMixin, View):
    """The progress part of the job page, polled every 2 seconds until the job ends."""

    def get(self, request, pk):
        job = export_job_for(user=request.user, job_id=pk)
        export_job_requeue_if_stalled(job=job)
        return render(request, "portal/_export_job.html", job_context(job))


class StoredFileResponse(FileResponse):
    """Pieces of 64 KiB: a stored chunk (1 MiB) is read once and sent in 16 writes."""

    block_size = 64 * 1024


class ExportJobDownloadView(PrivatePageMixin, View):
    """The finished file, streamed from its storage (PostgreSQL by default) chunk by chunk, to
    its owner only: any web process serves it, whichever worker wrote it."""

    def get(self, request, pk):
        job = export_job_for(user=request.user, job_id=pk)
        return StoredFileResponse(
            export_job_file(job),
            as_attachment=True,
            filename=export_job_filename(job),
            content_type=CONTENT_TYPES[job.format],
        )
