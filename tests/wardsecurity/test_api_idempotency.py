"""An API create sent again with its ``Idempotency-Key`` creates one record (issue 15, item 6)."""

import threading
import time
from unittest import mock

import pytest
from django.db import connection
from django.test import Client

from movement.api.views import OutreachSessionViewSet
from movement.models import OutreachSession
from tests.model_builders import BUILDERS
from wardsecurity.models import FormSubmission

pytestmark = pytest.mark.django_db

URL = "/api/v1/outreach-sessions/"


def body(ward, **changes):
    session = BUILDERS[OutreachSession].make(ward, False)
    return {
        "ward": ward.pk,
        "held_on": session.held_on.isoformat(),
        "topic": session.topic,
        "attendees": session.attendees,
        "partners": list(session.partners),
        **changes,
    }


def post(client, data, key=None):
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(URL, data, content_type="application/json", **headers)


@pytest.fixture
def api(client, clerk_a):
    client.force_login(clerk_a)
    return client


def test_the_same_request_with_its_key_twice_creates_one_record(api, ward_a):
    data = body(ward_a)
    first = post(api, data, key="phien-1")
    assert first.status_code == 201, first.json()
    again = post(api, data, key="phien-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again["ETag"] == first["ETag"]
    assert again["Idempotent-Replayed"] == "true"
    assert OutreachSession.objects.count() == 1


def test_without_a_key_each_request_creates(api, ward_a):
    data = body(ward_a)
    assert post(api, data).status_code == post(api, data).status_code == 201
    assert OutreachSession.objects.count() == 2
    assert not FormSubmission.objects.exists()


def test_a_key_sent_again_with_another_request_is_refused(api, ward_a):
    assert post(api, body(ward_a), key="phien-1").status_code == 201
    response = post(api, body(ward_a, topic="Chủ đề khác"), key="phien-1")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in response.json()["detail"]
    assert OutreachSession.objects.count() == 1


def test_keys_are_each_users_own(api, ward_a, officer_a):
    assert post(api, body(ward_a), key="phien-1").status_code == 201
    other = Client()
    other.force_login(officer_a)
    response = post(other, body(ward_a), key="phien-1")
    assert response.status_code == 201
    assert "Idempotent-Replayed" not in response
    assert OutreachSession.objects.count() == 2


MALFORMED = {"empty": "", "long": "x" * 256, "vietnamese": "khóa", "space": "a b"}


@pytest.mark.parametrize("key", MALFORMED.values(), ids=MALFORMED)
def test_a_malformed_key_is_refused_and_nothing_is_created(key, api, ward_a):
    response = post(api, body(ward_a), key=key)
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key"
    assert not OutreachSession.objects.exists()


def test_a_refused_request_does_not_use_up_its_key(api, ward_a):
    assert post(api, body(ward_a, attendees=-1), key="phien-1").status_code == 400
    assert post(api, body(ward_a), key="phien-1").status_code == 201
    assert OutreachSession.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_same_request_at_the_same_instant_creates_one_record(clerk_a, ward_a):
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(clerk_a)
    data = body(ward_a)
    create, update, delete = OutreachSessionViewSet.services
    claimed = threading.Event()

    def slow_create(**kwargs):
        claimed.set()  # the key is claimed in this transaction, not yet committed
        time.sleep(0.5)
        return create(**kwargs)

    answers = {}

    def send(index):
        try:
            if index:
                claimed.wait(5)
            answers[index] = post(clients[index], data, key="phien-1")
        finally:
            connection.close()

    with mock.patch.object(OutreachSessionViewSet, "services", (slow_create, update, delete)):
        threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    created = OutreachSession.objects.get()
    assert [answers[i].status_code for i in (0, 1)] == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"] == created.pk


@pytest.mark.django_db(transaction=True)
def test_ten_concurrent_retries_of_one_create_make_one_record(clerk_a, ward_a):
    """The offline queue's retries (issue 17): ten sends of one key at once, one record."""
    clients = [Client() for _ in range(10)]
    for client in clients:
        client.force_login(clerk_a)
    data = body(ward_a)
    start = threading.Barrier(10, timeout=20)
    answers = {}

    def send(index):
        try:
            start.wait()
            answers[index] = post(clients[index], data, key="hang-doi-1")
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    created = OutreachSession.objects.get()
    assert sorted(answer.status_code for answer in answers.values()) == [201] * 10
    assert {answer.json()["id"] for answer in answers.values()} == {created.pk}
    assert FormSubmission.objects.count() == 1
