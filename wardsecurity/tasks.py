"""Thin Celery tasks of the portal's exports: they take ids and call the services.

Celery's autodiscovery imports this module in the worker; the web process imports it when it
queues a job.
"""

from celery import shared_task

from wardsecurity.portal.export_jobs import export_job_run, export_jobs_cleanup


@shared_task(name="wardsecurity.run_export_job", ignore_result=True)
def run_export_job(job_id):
    export_job_run(job_id=job_id)


@shared_task(name="wardsecurity.cleanup_jobs", ignore_result=True)
def cleanup_jobs():
    """Delete export and report jobs past ``EXPORT_KEEP_DAYS`` (nightly)."""
    return export_jobs_cleanup()
