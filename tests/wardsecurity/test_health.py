"""The health check and the first doors (GUARANTEES G1, G17): /healthz answers without login,
reports the database honestly and never leaks why it failed."""

import logging
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.shortcuts import resolve_url
from django.urls import reverse

SECRET_DETAIL = "could not connect to server at 10.0.0.5 password=hunter2"

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_json_without_login(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"] in {"ok", "unreachable"}
    assert body["broker_kind"] in {"redis", "filesystem"}
    assert body["status"] in {"ok", "degraded"}


def test_healthz_is_the_url_named_healthz():
    assert reverse("healthz") == "/healthz"


def test_healthz_is_never_cached(client):
    response = client.get("/healthz")
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_cursor_fails(client, caplog):
    failing = mock.patch.object(connection, "cursor", side_effect=OperationalError(SECRET_DETAIL))
    with caplog.at_level(logging.WARNING), failing:
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "unreachable"
    assert body["status"] == "down"
    assert "broker" in body
    content = response.content.decode()
    assert "hunter2" not in content
    assert "10.0.0.5" not in content
    assert "OperationalError" not in content
    assert "Traceback" not in content
    assert any("database unreachable" in record.getMessage() for record in caplog.records)


def test_healthz_answers_503_when_the_database_query_fails(client):
    cursor = mock.MagicMock()
    cursor.__enter__.return_value.execute.side_effect = OperationalError(SECRET_DETAIL)
    with mock.patch.object(connection, "cursor", return_value=cursor):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
    assert "hunter2" not in response.content.decode()


def test_healthz_reports_an_unreachable_broker_without_failing(client, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    settings.REDIS_URL = ""
    settings.CELERY_DATA_DIR = blocker
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "database": "ok",
        "broker": "unreachable",
        "broker_kind": "filesystem",
    }


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_healthz_refuses_other_writes(client, method):
    assert getattr(client, method)("/healthz").status_code == 405


def test_healthz_answers_head(client):
    assert client.head("/healthz").status_code == 200


def test_anonymous_admin_redirects_to_the_login_page(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert "next=/admin/" in response["Location"]


def test_anonymous_home_page_leads_to_the_login_page(client):
    response = client.get("/", follow=True)
    assert response.redirect_chain
    assert response.redirect_chain[-1][0].startswith(resolve_url(settings.LOGIN_URL))
