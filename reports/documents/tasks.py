"""Thin Celery tasks of the report documents: they take ids and call the service."""

from celery import shared_task

from reports.documents.jobs import report_job_run


@shared_task(name="reports.run_report_job")
def run_report_job(job_id):
    report_job_run(job_id=job_id)
