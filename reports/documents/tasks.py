"""Thin Celery tasks of the report documents: they take ids and call the service.

On top of ``reports.documents.jobs``, which queues this task by its registered name.
"""

from celery import shared_task
from django.db.models import F

from reports.documents.jobs import RUN_REPORT_JOB, report_job_run
from wardsecurity.jobs import job_lease, jobs_requeue
from wardsecurity.models import ReportJob

REPORT = "report"  # the jobs' lease name (wardsecurity.jobs.job_lease)


@shared_task(name=RUN_REPORT_JOB)
def run_report_job(job_id):
    """Run the report job under its lease: a worker killed meanwhile leaves it free, and
    ``requeue_report_jobs`` sends the job again."""
    with job_lease(REPORT, job_id) as free:
        if not free:
            return  # another worker runs it
        ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
            attempts=F("attempts") + 1
        )
        report_job_run(job_id=job_id)


@shared_task(name="reports.requeue_report_jobs", ignore_result=True)
def requeue_report_jobs():
    """Every minute (beat): report jobs lost to a broker outage or a killed worker."""
    return jobs_requeue(run_report_job, ReportJob, kind=REPORT)
