"""G10: a job survives its worker being killed (issue 15, item 3) — for every job kind.

A real Celery worker (the project's app, Redis as broker) takes an import's check, an export or
a report; the test makes the job wait inside the worker on a table lock, SIGKILLs the worker,
starts a new one, runs the periodic requeue, and the job completes. Skipped, with the reason,
when Redis does not answer. Generous timeouts and polling: the machine may be loaded.
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import kombu.pools
import psycopg
import pytest
from django.db import connection

from households.views import HOUSEHOLDS
from imports.models import ImportBatch
from imports.services import import_start
from imports.tasks import queue_validation, requeue_imports
from reports.documents.generate import report_request
from reports.documents.jobs import report_job_create
from reports.documents.tasks import requeue_report_jobs
from tests import factories as f
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines
from tests.wardsecurity.test_settings import current_database_url
from wardsecurity.celery import app
from wardsecurity.models import ExportJob, ReportJob
from wardsecurity.portal.export_jobs import export_storage
from wardsecurity.tasks import export_job_queue, requeue_export_jobs

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REDIS_DB = 14  # a database of the machine's Redis no configuration uses; the queue is the test's
WAIT = 240  # seconds: a worker starting on a loaded two-core machine

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def redis_url() -> str:
    return f"redis://127.0.0.1:6379/{REDIS_DB}"


@pytest.fixture
def broker(settings, tmp_path):
    """The Celery app of this process sends to Redis, on a queue of this test only."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(redis_url(), socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis does not answer on 127.0.0.1:6379 ({exc.__class__.__name__})")
    queue = f"killed-worker-{uuid.uuid4().hex[:12]}"
    keys = (
        "broker_url",
        "task_always_eager",
        "task_default_queue",
        "broker_transport_options",
        "task_routes",
    )
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url=redis_url(),
        task_always_eager=False,
        task_default_queue=queue,
        broker_transport_options={},
        task_routes={},  # every task on this test's queue, whatever its kind's queue
    )
    _new_broker_pools()
    yield queue
    app.conf.update(saved)
    _new_broker_pools()
    redis.Redis.from_url(redis_url()).delete(queue)


def _new_broker_pools():
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None
    app.amqp.flush_routes()
    app.amqp.__dict__.pop("router", None)  # rebuilt from the routes on the next send


class Worker:
    """A Celery worker process of the project, in a process group of its own."""

    def __init__(self, queue: str, tmp_path: Path, name: str):
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "PYTEST_", "DATABASE_")) and k != "REDIS_URL"
        }
        env.update(
            DJANGO_SETTINGS_MODULE="wardsecurity.settings",
            DATABASE_URL=current_database_url(),
            REDIS_URL=redis_url(),
        )
        self.log = (tmp_path / f"{name}.log").open("w+")
        command = [
            *(sys.executable, "-m", "celery", "-A", "wardsecurity", "worker"),
            *("--pool", "solo", "--queues", queue, "--hostname", f"{name}@{queue}"),
            *("--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"),
        ]
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            command,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def kill(self):
        """SIGKILL, as the out-of-memory killer or a power cut would: no clean-up at all."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


def wait_for(condition, what: str, worker: Worker, timeout: float = WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        assert worker.process.poll() is None, f"the worker exited:\n{worker.output()}"
        time.sleep(0.5)
    pytest.fail(f"timed out waiting for {what}; worker log:\n{worker.output()}")


def connect() -> psycopg.Connection:
    """A connection of its own to the test database (Django's parameters)."""
    return connection.get_new_connection(connection.get_connection_params())


class TableLock:
    """Another session holds ``table`` exclusively, so a job that reads it after claiming waits
    inside its worker."""

    def __init__(self, *tables: str):
        self.tables = list(tables)
        self.connection = connect()
        self.connection.autocommit = False
        self.connection.execute(f"LOCK TABLE {', '.join(tables)} IN ACCESS EXCLUSIVE MODE")

    def someone_waits(self) -> bool:
        with connect() as probe:
            probe.autocommit = True
            row = probe.execute(
                "SELECT count(*) FROM pg_locks WHERE NOT granted"
                " AND relation = ANY(%s::text[]::regclass[])",
                [self.tables],
            ).fetchone()
        return bool(row and row[0])

    def release(self):
        self.connection.rollback()
        self.connection.close()


def kill_mid_job(queue, tmp_path, start_job, *, tables, running, done, requeue):
    """Start a worker, block ``start_job()``'s job in it on ``tables`` (which ``start_job`` does
    not read), kill it, start another, requeue until the job is done."""
    import redis

    # The statistics' messages of the test's own records: not the job this test is about.
    redis.Redis.from_url(redis_url()).delete(queue)
    first = Worker(queue, tmp_path, "first")
    second = lock = None
    try:
        lock = TableLock(*tables)
        job = start_job()
        wait_for(lambda: running(job) and lock.someone_waits(), "the job to run", first)
        first.kill()
        lock.release()
        lock = None
        assert running(job), "the job must be left marked running by the killed worker"
        second = Worker(queue, tmp_path, "second")

        def finished():
            if done(job):
                return True
            requeue()  # beat does this every minute
            return done(job)

        wait_for(finished, "the job to complete after the requeue", second)
    finally:
        if lock is not None:
            lock.release()
        first.stop()
        if second is not None:
            second.stop()
    return job


def test_an_import_check_survives_its_worker_being_killed(broker, tmp_path, clerk_a, ward_a):
    f.ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")
    content = csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))

    def start():
        batch = import_start(
            actor=clerk_a, ward=ward_a, kind="households", filename="ho.csv", content=content
        )
        queue_validation(batch)
        return batch

    def status(batch):
        return ImportBatch.objects.values_list("status", flat=True).get(pk=batch.pk)

    batch = kill_mid_job(
        broker,
        tmp_path,
        start,
        tables=["households_residentialgroup"],  # the file's groups, read by the check
        running=lambda b: status(b) == ImportBatch.Status.VALIDATING,
        done=lambda b: status(b) == ImportBatch.Status.READY,
        requeue=requeue_imports,
    )
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert (batch.attempts, batch.row_count, batch.summary["create"]) == (2, 3, 3)


def test_an_export_job_survives_its_worker_being_killed(broker, tmp_path, officer_a, ward_a):
    group = f.ResidentialGroupFactory(ward=ward_a)
    for _ in range(3):
        f.HouseholdFactory(ward=ward_a, group=group)

    def status(job):
        return ExportJob.objects.values_list("status", flat=True).get(pk=job.pk)

    job = kill_mid_job(
        broker,
        tmp_path,
        lambda: export_job_queue(actor=officer_a, entity=HOUSEHOLDS, query="", fmt="csv"),
        tables=["households_household"],  # the rows exported
        running=lambda j: status(j) == ExportJob.Status.RUNNING,
        done=lambda j: status(j) == ExportJob.Status.DONE,
        requeue=requeue_export_jobs,
    )
    job = ExportJob.objects.get(pk=job.pk)
    assert (job.attempts, job.row_count) == (2, 3)
    assert export_storage().exists(job.file_path)


def test_a_report_job_survives_its_worker_being_killed(broker, tmp_path, officer_a, ward_a):
    def start():
        wanted = report_request(
            user=officer_a,
            scope=f"ward:{ward_a.code}",
            period="month:2024-03",
            calendar="",
            fmt="csv",
        )
        return report_job_create(actor=officer_a, request=wanted, calendar=wanted.period.calendar)

    def status(job):
        return ReportJob.objects.values_list("status", flat=True).get(pk=job.pk)

    job = kill_mid_job(
        broker,
        tmp_path,
        start,
        tables=[f"reports_{name}" for name in ("statday", "statmonth", "statseries")],
        running=lambda j: status(j) == ReportJob.Status.RUNNING,
        done=lambda j: status(j) == ReportJob.Status.DONE,
        requeue=requeue_report_jobs,
    )
    job = ReportJob.objects.get(pk=job.pk)
    assert job.attempts == 2
    assert job.content
