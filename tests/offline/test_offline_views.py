"""The manifest, the service worker, the logout that clears the phone, and who gets offline use
(issue 17, items 1 and 3; docs/portal.md, "Offline use and its limits")."""

import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import CommitmentFactory, HouseholdFactory, ResidentialGroupFactory

pytestmark = pytest.mark.django_db

OFFLINE_SCRIPT = "offline/offline.js"
FORGET_SCRIPT = "offline/forget.js"


def worker_config(response):
    body = response.content.decode()
    match = re.search(r"const CONFIG = (\{.*?\});\n", body)
    return json.loads(match[1])


def test_the_manifest_makes_the_portal_an_installable_vietnamese_app(client):
    response = client.get(reverse("manifest"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data = json.loads(response.content)
    assert data["short_name"] == "Cổng An ninh phường"
    assert data["name"] == "Cổng thông tin An ninh, trật tự cấp xã"
    assert (data["lang"], data["start_url"], data["display"]) == ("vi", "/", "standalone")
    assert sorted(icon["sizes"] for icon in data["icons"]) == ["192x192", "512x512"]
    assert all(icon["type"] == "image/png" for icon in data["icons"])


def test_the_worker_is_served_from_the_root_and_checked_on_every_visit(client, clerk_a):
    client.force_login(clerk_a)
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    config = worker_config(response)
    assert config["user"] == clerk_a.pk
    # Workbox from the portal's own static files, never a CDN.
    assert config["workbox"].startswith("/static/vendor/workbox/")
    assert "http" not in response.content.decode().split("const CONFIG")[0]


def test_a_clerk_s_worker_never_keeps_the_pages_of_sensitive_records(client, clerk_a):
    client.force_login(clerk_a)
    pages = worker_config(client.get("/sw.js"))["pages"]
    assert r"^/groups/\d+/fast-entry/$" in pages
    assert r"^/mediation-cases/new/$" in pages
    assert not any("incidents" in p or "tips" in p for p in pages)


def test_a_police_officer_s_worker_keeps_the_incident_and_tip_forms(client, officer_a):
    client.force_login(officer_a)
    pages = worker_config(client.get("/sw.js"))["pages"]
    assert r"^/incidents/new/$" in pages and r"^/tips/new/$" in pages


@pytest.mark.parametrize("persona", [None, "viewer_city"])
def test_anyone_else_gets_a_worker_that_keeps_nothing(persona, client, request):
    if persona:
        client.force_login(request.getfixturevalue(persona))
    config = worker_config(client.get("/sw.js"))
    assert (config["user"], config["pages"]) == (None, [])


def test_logout_asks_the_browser_to_forget_what_it_kept(client, clerk_a):
    client.force_login(clerk_a)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert response["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("persona", "offline"),
    [("clerk_a", True), ("officer_a", True), ("viewer_city", False), ("admin_user", False)],
)
def test_only_ward_roles_get_the_offline_script(persona, offline, client, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    body = client.get(reverse("home")).content.decode()
    assert (OFFLINE_SCRIPT in body) is offline
    assert ('id="offline-config"' in body) is offline
    assert FORGET_SCRIPT not in body
    if offline:
        config = json.loads(
            re.search(r'id="offline-config" type="application/json">(.*?)</script>', body)[1]
        )
        assert config["user"] == user.pk
        assert config["strings"]["pending"] == "{n} thay đổi đang chờ gửi"
        assert config["strings"]["keepMine"] == "Giữ bản của tôi"
        assert config["strings"]["useServer"] == "Dùng bản trên máy chủ"


def test_the_login_page_clears_what_an_expired_session_left(client):
    body = client.get(reverse("login")).content.decode()
    assert FORGET_SCRIPT in body
    assert OFFLINE_SCRIPT not in body
    assert 'rel="manifest"' in body


def test_the_sheets_carry_what_the_offline_queue_needs(client, clerk_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a)
    household = HouseholdFactory(group=group)
    commitment = CommitmentFactory(household=household, year=timezone.localdate().year)
    client.force_login(clerk_a)
    entry = client.get(reverse("household_sheets:entry", kwargs={"pk": group.pk})).content.decode()
    assert f'data-offline-group="{group.pk}"' in entry
    assert 'data-offline-api="/api/v1/households/"' in entry
    sheet = client.get(
        reverse("household_sheets:commitments", kwargs={"pk": group.pk})
    ).content.decode()
    # The ETag an untick is sent with is built from these, as the API builds it.
    assert f'data-commitment="{commitment.pk}" data-version="{commitment.version}"' in sheet


def test_a_quick_form_names_the_api_its_offline_record_goes_to(client, clerk_a):
    client.force_login(clerk_a)
    body = client.get(reverse("movement:outreachsession_create")).content.decode()
    assert 'data-offline="record" data-offline-api="/api/v1/outreach-sessions/"' in body
    # Other forms are saved online only.
    body = client.get(reverse("movement:commendation_create")).content.decode()
    assert "data-offline=" not in body


def test_forms_with_coordinates_offer_the_phone_s_location(client, officer_a):
    client.force_login(officer_a)
    body = client.get(reverse("cameras:camera_create")).content.decode()
    assert "Dùng vị trí của tôi" in body
    assert "offline/locate.js" in body
    body = client.get(reverse("movement:outreachsession_create")).content.decode()
    assert "Dùng vị trí của tôi" not in body
