"""The Celery tasks of reports keep the names beat schedules and queued messages refer to."""

from reports.documents import jobs, tasks
from reports.statistics import tasks as rollup_tasks
from wardsecurity.celery import app


def test_the_tasks_are_registered_under_their_names():
    names = {"reports.process_dirty", "reports.rebuild", "reports.run_report_job"}
    assert names <= set(app.tasks)
    assert app.tasks["reports.process_dirty"] is rollup_tasks.rollup_process._get_current_object()
    assert app.tasks["reports.rebuild"] is rollup_tasks.rollup_rebuild._get_current_object()
    assert app.tasks["reports.run_report_job"] is tasks.run_report_job._get_current_object()


def test_the_schedule_names_registered_tasks():
    for entry in ("rollup-process", "rollup-rebuild"):
        assert app.conf.beat_schedule[entry]["task"] in app.tasks


def test_report_jobs_are_queued_to_the_report_task_by_its_name():
    assert jobs._run_task() is tasks.run_report_job._get_current_object()
