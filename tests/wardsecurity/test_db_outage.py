"""PostgreSQL unreachable: 503 with Retry-After, not a 500 (G11, issue 15 item 18).

The connection's ``connect`` is made to fail as psycopg fails while the server restarts; then it
works again and the next request succeeds with no restart of the app.
"""

import pytest
from django.db import connection
from django.urls import reverse

from wardsecurity.outage import is_database_unavailable

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def database_down(monkeypatch):
    """Drop the current connection and make every new one fail, as during a restart."""
    import psycopg

    def refuse(*args, **kwargs):
        raise psycopg.OperationalError(
            'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
        )

    connection.close()
    monkeypatch.setattr(connection, "get_new_connection", refuse)
    yield
    monkeypatch.undo()
    connection.close()


def signed_in(client, user):
    client.force_login(user)
    client.raise_request_exception = False
    return client


def test_a_page_answers_a_translated_503_with_retry_after(client, clerk_a, request):
    signed_in(client, clerk_a)
    request.getfixturevalue("database_down")
    response = client.get(reverse("households:household_list"))
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"].startswith("text/html")
    body = response.content.decode()
    assert "Cơ sở dữ liệu tạm thời không truy cập được" in body
    assert "Traceback" not in body and "5432" not in body


def test_the_api_answers_503_json(client, clerk_a, request):
    signed_in(client, clerk_a)
    request.getfixturevalue("database_down")
    response = client.get("/api/v1/households/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert response.json() == {
        "detail": "The database is unavailable for a moment. Nothing was saved; "
        "please try again shortly."
    }


def test_a_write_during_the_outage_answers_503(client, clerk_a, request):
    signed_in(client, clerk_a)
    request.getfixturevalue("database_down")
    response = client.post("/api/v1/households/", {}, content_type="application/json")
    assert response.status_code == 503


def test_requests_succeed_again_once_the_database_is_back(client, clerk_a, monkeypatch):
    import psycopg

    signed_in(client, clerk_a)
    url = reverse("households:household_list")
    assert client.get(url).status_code == 200
    real = connection.get_new_connection
    down = {"now": True}

    def flaky(*args, **kwargs):
        if down["now"]:
            raise psycopg.OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    connection.close()
    monkeypatch.setattr(connection, "get_new_connection", flaky)
    assert client.get(url).status_code == 503
    down["now"] = False
    connection.close_if_unusable_or_obsolete()  # what the end of a served request does
    assert client.get(url).status_code == 200


def test_other_errors_stay_500(client, clerk_a, monkeypatch):
    from wardsecurity.portal import views

    def fail(self, *args, **kwargs):
        raise RuntimeError("a bug")

    signed_in(client, clerk_a)
    monkeypatch.setattr(views.RecordListView, "get", fail)
    assert client.get(reverse("households:household_list")).status_code == 500


def test_only_connection_errors_count_as_unavailable():
    import psycopg
    from django import db

    assert is_database_unavailable(db.OperationalError("x"))
    assert is_database_unavailable(db.InterfaceError("connection already closed"))
    try:
        try:
            raise psycopg.OperationalError("refused")
        except psycopg.OperationalError as exc:
            raise RuntimeError("wrapped") from exc
    except RuntimeError as wrapped:
        assert is_database_unavailable(wrapped)
    assert not is_database_unavailable(db.IntegrityError("duplicate"))
    assert not is_database_unavailable(ValueError("x"))
