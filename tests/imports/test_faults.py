"""Imports lost to faults (issue 15, items 3 and 4; G10): an upload with the broker down is
saved and checked once the broker is back; a batch whose worker died is sent again, then failed
after JOB_MAX_ATTEMPTS; a large commit runs in the worker with its progress in rows."""

import datetime as dt
import socket

import kombu.pools
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from households.models import Household
from imports import report as import_report
from imports.models import ImportBatch
from imports.services import LEASE, import_commit_queue, import_commit_run
from imports.tasks import requeue_imports
from tests.imports.helpers import HOUSEHOLD_HEADER, csv_bytes, household_lines, validate
from wardsecurity.celery import app
from wardsecurity.jobs import job_lease

API = "/api/v1/imports/"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def upload(client, content, name="ho.csv"):
    data = {"kind": "households", "file": SimpleUploadedFile(name, content)}
    return client.post(API, data, format="multipart")


def age(batch, seconds=600):
    """The batch's last message (or change) was ``seconds`` ago."""
    past = timezone.now() - dt.timedelta(seconds=seconds)
    ImportBatch.objects.filter(pk=batch.pk).update(updated_at=past, sent_at=past)


@pytest.fixture(params=["hanging", "refused"])
def broker_down(request):
    """A Redis broker that accepts connections and never answers, or one that refuses them."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    if request.param == "hanging":
        listener.listen(8)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=f"redis://127.0.0.1:{port}/0", task_always_eager=False)
    _new_broker_pools()
    yield
    app.conf.update(saved)
    _new_broker_pools()
    listener.close()


def _new_broker_pools():
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


# The broker is down ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_with_the_broker_down_is_saved_and_checked_when_it_is_back(
    broker_down, clerk_a, ward_a, groups_a, django_capture_on_commit_callbacks
):
    client = api(clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, csv_bytes(HOUSEHOLD_HEADER, *household_lines(3)))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert "đang chờ máy xử lý nền" in body["message"]
    assert body["url"] == f"{API}{body['id']}/"
    batch = ImportBatch.objects.get(pk=body["id"])
    assert batch.sent_at is None  # the broker never took the message

    _broker_back()
    age(batch)
    assert requeue_imports() == {"requeued": 1, "failed": 0}
    body = client.get(body["url"]).json()
    assert (body["status"], body["message"], body["row_count"]) == ("ready", None, 3)


def _broker_back():
    app.conf.update(task_always_eager=True)
    _new_broker_pools()


@pytest.mark.django_db
def test_the_upload_page_with_the_broker_down_goes_to_the_waiting_import(
    broker_down, client, clerk_a, ward_a, groups_a, django_capture_on_commit_callbacks
):
    client.force_login(clerk_a)
    data = {
        "kind": "households",
        "ward": ward_a.pk,
        "file": SimpleUploadedFile("ho.csv", csv_bytes(HOUSEHOLD_HEADER, *household_lines(2))),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/imports/", data)
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Đang chờ máy xử lý nền kiểm tra tệp" in page.content.decode()


@pytest.mark.django_db
def test_a_recent_message_is_not_sent_twice(clerk_a, ward_a, groups_a):
    batch = ImportBatch.objects.create(
        ward=ward_a, kind="households", created_by=clerk_a, sent_at=timezone.now()
    )
    assert requeue_imports() == {"requeued": 0, "failed": 0}
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.QUEUED


# A worker died --------------------------------------------------------------------------------


def _checking(clerk, ward, *, attempts):
    """A batch a worker claimed and then lost (no lease held), as after a SIGKILL."""
    batch = validate(clerk, ward, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(2)))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=ImportBatch.Status.VALIDATING, attempts=attempts, started_at=timezone.now()
    )
    return batch


@pytest.mark.django_db
def test_a_check_whose_worker_died_is_sent_again(clerk_a, ward_a, groups_a):
    batch = _checking(clerk_a, ward_a, attempts=1)
    assert requeue_imports() == {"requeued": 1, "failed": 0}
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert (batch.status, batch.attempts, batch.row_count) == ("ready", 2, 2)


@pytest.mark.django_db(transaction=True)
def test_a_check_whose_worker_holds_its_lease_is_left_alone(clerk_a, ward_a, groups_a):
    batch = _checking(clerk_a, ward_a, attempts=1)
    other = connection.get_new_connection(connection.get_connection_params())
    try:
        other.autocommit = True
        with job_lease(LEASE, batch.pk):  # the keys of the batch's lease, taken by "a worker"
            pass
        from wardsecurity.jobs import _lock_keys

        other.execute("SELECT pg_advisory_lock(%s, %s)", _lock_keys(LEASE, batch.pk))
        assert requeue_imports() == {"requeued": 0, "failed": 0}
        assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.VALIDATING
    finally:
        other.close()  # the worker's connection ends: its lease is free
    assert requeue_imports() == {"requeued": 1, "failed": 0}
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.READY


@pytest.mark.django_db
def test_after_three_lost_runs_the_import_fails_with_a_message(clerk_a, ward_a, groups_a):
    batch = _checking(clerk_a, ward_a, attempts=3)
    assert requeue_imports() == {"requeued": 0, "failed": 1}
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.status == ImportBatch.Status.FAILED and batch.error_count == 1
    assert "Máy xử lý nền đã dừng 3 lần" in batch.errors[0]["message"]
    assert bytes(batch.content) == b""
    body = api(clerk_a).get(f"{API}{batch.pk}/").json()
    assert body["status"] == "failed" and body["errors"][0]["message"] == batch.errors[0]["message"]


@pytest.mark.django_db
def test_a_commit_whose_worker_died_is_sent_again_and_writes_once(
    clerk_a, ward_a, groups_a, django_capture_on_commit_callbacks
):
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    import_commit_queue(actor=clerk_a, batch=batch)
    # A worker claimed the commit and died: its transaction rolled back, nothing was written.
    ImportBatch.objects.filter(pk=batch.pk).update(attempts=1, started_at=timezone.now())
    assert requeue_imports() == {"requeued": 1, "failed": 0}
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert (batch.status, batch.attempts) == ("committed", 2)
    assert Household.objects.filter(ward=ward_a).count() == 3
    assert import_commit_run(batch_id=batch.pk) is None  # a late duplicate message does nothing
    assert Household.objects.filter(ward=ward_a).count() == 3


# Large commits in the worker -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_large_commit_is_queued_answers_202_and_completes_in_the_worker(
    settings, clerk_a, ward_a, groups_a, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_COMMIT_LIMIT = 2
    client = api(clerk_a)
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"{API}{batch.pk}/commit/")
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == body["url"] == f"{API}{batch.pk}/"
    assert (body["status"], body["rows_done"], body["row_count"]) == ("committing", 0, 3)
    assert body["message"].startswith("Đang ghi các dòng ở nền (0 trên 3)")
    assert not Household.objects.exists()
    # While it waits for the worker it cannot be cancelled or committed a second time.
    assert client.post(f"{API}{batch.pk}/cancel/").status_code == 409
    assert client.post(f"{API}{batch.pk}/commit/").status_code == 409

    for callback in callbacks:  # the worker (eager) writes the rows
        callback()
    body = client.get(body["url"]).json()
    assert (body["status"], body["rows_done"], body["progress"]) == ("committed", 3, 100)
    assert Household.objects.filter(ward=ward_a).count() == 3
    batch = ImportBatch.objects.get(pk=batch.pk)
    assert batch.committed_by == clerk_a


@pytest.mark.django_db
def test_a_commit_under_the_limit_stays_in_the_request(settings, clerk_a, ward_a, groups_a):
    settings.IMPORT_SYNC_COMMIT_LIMIT = 3
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    response = api(clerk_a).post(f"{API}{batch.pk}/commit/")
    assert response.status_code == 200 and response.json()["status"] == "committed"


@pytest.mark.django_db
def test_the_portal_queues_a_large_commit_and_shows_its_progress(
    settings, client, clerk_a, ward_a, groups_a, django_capture_on_commit_callbacks
):
    settings.IMPORT_SYNC_COMMIT_LIMIT = 2
    client.force_login(clerk_a)
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(3))
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(f"/imports/{batch.pk}/commit/", follow=True)
    page = response.content.decode()
    assert "đang được ghi ở nền" in page
    assert "Đang ghi các dòng: 0 trên 3" in page
    fragment = client.get(f"/imports/{batch.pk}/progress/")
    assert fragment.status_code == 200 and "0 trên 3" in fragment.content.decode()
    for callback in callbacks:
        callback()
    fragment = client.get(f"/imports/{batch.pk}/progress/")
    assert fragment.status_code == 204 and fragment["HX-Refresh"] == "true"
    assert Household.objects.filter(ward=ward_a).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_commit_in_the_worker_shows_its_progress_while_it_writes(
    settings, clerk_a, ward_a, groups_a, monkeypatch
):
    """The commit is one transaction; its progress is seen from outside while it runs."""
    settings.IMPORT_SYNC_COMMIT_LIMIT = 10
    batch = validate(
        clerk_a, ward_a, "households", csv_bytes(HOUSEHOLD_HEADER, *household_lines(250))
    )
    import_commit_queue(actor=clerk_a, batch=batch)
    seen = []
    written = import_report.set_progress

    def record(batch, done, total, *, committing=False):
        written(batch, done, total, committing=committing)
        outside = connection.get_new_connection(connection.get_connection_params())
        try:
            outside.autocommit = True
            row = outside.execute(
                "SELECT rows_done, progress, status FROM imports_importbatch WHERE id = %s",
                [batch.pk],
            ).fetchone()
            count = outside.execute("SELECT count(*) FROM households_household").fetchone()
            seen.append((*row, count[0]))
        finally:
            outside.close()

    monkeypatch.setattr("imports.rows.set_progress", record)
    import_commit_run(batch_id=batch.pk)
    assert seen == [(100, 40, "committing", 0), (200, 80, "committing", 0)]
    assert Household.objects.count() == 250
    assert ImportBatch.objects.get(pk=batch.pk).rows_done == 250


@pytest.mark.django_db
def test_a_batch_left_validating_before_the_upgrade_is_checked(clerk_a, ward_a, groups_a):
    """Before issue 15 a batch waited in "validating", never claimed: it is sent again."""
    batch = _checking(clerk_a, ward_a, attempts=0)
    ImportBatch.objects.filter(pk=batch.pk).update(started_at=None)
    assert requeue_imports() == {"requeued": 1, "failed": 0}
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.READY
