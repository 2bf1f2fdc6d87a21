"""Several machines over one database (issue 18, item 8): nothing a request needs is on a disk.

Two web processes (gunicorn) and a Celery worker, each started in a working folder of its own
with a temporary folder of its own (as if on three machines), share only this test's PostgreSQL
database and Redis. Through them: an import uploaded on web 1, checked by the worker, committed
from web 2 by the worker; an export asked for on web 1 (signed in there), written by the worker,
downloaded on web 2 with the same session; a report document asked for on web 1, built by the
worker, downloaded on web 2. An answer of the statistics kept by both web processes (each keeps
a copy, reports.api.answers) gives way on both to the figure of an incident entered on web 2 and
processed by the worker. Then the sign-in throttle counts attempts made on both web processes
together (the cache is Redis), and no process left a file in its folders.

Needs REDIS_URL (``.ci/run`` sets it when the machine's Redis answers); skipped with the reason
otherwise. Every key this test makes in Redis carries a prefix of its own (REDIS_KEY_PREFIX).
"""

import csv
import io
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from households.models import Household
from households.views import HOUSEHOLDS
from imports.models import ImportBatch
from tests import factories as f
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines
from tests.incidents.test_api import incident_data
from tests.wardsecurity.test_settings import current_database_url
from wardsecurity.models import ExportJob, ReportJob, User

PROJECT_ROOT = Path(__file__).resolve().parents[2]
START_WAIT = 60  # seconds for a process to answer, on a loaded two-core machine
JOB_WAIT = 60
PASSWORD = "demo12345"
THROTTLE = 6

pytestmark = [pytest.mark.several_machines, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("REDIS_URL is not set: several machines share their cache and queues in Redis")
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as exc:
        pytest.skip(f"Redis at REDIS_URL does not answer ({exc.__class__.__name__})")
    return url


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Machine:
    """A process of the project in its own working folder, with its own temporary folder."""

    def __init__(self, name: str, root: Path, command: list[str], env: dict[str, str]):
        self.name = name
        self.home = root / name
        self.tmp = self.home / "tmp"
        self.tmp.mkdir(parents=True)
        self.log = (root / f"{name}.log").open("w+")
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and modules
            command,
            cwd=self.home,
            env={**env, "TMPDIR": str(self.tmp)},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()[-4000:]

    def check_alive(self):
        assert self.process.poll() is None, f"{self.name} exited:\n{self.output()}"

    def files(self) -> list[Path]:
        return [path for path in self.home.rglob("*") if path.is_file()]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, 15)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(timeout=30)
        self.log.close()


class Web(Machine):
    def __init__(self, name: str, root: Path, env: dict[str, str]):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [
            *(sys.executable, "-m", "gunicorn", "--pythonpath", str(PROJECT_ROOT)),
            *("--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--timeout", "60"),
            "wardsecurity.wsgi",
        ]
        super().__init__(name, root, command, env)

    def url(self, path: str) -> str:
        return self.base + path


def wait_for(condition, what: str, machines, timeout: float = JOB_WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for machine in machines:
            machine.check_alive()
        time.sleep(0.3)
    logs = "\n".join(f"--- {m.name}:\n{m.output()}" for m in machines)
    pytest.fail(f"timed out waiting for {what}\n{logs}")


def answers(web: Web) -> bool:
    try:
        return requests.get(web.url("/healthz"), timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def machines(redis_url, tmp_path):
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "PYTEST_", "DATABASE_", "CELERY_", "REDIS_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wardsecurity.settings",
        DATABASE_URL=current_database_url(),
        REDIS_URL=redis_url,
        REDIS_KEY_PREFIX=prefix,
        # Every export, import commit and multi-ward report goes to the worker.
        EXPORT_SYNC_LIMIT="1",
        IMPORT_SYNC_COMMIT_LIMIT="1",
        SIGNIN_THROTTLE_PER_MINUTE=str(THROTTLE),
        # The throttle's attempts come from an address of their own, through a trusted proxy.
        TRUSTED_PROXIES="127.0.0.1",
        PYTHONPATH=str(PROJECT_ROOT),
    )
    worker_command = [
        *(sys.executable, "-m", "celery", "-A", "wardsecurity", "worker", "--pool", "solo"),
        *("--queues", "statistics,imports,documents,celery", "--hostname", f"w@{prefix}"),
        *("--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"),
    ]
    started: list[Machine] = []
    try:
        started.append(Web("web1", tmp_path, env))
        started.append(Web("web2", tmp_path, env))
        started.append(Machine("worker", tmp_path, worker_command, env))
        webs = started[:2]
        wait_for(
            lambda: all(answers(web) for web in webs), "the web processes", started, START_WAIT
        )
        yield started
    finally:
        for machine in started:
            machine.stop()
        import redis

        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(f"{prefix}*"):  # the queues' and the cache's keys
            client.delete(key)


def sign_in(web: Web, username: str) -> requests.Session:
    session = requests.Session()
    session.get(web.url(reverse("login")), timeout=10)
    response = session.post(
        web.url(reverse("login")),
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
        },
        headers={"Referer": web.url(reverse("login"))},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, response.text[:500]
    return session


def token(web: Web, username: str) -> dict[str, str]:
    response = requests.post(
        web.url(reverse("api:token")),
        json={"username": username, "password": PASSWORD},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def first_refusal(webs, *, attempts: int) -> int | None:
    """Wrong sign-ins from one new address, alternating between ``webs``: the number of the
    first answered 429, or None. Again if a minute's window turned meanwhile (the counts are
    per minute)."""
    while True:
        window = time.time() // 60
        address = f"203.0.113.{uuid.uuid4().int % 250 + 1}"
        refused = None
        for n in range(1, attempts + 1):
            web = webs[(n - 1) % len(webs)]
            answer = requests.post(
                web.url(reverse("api:token")),
                json={"username": "nobody", "password": "wrong-password"},
                headers={"X-Forwarded-For": address},
                timeout=10,
            )
            if answer.status_code == 429:
                refused = n
                break
        if time.time() // 60 == window:
            return refused


def test_two_web_processes_and_a_worker_share_only_the_database_and_redis(
    machines, clerk_a, officer_a, viewer_all, ward_a, ward_b
):
    web1, web2, _worker = machines
    f.ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")
    # The suite hashes with MD5 (fast), which the processes' settings do not accept: a hash they
    # do (PBKDF2, few iterations; the sign-in upgrades it).
    hashed = PBKDF2PasswordHasher().encode(PASSWORD, "severalmachines", iterations=1000)
    User.objects.filter(pk__in=[clerk_a.pk, officer_a.pk, viewer_all.pk]).update(password=hashed)

    # An import: uploaded on web 1, checked by the worker, committed from web 2 by the worker.
    clerk_api = token(web1, clerk_a.username)
    upload = requests.post(
        web1.url(reverse("api:import-upload")),
        headers=clerk_api,
        data={"kind": "households"},
        files={"file": ("ho.csv", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3)), "text/csv")},
        timeout=30,
    )
    assert upload.status_code == 201, upload.text
    batch_id = upload.json()["id"]

    def batch_status():
        return ImportBatch.objects.values_list("status", flat=True).get(pk=batch_id)

    wait_for(lambda: batch_status() == ImportBatch.Status.READY, "the import's check", machines)
    commit = requests.post(
        web2.url(reverse("api:import-commit", kwargs={"pk": batch_id})),
        headers=clerk_api,
        timeout=30,
    )
    assert commit.status_code == 202, commit.text
    wait_for(lambda: batch_status() == ImportBatch.Status.COMMITTED, "the commit", machines)
    codes = {f"HK-{n:05d}" for n in (1, 2, 3)}
    assert set(Household.objects.values_list("code", flat=True)) == codes

    # An export: asked for on web 1, written by the worker, downloaded on web 2 (one session).
    browser = sign_in(web1, clerk_a.username)
    asked = browser.post(
        web1.url(HOUSEHOLDS.url("export", fmt="csv")),
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        headers={"Referer": web1.url(HOUSEHOLDS.url("list"))},
        allow_redirects=False,
        timeout=30,
    )
    assert asked.status_code == 302, asked.text[:500]
    job = ExportJob.objects.get(owner=clerk_a)

    def export_status():
        return ExportJob.objects.values_list("status", flat=True).get(pk=job.pk)

    wait_for(lambda: export_status() == ExportJob.Status.DONE, "the export", machines)
    download = browser.get(
        web2.url(reverse("export_job_download", kwargs={"pk": job.pk})), timeout=30
    )
    assert download.status_code == 200, download.text[:500]
    rows = list(csv.reader(io.StringIO(download.content.decode("utf-8-sig"))))
    assert codes <= {cell for row in rows[1:] for cell in row}, rows
    # Another user, on either process: no file.
    other = sign_in(web2, viewer_all.username)
    refused = other.get(web2.url(reverse("export_job_download", kwargs={"pk": job.pk})))
    assert refused.status_code == 404

    # A report of two wards: asked for on web 1, built by the worker, downloaded on web 2.
    viewer_api = token(web1, viewer_all.username)
    asked = requests.get(
        web1.url(reverse("api:reports")),
        headers=viewer_api,
        params={"scope": "all", "period": "month:2024-03", "format": "csv"},
        timeout=30,
    )
    assert asked.status_code == 202, asked.text[:500]
    report_id = asked.json()["id"]

    def report_status():
        return ReportJob.objects.values_list("status", flat=True).get(pk=report_id)

    wait_for(lambda: report_status() == ReportJob.Status.DONE, "the report", machines)
    document = requests.get(
        web2.url(reverse("api:report-job-download", kwargs={"pk": report_id})),
        headers=viewer_api,
        timeout=30,
    )
    assert document.status_code == 200, document.text[:500]
    stored = ReportJob.objects.values_list("content", flat=True).get(pk=report_id)
    assert document.content and document.content == bytes(stored)

    # The statistics: each process keeps the answers it served (and Redis keeps them for all);
    # an incident entered on web 2 and processed by the worker reaches both processes' answers.
    stats = {"scope": f"ward:{ward_a.code}", "period": "month:2024-03", "metrics": "incidents"}

    def incidents_on(web):
        answer = requests.get(
            web.url(reverse("api:stats")), headers=viewer_api, params=stats, timeout=30
        )
        assert answer.status_code == 200, answer.text[:500]
        return answer.json()["metrics"]["incidents"]["value"]

    before = incidents_on(web1)
    assert incidents_on(web2) == before and incidents_on(web1) == before  # kept, and again
    entered = requests.post(
        web2.url("/api/v1/incidents/"),
        headers=token(web2, officer_a.username),
        json=incident_data(ward_a),  # on 11 March 2024
        timeout=30,
    )
    assert entered.status_code == 201, entered.text[:500]
    wait_for(lambda: incidents_on(web1) == before + 1, "the statistics on web 1", machines)
    assert incidents_on(web2) == before + 1

    # The sign-in throttle (6 a minute from one address) counts on both processes together: the
    # 7th attempt, alternating between them, is refused (each alone would have seen 4 and 3).
    assert first_refusal((web1, web2), attempts=7) == 7

    # Nothing was left on any "machine": every file went to PostgreSQL.
    for machine in machines:
        assert machine.files() == [], (machine.name, machine.files())
