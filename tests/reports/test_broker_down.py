"""G10: saving never depends on the broker; the statistics catch up when a worker runs again."""

import datetime as dt
import socket
import time

import kombu.pools
import pytest
from rest_framework.test import APIClient

from reports.models import DirtyBucket
from reports.statistics import rollup
from reports.statistics.selectors import stats_for
from wardsecurity.celery import app
from wardsecurity.period_spec import parse_period

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["hanging", "refused"])
def broker_down(request):
    """A Redis broker that accepts connections and never answers, or one that refuses them."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    if request.param == "hanging":
        listener.listen(8)  # the kernel completes the handshake; nothing ever replies
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=f"redis://127.0.0.1:{port}/0", task_always_eager=False)
    _new_broker_pools()
    yield
    app.conf.update(saved)
    _new_broker_pools()
    listener.close()


def _new_broker_pools():
    """Close the app's broker connections and forget the pools, so the next publish connects
    to the broker now configured. A closed pool left in place makes every later publish in
    this process fail with "Acquire on closed pool"."""
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def test_a_save_answers_fast_and_the_statistics_heal(
    broker_down, officer_a, ward_a, django_capture_on_commit_callbacks
):
    client = APIClient()
    client.force_authenticate(officer_a)
    body = {
        "ward": ward_a.pk,
        "held_on": "2024-05-10",
        "topic": "Phòng chống lừa đảo",
        "attendees": 85,
        "partners": [],
    }
    # Warm up (URL conf, translations, serializers load on the first request), then time a save.
    assert client.get("/api/v1/outreach-sessions/").status_code == 200
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/api/v1/outreach-sessions/", body, format="json")
    elapsed = time.monotonic() - started
    assert response.status_code == 201, response.content
    assert callbacks, "the enqueue runs after the commit"
    assert elapsed < 2, f"the save waited {elapsed:.1f} s for the broker"
    waiting = DirtyBucket.objects.filter(ward_id=ward_a.pk, day=dt.date(2024, 5, 10))
    assert waiting.exists(), "the change waits in the outbox"

    period = parse_period("month:2024-05")
    before = stats_for(user=officer_a, scope="all", period=period, metrics=["outreach_attendees"])
    assert before["metrics"]["outreach_attendees"]["value"] == 0
    assert before["as_of"] <= waiting.first().created_at

    # The broker comes back: the periodic run (or any later one) processes the outbox.
    assert rollup.process_dirty() >= 1
    after = stats_for(user=officer_a, scope="all", period=period, metrics=["outreach_attendees"])
    assert after["metrics"]["outreach_attendees"]["value"] == 85
    assert not DirtyBucket.objects.exists()
