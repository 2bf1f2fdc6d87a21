"""Three kinds of work on three queues (issue 18, item 8): a worker given the statistics queue is
never held up by a million-row import or a province's documents, and every queue the routes name
has a worker in `make run` and `make worker`."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from wardsecurity.celery import app

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "reports.process_dirty": "statistics",
    "reports.rebuild": "statistics",
    "imports.tasks.validate_import": "imports",
    "imports.commit_import": "imports",
    "reports.run_report_job": "documents",
    "wardsecurity.run_export_job": "documents",
    # The minute's requeues and the night's housekeeping never wait behind a long job.
    "imports.requeue_imports": "celery",
    "wardsecurity.requeue_export_jobs": "celery",
    "reports.requeue_report_jobs": "celery",
    "wardsecurity.cleanup_jobs": "celery",
    "wardsecurity.apply_retention": "celery",
    "reporting.send_reminders": "celery",
    "reporting.send_summaries": "celery",
}


@pytest.fixture(autouse=True)
def _tasks_loaded():
    """As a worker does at start: the CELERY_IMPORTS and every app's tasks module."""
    app.loader.import_default_modules()


@pytest.mark.parametrize(("task", "queue"), EXPECTED.items())
def test_each_task_is_sent_to_the_queue_of_its_kind(task, queue):
    assert task in app.tasks, task  # a renamed task would silently fall back to "celery"
    assert app.amqp.router.route({}, task)["queue"].name == queue


def test_every_task_of_the_project_has_a_known_queue():
    ours = {name for name in app.tasks if not name.startswith("celery.")}
    assert ours == set(EXPECTED)


def worker_queues(text: str) -> set[str]:
    match = re.search(r"--queues\s+([a-z,]+)", text)
    assert match, "the worker is started without --queues"
    return set(match[1].split(","))


@pytest.mark.parametrize("path", ["Makefile", "scripts/run.sh"])
def test_the_local_worker_consumes_every_queue_and_caps_its_memory(path):
    text = (ROOT / path).read_text()
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert worker_queues(text) == routed | {settings.CELERY_TASK_DEFAULT_QUEUE}
    assert "--max-memory-per-child" in text
