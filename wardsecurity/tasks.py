"""Celery tasks of the portal's exports, and the two calls that send a job to them.

The top of the export machinery: this module imports ``wardsecurity.portal.export_jobs`` (which
builds and writes the files and knows nothing of Celery), never the other way round; the export
pages queue and resend jobs through ``export_job_queue`` and ``export_job_requeue_if_stalled``.
Celery's autodiscovery imports this module in the worker; the tasks take ids and call the
services.
"""

from celery import shared_task
from django.db import transaction
from django.db.models import F

from wardsecurity.jobs import job_enqueue, job_lease, job_requeue_if_stalled, jobs_requeue
from wardsecurity.models import ExportJob
from wardsecurity.portal.export_jobs import (
    export_job_create,
    export_job_run,
    export_jobs_cleanup,
)
from wardsecurity.submissions import form_submissions_cleanup

EXPORT = "export"  # the jobs' lease name (wardsecurity.jobs.job_lease)


@shared_task(name="wardsecurity.run_export_job", ignore_result=True)
def run_export_job(job_id):
    """Run the export job under its lease: a worker killed meanwhile leaves it free, and
    ``requeue_export_jobs`` sends the job again."""
    with job_lease(EXPORT, job_id) as free:
        if not free:
            return  # another worker runs it
        ExportJob.objects.filter(pk=job_id, status=ExportJob.Status.QUEUED).update(
            attempts=F("attempts") + 1
        )
        export_job_run(job_id=job_id)


@shared_task(name="wardsecurity.requeue_export_jobs", ignore_result=True)
def requeue_export_jobs():
    """Every minute (beat): export jobs lost to a broker outage or a killed worker."""
    return jobs_requeue(run_export_job, ExportJob, kind=EXPORT)


@shared_task(name="wardsecurity.cleanup_jobs", ignore_result=True)
def cleanup_jobs():
    """Delete export and report jobs past ``EXPORT_KEEP_DAYS``, and the create forms' claimed
    one-time tokens once they have expired (nightly)."""
    return {**export_jobs_cleanup(), "form_submissions": form_submissions_cleanup()}


def export_job_queue(*, actor, entity, query: str, fmt: str) -> ExportJob:
    """Queue the export of ``entity``'s list filtered by ``query``; the worker starts after the
    commit, so it never looks for a job that is not there yet."""
    with transaction.atomic():
        job = export_job_create(actor=actor, entity=entity, query=query, fmt=fmt)
        transaction.on_commit(lambda: job_enqueue(run_export_job, job))
    return job


def export_job_requeue_if_stalled(*, job: ExportJob) -> None:
    """Send ``job`` again when its message was lost (it is still queued long after)."""
    job_requeue_if_stalled(run_export_job, job)
