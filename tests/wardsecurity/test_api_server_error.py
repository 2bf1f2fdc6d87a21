"""An unexpected error under /api/ answers a JSON 500 a client can parse, never an HTML page and
never the error itself (issue 15, item 4; G12, G17); pages keep their HTML 500."""

import pytest
from django.test import Client

from imports.api import views as import_api
from wardsecurity.portal import views as portal_views

pytestmark = pytest.mark.django_db


def fail(self, *args, **kwargs):
    raise RuntimeError("a bug naming Nguyễn Văn An")


def test_an_api_view_that_raises_answers_json_500(clerk_a, monkeypatch):
    monkeypatch.setattr(import_api.ImportDetailView, "get", fail)
    client = Client(raise_request_exception=False)
    client.force_login(clerk_a)
    response = client.get("/api/v1/imports/1/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "server_error"
    assert body["detail"].startswith("Máy chủ gặp lỗi")
    assert "Nguyễn" not in response.content.decode() and "RuntimeError" not in body["detail"]


def test_an_error_outside_drf_under_api_answers_json_too(clerk_a, monkeypatch):
    """A 500 raised before DRF's own handler runs (its permission check here) is JSON too."""
    monkeypatch.setattr(import_api.ImportPermission, "has_permission", fail)
    client = Client(raise_request_exception=False)
    client.force_login(clerk_a)
    response = client.post("/api/v1/imports/1/commit/")
    assert response.status_code == 500 and response.json()["code"] == "server_error"


def test_a_page_keeps_its_html_500(clerk_a, monkeypatch):
    monkeypatch.setattr(portal_views.RecordListView, "get", fail)
    client = Client(raise_request_exception=False)
    client.force_login(clerk_a)
    response = client.get("/households/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
