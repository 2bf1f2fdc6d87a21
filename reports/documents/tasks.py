"""Thin Celery tasks of the report documents: they take ids and call the service.

On top of ``reports.documents.jobs``, which queues this task by its registered name.
"""

from celery import shared_task

from reports.documents.jobs import RUN_REPORT_JOB, report_job_run


@shared_task(name=RUN_REPORT_JOB)
def run_report_job(job_id):
    report_job_run(job_id=job_id)
