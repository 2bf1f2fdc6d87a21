"""Report jobs: a large scope's report is built by a worker, then fetched by its owner only.

The worker runs ``report_job_run`` through the Celery task ``reports.run_report_job``
(``reports.documents.tasks``, the module above this one); this module queues it by that
registered name, so it never imports the task module.
"""

import logging

from celery import Task
from django.db import transaction
from django.utils import timezone

from reports.documents.generate import (
    DOCUMENT_LANGUAGE,
    DOCUMENT_LANGUAGES,
    ReportRequest,
    report_file,
    report_request,
)
from wardsecurity.celery import app
from wardsecurity.jobs import job_enqueue, job_for, job_requeue_if_stalled
from wardsecurity.models import ReportJob

logger = logging.getLogger(__name__)

# The name the task is registered under; queued messages and the worker know it by this name.
RUN_REPORT_JOB = "reports.run_report_job"


def _run_task() -> Task:
    """The task that runs a report job (registered when ``reports`` is ready)."""
    return app.tasks[RUN_REPORT_JOB]


def report_job_create(*, actor, request: ReportRequest, calendar: str) -> ReportJob:
    """Queue the report of ``request`` for ``actor``; the worker starts after the commit.

    The job keeps the document language the request asked for, never the browser's: the
    worker writes the file in it.
    """
    with transaction.atomic():
        job = ReportJob.objects.create(
            owner=actor,
            scope=request.scope.spec,
            period=request.period.spec,
            calendar=calendar,
            format=request.format,
            language=request.language,
        )
        transaction.on_commit(lambda: job_enqueue(_run_task(), job))
    return job


def report_job_for(*, user, job_id) -> ReportJob:
    """The caller's own job (its file left unread); anyone else's, or none, is a 404."""
    return job_for(ReportJob.objects.defer("content"), user=user, job_id=job_id)


def report_job_requeue_if_stalled(*, job: ReportJob) -> None:
    job_requeue_if_stalled(_run_task(), job)


def _progress(job_id, progress):
    ReportJob.objects.filter(pk=job_id).update(progress=progress)


def report_job_run(*, job_id) -> None:
    """Build the job's file as its owner. Safe to run twice: only a queued job is claimed."""
    claimed = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, progress=5
    )
    if not claimed:
        return
    job = ReportJob.objects.select_related("owner").defer("content").get(pk=job_id)
    # A job queued before documents had a language of their own recorded the browser's.
    language = job.language if job.language in DOCUMENT_LANGUAGES else DOCUMENT_LANGUAGE
    try:
        # The owner's rights today, not when the job was queued: a scope taken away since
        # gives no report.
        request = report_request(
            user=job.owner,
            scope=job.scope,
            period=job.period,
            calendar=job.calendar,
            fmt=job.format,
            lang=language,
        )
        _progress(job_id, 20)
        filename, content_type, content = report_file(
            user=job.owner, request=request, on_built=lambda: _progress(job_id, 70)
        )
    except Exception:
        logger.exception("report job %s failed", job_id)
        ReportJob.objects.filter(pk=job_id).update(
            status=ReportJob.Status.FAILED, finished_at=timezone.now()
        )
        return
    ReportJob.objects.filter(pk=job_id).update(
        status=ReportJob.Status.DONE,
        progress=100,
        filename=filename,
        content_type=content_type,
        content=content,
        finished_at=timezone.now(),
    )
