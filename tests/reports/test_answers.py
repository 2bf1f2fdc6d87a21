"""Each process's copy of the statistics answers, in front of the shared cache
(``reports.api.answers``): served again without the shared cache, never past its shared entry's
end, never across a processed change, a scope or a language, and within its bytes."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from reports.api import answers
from reports.api.answers import RECENT, STATS_CACHE_SECONDS, Answer, RecentAnswers
from reports.statistics import rollup
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"


@pytest.fixture(autouse=True)
def local_copies(settings):
    settings.STATS_LOCAL_CACHE_BYTES = 2**20
    RECENT.clear()
    yield
    RECENT.clear()


@pytest.fixture
def incidents(ward_a):
    for day in (3, 4):
        IncidentFactory(ward=ward_a, occurred_at=timezone.make_aware(dt.datetime(2023, 8, day, 9)))
    rollup.process_dirty()


@pytest.fixture
def renders(monkeypatch):
    """How many answers were computed (``stats_for`` called by the API)."""
    from reports.api import views

    calls = []
    real = views.stats_for

    def counted(**kwargs):
        calls.append(kwargs["scope"])
        return real(**kwargs)

    monkeypatch.setattr(views, "stats_for", counted)
    return calls


@pytest.fixture
def shared_reads(monkeypatch):
    """The keys read from the shared cache."""
    keys = []
    real = cache.get

    def counted(key, *args, **kwargs):
        keys.append(key)
        return real(key, *args, **kwargs)

    monkeypatch.setattr(answers.cache, "get", counted)
    return keys


def get(user, **params):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(URL, params)


PARAMS = {"period": "month:2023-08", "metrics": "incidents"}


def test_a_repeat_is_served_from_the_process_without_the_shared_cache(
    officer_a, ward_a, incidents, renders, shared_reads
):
    params = {"scope": f"ward:{ward_a.code}", **PARAMS}
    first = get(officer_a, **params)
    assert first.status_code == 200 and first.json()["metrics"]["incidents"]["value"] == 2
    assert len(renders) == 1 and len(shared_reads) == 1
    with CaptureQueriesContext(connection) as queries:
        second = get(officer_a, **params)
    assert second.content == first.content
    assert len(renders) == 1 and len(shared_reads) == 1  # neither computed nor read again
    assert len(queries) == 1 and "reports_rollupstate" in queries[0]["sql"]


def test_a_kept_answer_is_sent_as_it_is_kept_around_a_fresh_as_of(officer_a, ward_a, incidents):
    """A repeat sends the kept pieces themselves, not a copy joined for the request: the
    whole body, its length declared, and only ``as_of`` new (here: a change waiting)."""
    params = {"scope": f"ward:{ward_a.code}", **PARAMS}
    first = get(officer_a, **params)
    IncidentFactory(ward=ward_a, occurred_at=timezone.make_aware(dt.datetime(2023, 8, 20, 9)))
    second = get(officer_a, **params)  # the rollup has not moved: the same kept answer
    for response in (first, second):
        assert int(response["Content-Length"]) == len(response.content)
    before, after = first.json(), second.json()
    assert dt.datetime.fromisoformat(after["as_of"]) == rollup.pending().created_at
    assert after["as_of"] != before["as_of"]
    assert {**after, "as_of": None} == {**before, "as_of": None}
    (kept,) = RECENT._entries.values()
    assert second._container[0] is kept.head and second._container[-1] is kept.tail


def test_another_process_reads_the_shared_cache_without_computing(
    officer_a, ward_a, incidents, renders, shared_reads
):
    params = {"scope": f"ward:{ward_a.code}", **PARAMS}
    first = get(officer_a, **params)
    RECENT.clear()  # as another process, which has no copy
    second = get(officer_a, **params)
    assert second.content == first.content
    assert len(renders) == 1 and len(shared_reads) == 2
    third = get(officer_a, **params)  # and it keeps its own copy now
    assert third.content == first.content and len(shared_reads) == 2


def test_a_processed_change_reaches_the_next_answer(officer_a, ward_a, incidents):
    params = {"scope": f"ward:{ward_a.code}", **PARAMS}
    assert get(officer_a, **params).json()["metrics"]["incidents"]["value"] == 2
    IncidentFactory(ward=ward_a, occurred_at=timezone.make_aware(dt.datetime(2023, 8, 20, 9)))
    waiting = get(officer_a, **params).json()
    assert waiting["metrics"]["incidents"]["value"] == 2  # not processed yet…
    assert dt.datetime.fromisoformat(waiting["as_of"]) == rollup.pending().created_at  # …and said
    rollup.process_dirty()
    assert get(officer_a, **params).json()["metrics"]["incidents"]["value"] == 3


def test_no_copy_outlives_its_shared_entry(officer_a, ward_a, incidents, renders, monkeypatch):
    params = {"scope": f"ward:{ward_a.code}", **PARAMS}
    first = get(officer_a, **params)
    now = answers.clock()
    monkeypatch.setattr(answers, "clock", lambda: now + STATS_CACHE_SECONDS - 1)
    assert get(officer_a, **params).content == first.content
    assert len(renders) == 1
    # When the shared entry ends, the copy here ends too; and the shared entry itself is not
    # trusted past its end (this cache's own clock is not moved here): computed again.
    monkeypatch.setattr(answers, "clock", lambda: now + STATS_CACHE_SECONDS + 1)
    assert get(officer_a, **params).content == first.content
    assert len(renders) == 2


def test_a_copy_is_not_given_outside_the_callers_scope_or_language(
    viewer_all, officer_a, officer_b, ward_a, incidents
):
    params = {"scope": f"ward:{ward_a.code}", **PARAMS}
    assert get(viewer_all, **params).status_code == 200
    assert get(officer_a, **params).status_code == 200
    assert get(officer_b, **params).status_code == 404
    client = APIClient()
    client.force_authenticate(officer_a)
    english = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["period"]["label"] != get(officer_a, **params).json()["period"]["label"]


def test_an_entry_of_another_shape_in_the_shared_cache_is_a_miss(
    officer_a, ward_a, incidents, renders, monkeypatch
):
    """An answer kept by the previous version (two byte strings) after an upgrade."""
    kept = []
    monkeypatch.setattr(answers.cache, "set", lambda key, value, timeout: kept.append(key))
    params = {"scope": f"ward:{ward_a.code}", **PARAMS}
    first = get(officer_a, **params)
    RECENT.clear()
    cache.set(kept[0], (b'{"old": ', b"}"), 60)
    second = get(officer_a, **params)
    assert second.content == first.content and len(renders) == 2


def answer(size, expires=10.0):
    return Answer(b"h" * (size - 1), b"t", expires)


def test_the_copies_stay_within_their_bytes_least_recently_used_out():
    recent = RecentAnswers()
    for key in "abc":
        recent.put(key, answer(400), limit=1000)
    assert "a" not in recent and recent.bytes == 800  # a went to make room for c
    assert recent.get("b", now=1.0) is not None  # b used: c is now the oldest
    recent.put("d", answer(400), limit=1000)
    assert "b" in recent and "c" not in recent and "d" in recent
    recent.put("huge", answer(1001), limit=1000)  # larger than the whole allowance
    assert "huge" not in recent and recent.bytes == 800
    recent.put("b", answer(100), limit=1000)  # replaced, counted once
    assert recent.bytes == 500


def test_an_expired_copy_is_dropped():
    recent = RecentAnswers()
    recent.put("a", answer(10, expires=5.0), limit=100)
    assert recent.get("a", now=4.9) is not None
    assert recent.get("a", now=5.0) is None
    assert "a" not in recent and recent.bytes == 0


def test_none_are_kept_when_turned_off(settings, officer_a, ward_a, incidents):
    settings.STATS_LOCAL_CACHE_BYTES = 0
    assert get(officer_a, scope=f"ward:{ward_a.code}", **PARAMS).status_code == 200
    assert RECENT.bytes == 0
