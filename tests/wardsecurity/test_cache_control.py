"""No cache keeps a signed-in answer (G15, issue 15 item 11): ``no-store`` unless a view says."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import HouseholdFactory, TipFactory
from wardsecurity.api.authentication import token_issue
from wardsecurity.middleware import PrivateCacheMiddleware

pytestmark = pytest.mark.django_db


def directives(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


def assert_no_store(response) -> None:
    assert response.status_code == 200, response.content[:500]
    assert {"no-store", "private"} <= directives(response), response.get("Cache-Control")


def test_the_imports_page_is_never_stored(client, officer_a):
    client.force_login(officer_a)
    assert_no_store(client.get(reverse("imports:upload")))


def test_a_tip_with_its_informant_is_never_stored_by_token_or_session(client, officer_a, ward_a):
    tip = TipFactory(ward=ward_a, reporter="Lê Thị Báo Tin")
    raw, _ = token_issue(user=officer_a)
    by_token = client.get(f"/api/v1/tips/{tip.pk}/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert_no_store(by_token)
    assert by_token.json()["reporter"] == "Lê Thị Báo Tin"
    client.force_login(officer_a)
    assert_no_store(client.get(f"/api/v1/tips/{tip.pk}/"))


def test_household_lists_are_never_stored(client, clerk_a, ward_a):
    HouseholdFactory(group__ward=ward_a)
    client.force_login(clerk_a)
    assert_no_store(client.get(reverse("households:household_list")))
    assert_no_store(client.get("/api/v1/households/"))


def test_anonymous_answers_and_static_files_are_left_alone(client, clerk_a, settings):
    settings.WHITENOISE_USE_FINDERS = True  # serve from the source folders, as in development
    client.force_login(clerk_a)
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert "Cache-Control" not in PrivateCacheMiddleware(lambda r: HttpResponse("x"))(request)
    static = client.get("/static/portal/portal.css")
    assert static.status_code == 200
    assert "no-store" not in directives(static)


def test_a_view_that_sets_its_own_cache_control_keeps_it(clerk_a):
    request = RequestFactory().get("/")
    request.user = clerk_a

    def view(request):
        response = HttpResponse("x")
        response["Cache-Control"] = "max-age=60, private"
        return response

    assert PrivateCacheMiddleware(view)(request)["Cache-Control"] == "max-age=60, private"
    plain = PrivateCacheMiddleware(lambda request: HttpResponse("x"))(request)
    assert directives(plain) == {"no-store", "private"}
