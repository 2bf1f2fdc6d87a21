"""Export and report jobs lost to a broker outage or a killed worker are sent again by the
periodic requeue, and failed after JOB_MAX_ATTEMPTS starts (issue 15, item 3; G10). The real
worker killed mid-job: tests/wardsecurity/test_killed_workers.py."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from households.views import HOUSEHOLDS
from reports.documents.generate import report_request
from reports.documents.tasks import REPORT, requeue_report_jobs
from tests import factories as f
from wardsecurity.celery import app
from wardsecurity.jobs import _lock_keys
from wardsecurity.models import ExportJob, ReportJob
from wardsecurity.tasks import EXPORT, export_job_queue, requeue_export_jobs

pytestmark = pytest.mark.django_db


def export_job(officer, ward, **fields):
    f.HouseholdFactory(ward=ward, group=f.ResidentialGroupFactory(ward=ward))
    job = ExportJob.objects.create(
        owner=officer, entity="households.household", format="csv", language="vi"
    )
    ExportJob.objects.filter(pk=job.pk).update(**fields)
    return job


def report_job(officer, ward, **fields):
    wanted = report_request(
        user=officer, scope=f"ward:{ward.code}", period="month:2024-03", calendar="", fmt="csv"
    )
    job = ReportJob.objects.create(
        owner=officer,
        scope=wanted.scope.spec,
        period=wanted.period.spec,
        calendar=wanted.period.calendar,
        format="csv",
        language="vi",
    )
    ReportJob.objects.filter(pk=job.pk).update(**fields)
    return job


KINDS = {
    "export": (export_job, requeue_export_jobs, ExportJob, EXPORT),
    "report": (report_job, requeue_report_jobs, ReportJob, REPORT),
}


@pytest.mark.parametrize("kind", KINDS)
def test_a_job_left_running_by_a_dead_worker_is_run_again(officer_a, ward_a, kind):
    make, requeue, model, _lease = KINDS[kind]
    job = make(officer_a, ward_a, status=model.Status.RUNNING, attempts=1, progress=40)
    assert requeue() == {"requeued": 1, "failed": 0}
    job = model.objects.get(pk=job.pk)
    assert (job.status, job.attempts, job.progress) == ("done", 2, 100)


@pytest.mark.parametrize("kind", KINDS)
def test_a_running_job_whose_worker_is_alive_is_left_alone(officer_a, ward_a, kind):
    make, requeue, model, lease = KINDS[kind]
    job = make(officer_a, ward_a, status=model.Status.RUNNING, attempts=1)
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        other.execute("SELECT pg_advisory_lock(%s, %s)", _lock_keys(lease, job.pk))
        assert requeue() == {"requeued": 0, "failed": 0}
        assert model.objects.get(pk=job.pk).status == model.Status.RUNNING
    finally:
        other.close()


@pytest.mark.parametrize("kind", KINDS)
def test_after_three_starts_a_lost_job_fails(officer_a, ward_a, kind):
    make, requeue, model, _lease = KINDS[kind]
    job = make(officer_a, ward_a, status=model.Status.RUNNING, attempts=3)
    assert requeue() == {"requeued": 0, "failed": 1}
    job = model.objects.get(pk=job.pk)
    assert job.status == model.Status.FAILED and job.finished_at is not None


@pytest.mark.parametrize("kind", KINDS)
def test_a_queued_job_whose_message_was_lost_is_sent_again(officer_a, ward_a, kind):
    make, requeue, model, _lease = KINDS[kind]
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    job = make(officer_a, ward_a, created_at=long_ago)
    recent = make(officer_a, ward_a, sent_at=timezone.now())
    assert requeue() == {"requeued": 1, "failed": 0}
    assert model.objects.get(pk=job.pk).status == model.Status.DONE
    assert model.objects.get(pk=recent.pk).status == model.Status.QUEUED


def test_a_job_runs_once_even_when_its_message_comes_twice(officer_a, ward_a):
    job = export_job_queue(actor=officer_a, entity=HOUSEHOLDS, query="", fmt="csv")
    from wardsecurity.tasks import run_export_job

    run_export_job(job.pk)
    run_export_job(job.pk)  # the message delivered again (acks_late, a requeue)
    job = ExportJob.objects.get(pk=job.pk)
    assert (job.status, job.attempts) == ("done", 1)


def test_beat_runs_the_requeue_of_every_job_kind_every_minute():
    app.loader.import_default_modules()  # the task modules, found as a worker finds them
    for entry in ("exports-requeue", "reports-requeue", "imports-requeue"):
        schedule = app.conf.beat_schedule[entry]
        assert schedule["task"] in app.tasks and schedule["schedule"] == 60.0
