"""API authentication (SPEC §8, GUARANTEES G1, G6, G9, G12 "API"): tokens, lockout, CSRF.

Tokens are per client, stored only as a SHA-256, expiring and revocable, and accepted only in the
``Authorization: Bearer`` header. Repeated wrong passwords lock username+address for the API and
the browser (admin login) alike, with the attempts kept in PostgreSQL (no Redis).
"""

import datetime as dt
import hashlib

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from households.models import Household
from tests.factories import HouseholdFactory, ResidentialGroupFactory
from wardsecurity.api.authentication import token_issue
from wardsecurity.models import ApiToken

TOKEN_URL = "/api/v1/auth/token/"
LOGOUT_URL = "/api/v1/auth/logout/"
ME_URL = "/api/v1/users/me/"
HOUSEHOLDS_URL = "/api/v1/households/"
PASSWORD = "demo12345"  # tests.factories.UserFactory
WRONG = "not-the-password"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_token(client, username, password, addr="10.0.0.1"):
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        REMOTE_ADDR=addr,
    )


# Token issue and use ------------------------------------------------------------------------


def test_token_issue_answers_201_with_token_and_expiry_and_stores_only_the_hash(client, clerk_a):
    response = post_token(client, "clerk_a", PASSWORD)

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == {"token", "expires"}
    raw = body["token"]
    assert raw.startswith("wsp_")
    assert len(raw) > 40
    token = ApiToken.objects.get(user=clerk_a)
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.prefix == raw[:12]
    assert raw not in {token.name, token.prefix, token.key_hash}
    expires = dt.datetime.fromisoformat(body["expires"])
    assert expires == token.expires_at
    ttl = dt.timedelta(days=settings.API_TOKEN_TTL_DAYS)
    assert abs(token.expires_at - (timezone.now() + ttl)) < dt.timedelta(minutes=1)
    # The raw value is nowhere in the database: neither the token table nor its history.
    with connection.cursor() as cursor:
        for table in (ApiToken._meta.db_table, ApiToken.pgh_event_model._meta.db_table):
            cursor.execute(
                f"SELECT count(*) FROM {table} WHERE row_to_json({table})::text LIKE %s",
                [f"%{raw}%"],
            )
            assert cursor.fetchone()[0] == 0, table


def test_token_issue_keeps_the_client_name(client, clerk_a):
    response = client.post(
        TOKEN_URL,
        {"username": "clerk_a", "password": PASSWORD, "client": "Phần mềm thống kê"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert ApiToken.objects.get(user=clerk_a).name == "Phần mềm thống kê"


def test_wrong_password_answers_400_and_issues_nothing(client, clerk_a):
    response = post_token(client, "clerk_a", WRONG)
    assert response.status_code == 400
    assert "detail" in response.json()
    assert not ApiToken.objects.exists()


def test_an_inactive_user_gets_no_token(client, clerk_a):
    clerk_a.is_active = False
    clerk_a.save()
    response = post_token(client, "clerk_a", PASSWORD)
    assert response.status_code in {400, 403}
    assert not ApiToken.objects.exists()


def test_a_bearer_token_authenticates(client, clerk_a):
    raw = post_token(client, "clerk_a", PASSWORD).json()["token"]
    response = Client().get(ME_URL, **bearer(raw))
    assert response.status_code == 200
    assert response.json()["username"] == "clerk_a"
    assert ApiToken.objects.get(user=clerk_a).last_used_at is not None


def test_no_credentials_answer_401_with_a_bearer_challenge(client, db):
    response = client.get(ME_URL)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("param", ["token", "access_token", "auth_token", "key", "bearer"])
def test_a_token_in_the_query_string_is_not_accepted(client, clerk_a, param):
    raw, _token = token_issue(user=clerk_a)
    response = client.get(f"{ME_URL}?{param}={raw}")
    assert response.status_code == 401
    response = client.get(f"{HOUSEHOLDS_URL}?{param}={raw}")
    assert response.status_code == 401


def test_a_token_in_the_body_is_not_accepted(client, clerk_a, ward_a):
    raw, _token = token_issue(user=clerk_a)
    group = ResidentialGroupFactory(ward=ward_a)
    response = client.post(
        HOUSEHOLDS_URL,
        {"token": raw, "group": group.pk, "code": "HK1", "address": "1", "head_name": "A"},
        content_type="application/json",
    )
    assert response.status_code == 401
    assert not Household.objects.exists()


def test_an_expired_token_answers_401(client, clerk_a, monkeypatch):
    raw, token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200  # and cached
    # The clock passes the expiry (a token cached a moment ago included).
    later = token.expires_at + dt.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(ME_URL, **bearer(raw))
    assert response.status_code == 401
    assert response.json()["detail"]


def test_logout_revokes_the_token_it_was_called_with(client, clerk_a):
    raw, token = token_issue(user=clerk_a)
    other_raw, _other = token_issue(user=clerk_a, name="other client")
    assert client.get(ME_URL, **bearer(raw)).status_code == 200

    response = client.post(LOGOUT_URL, **bearer(raw))

    assert response.status_code == 204
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get(ME_URL, **bearer(raw)).status_code == 401
    assert client.post(LOGOUT_URL, **bearer(raw)).status_code == 401
    # Per client: the other token of the same user still works.
    assert client.get(ME_URL, **bearer(other_raw)).status_code == 200


def test_the_token_of_a_deactivated_user_answers_401(client, clerk_a):
    raw, _token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200
    clerk_a.is_active = False
    clerk_a.save()
    assert client.get(ME_URL, **bearer(raw)).status_code == 401
    assert client.get(HOUSEHOLDS_URL, **bearer(raw)).status_code == 401


@pytest.mark.parametrize(
    "header",
    [
        "Bearer",
        "Bearer ",
        "Bearer a b",
        "Bearer wsp_not-a-real-token",
        "Bearer é",
        "Bearer wsp_\x01",
        "Bearer " + "A" * 10000,
    ],
    ids=["no-value", "blank", "two-values", "unknown", "latin1", "control", "huge"],
)
def test_a_malformed_authorization_header_answers_401(client, clerk_a, header):
    token_issue(user=clerk_a)
    response = client.get(ME_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["detail"]


@pytest.mark.parametrize("scheme", ["Token", "Basic", "Digest"])
def test_other_authorization_schemes_are_not_accepted(client, clerk_a, scheme):
    raw, _token = token_issue(user=clerk_a)
    response = client.get(ME_URL, HTTP_AUTHORIZATION=f"{scheme} {raw}")
    assert response.status_code == 401


def test_the_bearer_keyword_is_case_insensitive_but_the_token_is_not(client, clerk_a):
    raw, _token = token_issue(user=clerk_a)
    assert client.get(ME_URL, HTTP_AUTHORIZATION=f"bearer {raw}").status_code == 200
    assert client.get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {raw.upper()}").status_code == 401


# Lockout (G9) -------------------------------------------------------------------------------


def test_six_wrong_passwords_lock_the_api_for_that_username_and_address(client, clerk_a):
    statuses = [post_token(client, "clerk_a", WRONG, "10.1.1.1").status_code for _ in range(6)]
    # AXES_FAILURE_LIMIT = 5: the fifth failure locks; before it, a plain "wrong password".
    assert statuses[:4] == [400] * 4
    assert statuses[4:] == [statuses[5]] * 2
    assert statuses[5] in {403, 429}

    locked = post_token(client, "clerk_a", PASSWORD, "10.1.1.1")
    assert locked.status_code in {403, 429}
    assert b"wsp_" not in locked.content
    assert not ApiToken.objects.exists()

    # The same username from another address is not affected.
    elsewhere = post_token(client, "clerk_a", PASSWORD, "10.2.2.2")
    assert elsewhere.status_code == 201
    assert ApiToken.objects.count() == 1
    # Attempts are kept in PostgreSQL.
    attempt = AccessAttempt.objects.get(username="clerk_a", ip_address="10.1.1.1")
    assert attempt.failures_since_start >= 5


def test_the_api_lockout_answer_is_the_documented_json_403(client, clerk_a):
    """SPEC §8: errors are JSON; the schema of POST auth/token/ documents 403 for a lockout.

    wardsecurity/api/views.py TokenView answers 403 ``{"detail": LOCKED_OUT}``, but
    axes.middleware.AxesMiddleware (last in MIDDLEWARE) replaces any response of a request
    flagged ``axes_locked_out`` by axes' own plain-text 429 in English.
    """
    for _ in range(6):
        post_token(client, "clerk_a", WRONG, "10.1.1.1")

    locked = post_token(client, "clerk_a", PASSWORD, "10.1.1.1")

    assert locked.status_code == 403
    assert locked.headers["Content-Type"] == "application/json"
    assert locked.json()["detail"]


def test_the_lockout_is_per_username(client, clerk_a, officer_a):
    for _ in range(6):
        post_token(client, "clerk_a", WRONG, "10.1.1.1")
    assert post_token(client, "officer_a", PASSWORD, "10.1.1.1").status_code == 201


def test_an_api_success_before_the_limit_resets_the_count(client, clerk_a):
    """AXES_RESET_ON_SUCCESS = True, "in the browser and the API alike" (G9).

    The admin login resets the count (see the browser test below); TokenView.post
    (wardsecurity/api/views.py) calls authenticate() but never signals a successful sign-in
    (``user_logged_in``), so axes keeps counting: 4 failures, a success, 1 failure = locked.
    """
    for _ in range(4):
        assert post_token(client, "clerk_a", WRONG, "10.1.1.1").status_code == 400
    assert post_token(client, "clerk_a", PASSWORD, "10.1.1.1").status_code == 201
    for _ in range(4):
        assert post_token(client, "clerk_a", WRONG, "10.1.1.1").status_code == 400
    assert post_token(client, "clerk_a", PASSWORD, "10.1.1.1").status_code == 201


def test_a_browser_success_before_the_limit_resets_the_count(admin_user):
    for _ in range(4):
        assert admin_login(Client(), "admin", WRONG, "10.6.6.6").status_code == 200
    assert admin_login(Client(), "admin", PASSWORD, "10.6.6.6").status_code == 302
    for _ in range(4):
        assert admin_login(Client(), "admin", WRONG, "10.6.6.6").status_code == 200
    assert admin_login(Client(), "admin", PASSWORD, "10.6.6.6").status_code == 302


def admin_login(client, username, password, addr):
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=addr,
    )


def test_the_admin_login_is_locked_the_same_way_without_redis(settings, admin_user):
    settings.REDIS_URL = ""
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    browser = Client()
    ok = admin_login(Client(), "admin", PASSWORD, "10.3.3.3")
    assert ok.status_code == 302  # the demo admin can sign in
    AccessAttempt.objects.all().delete()

    for _ in range(6):
        response = admin_login(browser, "admin", WRONG, "10.3.3.3")
        assert response.status_code != 302
        assert "_auth_user_id" not in browser.session

    locked = admin_login(browser, "admin", PASSWORD, "10.3.3.3")
    assert locked.status_code in {403, 429}
    assert "_auth_user_id" not in browser.session
    assert browser.get("/admin/").status_code == 302  # still sent to the login page

    attempt = AccessAttempt.objects.get(username="admin", ip_address="10.3.3.3")
    assert attempt.failures_since_start >= 5

    # Browser and API share one lockout: the API refuses the same username+address.
    assert post_token(Client(), "admin", PASSWORD, "10.3.3.3").status_code in {403, 429}
    assert not ApiToken.objects.exists()
    # Another address is unaffected, in the browser too.
    other = Client()
    assert admin_login(other, "admin", PASSWORD, "10.4.4.4").status_code == 302
    assert "_auth_user_id" in other.session


def test_api_failures_lock_the_admin_login_too(admin_user):
    for _ in range(6):
        post_token(Client(), "admin", WRONG, "10.5.5.5")
    browser = Client()
    response = admin_login(browser, "admin", PASSWORD, "10.5.5.5")
    assert response.status_code in {403, 429}
    assert "_auth_user_id" not in browser.session


def test_lockouts_are_stored_in_postgresql_not_a_cache():
    assert settings.AXES_HANDLER == "axes.handlers.database.AxesDatabaseHandler"
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert "redis" not in settings.CACHES["default"]["BACKEND"].lower()


# CSRF and method override -------------------------------------------------------------------


def test_a_session_post_without_csrf_token_is_refused(clerk_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk_a)
    data = {
        "group": group.pk,
        "code": "HK1",
        "address": "1 Lê Lợi",
        "head_name": "Nguyễn Văn A",
        "member_count": 3,
    }

    response = browser.post(HOUSEHOLDS_URL, data, content_type="application/json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Household.objects.exists()
    # Reads need no token, and the same write with a token is accepted.
    assert browser.get(HOUSEHOLDS_URL).status_code == 200
    browser.get("/admin/login/")  # sets the csrftoken cookie
    csrf = browser.cookies["csrftoken"].value
    response = browser.post(
        HOUSEHOLDS_URL, data, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201, response.content


def test_a_session_patch_and_delete_without_csrf_token_are_refused(clerk_a, ward_a):
    household = HouseholdFactory(group__ward=ward_a)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk_a)
    url = f"{HOUSEHOLDS_URL}{household.pk}/"
    assert (
        browser.patch(url, {"head_name": "X"}, content_type="application/json").status_code == 403
    )
    assert browser.delete(url).status_code == 403
    household.refresh_from_db()
    assert household.head_name != "X"
    assert household.version == 1


def test_a_bearer_request_needs_no_csrf_token(clerk_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a)
    raw, _token = token_issue(user=clerk_a)
    response = Client(enforce_csrf_checks=True).post(
        HOUSEHOLDS_URL,
        {"group": group.pk, "code": "HK1", "address": "1", "head_name": "A", "member_count": 1},
        content_type="application/json",
        **bearer(raw),
    )
    assert response.status_code == 201


@pytest.mark.parametrize(
    "override",
    [
        {"HTTP_X_HTTP_METHOD_OVERRIDE": "DELETE"},
        {"HTTP_X_HTTP_METHOD": "DELETE"},
        {"HTTP_X_METHOD_OVERRIDE": "DELETE"},
    ],
    ids=["X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"],
)
def test_method_override_headers_do_not_delete(client, clerk_a, ward_a, override):
    household = HouseholdFactory(group__ward=ward_a)
    client.force_login(clerk_a)
    url = f"{HOUSEHOLDS_URL}{household.pk}/"

    response = client.post(url, {}, content_type="application/json", **override)

    assert response.status_code == 405
    assert Household.objects.filter(pk=household.pk).exists()
    response = client.post(f"{url}?_method=DELETE", {}, content_type="application/json")
    assert response.status_code == 405
    assert Household.objects.filter(pk=household.pk).exists()


def test_method_override_does_not_turn_a_get_into_a_delete(client, clerk_a, ward_a):
    household = HouseholdFactory(group__ward=ward_a)
    client.force_login(clerk_a)
    response = client.get(
        f"{HOUSEHOLDS_URL}{household.pk}/?_method=DELETE", HTTP_X_HTTP_METHOD_OVERRIDE="DELETE"
    )
    assert response.status_code == 200
    assert Household.objects.filter(pk=household.pk).exists()


# users/me -----------------------------------------------------------------------------------


PERSONAS = {
    # fixture: (role, scope_kind, scope field holding an id, ward code, province code)
    "officer_a": ("ward_police", "ward", "scope_ward", "91001", None),
    "clerk_a": ("ward_staff", "ward", "scope_ward", "91001", None),
    "officer_b": ("ward_police", "ward", "scope_ward", "91002", None),
    "viewer_city": ("steering_viewer", "cluster", "scope_cluster", None, None),
    "viewer_province": ("steering_viewer", "province", "scope_province", None, "91"),
    "viewer_all": ("steering_viewer", "all", None, None, None),
    "admin_user": ("admin", "all", None, None, None),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_users_me_answers_the_callers_role_and_scope(client, request, persona):
    user = request.getfixturevalue(persona)
    role, scope_kind, scope_field, ward_code, province_code = PERSONAS[persona]
    client.force_login(user)

    response = client.get(ME_URL)

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == user.pk
    assert body["username"] == user.username
    assert body["role"] == role
    assert body["scope_kind"] == scope_kind
    scope_fields = {"scope_ward", "scope_province", "scope_cluster"}
    for name in scope_fields:
        expected = getattr(user, f"{name}_id") if name == scope_field else None
        assert body[name] == expected, name
    if scope_field:
        assert body[scope_field] is not None
    assert body["scope_ward_code"] == ward_code
    assert body["scope_province_code"] == province_code
    assert "password" not in body


def test_users_me_with_a_token_is_the_token_owner(client, officer_b):
    raw, _token = token_issue(user=officer_b)
    body = client.get(ME_URL, **bearer(raw)).json()
    assert body["username"] == "officer_b"
    assert body["scope_ward_code"] == "91002"


def test_users_me_is_read_only(client, clerk_a):
    client.force_login(clerk_a)
    for method in (client.post, client.put, client.patch):
        response = method(ME_URL, {"role": "admin"}, content_type="application/json")
        assert response.status_code == 405
    clerk_a.refresh_from_db()
    assert clerk_a.role == "ward_staff"


# History actor (G6) -------------------------------------------------------------------------


def last_event(obj):
    return type(obj).pgh_event_model.objects.filter(pgh_obj_id=obj.pk).order_by("-pgh_id").first()


@pytest.mark.parametrize("auth", ["session", "bearer"])
def test_api_writes_record_the_api_user_as_actor(client, clerk_a, ward_a, auth):
    group = ResidentialGroupFactory(ward=ward_a)
    household = HouseholdFactory(group=group)
    headers = {}
    if auth == "session":
        client.force_login(clerk_a)
    else:
        raw, _token = token_issue(user=clerk_a)
        headers = bearer(raw)

    # Update
    response = client.patch(
        f"{HOUSEHOLDS_URL}{household.pk}/",
        {"head_name": "Trần Văn Bình"},
        content_type="application/json",
        HTTP_IF_MATCH=f'"{household.pk}-1"',
        **headers,
    )
    assert response.status_code == 200, response.content
    event = last_event(household)
    assert event.pgh_label == "update"
    assert event.head_name == "Trần Văn Bình"
    assert event.pgh_context is not None
    metadata = event.pgh_context.metadata
    assert metadata["user"] == clerk_a.pk
    assert metadata["service"] == "household_update"
    assert metadata["url"] == f"{HOUSEHOLDS_URL}{household.pk}/"
    assert metadata["method"] == "PATCH"

    # Create
    response = client.post(
        HOUSEHOLDS_URL,
        {"group": group.pk, "code": "HK9", "address": "9", "head_name": "B", "member_count": 2},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 201, response.content
    created = Household.objects.get(pk=response.json()["id"])
    event = last_event(created)
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["user"] == clerk_a.pk

    # Delete
    response = client.delete(
        f"{HOUSEHOLDS_URL}{created.pk}/", HTTP_IF_MATCH=response["ETag"], **headers
    )
    assert response.status_code == 204
    event = (
        Household.pgh_event_model.objects.filter(pgh_obj_id=created.pk).order_by("-pgh_id").first()
    )
    assert event.pgh_label == "delete"
    assert event.pgh_context.metadata["user"] == clerk_a.pk
    assert event.pgh_context.metadata["method"] == "DELETE"
