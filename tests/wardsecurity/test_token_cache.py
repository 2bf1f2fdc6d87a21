"""The API token look-up is cached (issue 18, item 5), and whatever ends a token or changes its
user still takes effect with the next request: revocation, deletion, expiry, a deactivated user,
another role or scope. The cache never holds the token, nor the hash the database keeps."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wardsecurity.api.authentication import (
    hash_token,
    token_cache_key,
    token_issue,
    token_revoke,
    tokens_revoke_all,
)
from wardsecurity.models import ApiToken, User

pytestmark = pytest.mark.django_db

ME_URL = "/api/v1/users/me/"
INCIDENTS_URL = "/api/v1/incidents/"
STATS_URL = "/api/v1/stats/"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def token_queries(client, raw, url=ME_URL):
    """(status, queries on api tokens) of one request."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **bearer(raw))
    return response.status_code, sum("wardsecurity_apitoken" in q["sql"] for q in queries)


def test_a_repeated_request_does_not_look_the_token_up_again(client, clerk_a):
    raw, _token = token_issue(user=clerk_a)
    assert token_queries(client, raw) == (200, 2)  # the look-up, and the once-a-minute touch
    assert token_queries(client, raw) == (200, 0)
    assert token_queries(Client(), raw) == (200, 0)  # another client with the same token


def test_the_cache_key_is_neither_the_token_nor_its_stored_hash(client, clerk_a):
    raw, token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200
    key = token_cache_key(token.key_hash)
    assert cache.get(key) is not None
    assert raw not in key and token.key_hash not in key and hash_token(raw) not in key
    stored = repr(cache.get(key).__dict__)
    assert raw not in stored


def test_a_revoked_token_answers_401_at_once(client, clerk_a):
    raw, token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200
    token_revoke(token=token)
    assert client.get(ME_URL, **bearer(raw)).status_code == 401


def test_revoking_every_token_of_a_user_ends_the_cached_ones(client, clerk_a):
    tokens = [token_issue(user=clerk_a, name=f"client {n}")[0] for n in range(2)]
    for raw in tokens:
        assert client.get(ME_URL, **bearer(raw)).status_code == 200
    assert tokens_revoke_all(user=clerk_a) == 2
    for raw in tokens:
        assert client.get(ME_URL, **bearer(raw)).status_code == 401


def test_a_new_password_ends_the_cached_tokens(client, clerk_a):
    raw, _token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200
    clerk_a.set_password("another-password-1")
    clerk_a.save()
    assert client.get(ME_URL, **bearer(raw)).status_code == 401


def test_a_token_revoked_or_shortened_in_the_admin_answers_401(client, clerk_a):
    """A save of the token (the admin's way) clears its cached entry."""
    raw, token = token_issue(user=clerk_a)
    other_raw, other = token_issue(user=clerk_a, name="other")
    for key in (raw, other_raw):
        assert client.get(ME_URL, **bearer(key)).status_code == 200
    token.revoked_at = timezone.now()
    token.save()
    other.expires_at = timezone.now() - dt.timedelta(seconds=1)
    other.save()
    assert client.get(ME_URL, **bearer(raw)).status_code == 401
    assert client.get(ME_URL, **bearer(other_raw)).status_code == 401


def test_a_deleted_token_answers_401(client, clerk_a):
    raw, token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200
    token.delete()
    assert client.get(ME_URL, **bearer(raw)).status_code == 401


def test_a_cached_token_expires_on_time(client, clerk_a, monkeypatch):
    raw, token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200
    monkeypatch.setattr(timezone, "now", lambda: token.expires_at + dt.timedelta(seconds=1))
    assert client.get(ME_URL, **bearer(raw)).status_code == 401
    assert cache.get(token_cache_key(token.key_hash)) is None


def test_a_deactivated_user_answers_401_at_once(client, clerk_a):
    raw, _token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200
    clerk_a.is_active = False
    clerk_a.save(update_fields=["is_active"])
    assert client.get(ME_URL, **bearer(raw)).status_code == 401


def test_a_changed_role_takes_effect_at_once(client, officer_a):
    """Police read incidents; the same token, its user now a clerk, is refused them."""
    raw, _token = token_issue(user=officer_a)
    assert client.get(INCIDENTS_URL, **bearer(raw)).status_code == 200
    officer_a.role = User.Role.WARD_STAFF
    officer_a.save()
    assert client.get(INCIDENTS_URL, **bearer(raw)).status_code == 403


def test_a_changed_scope_takes_effect_at_once(client, clerk_a, ward_a, ward_b):
    """The statistics of "all" are the caller's own ward, read from the user of the token."""
    raw, _token = token_issue(user=clerk_a)
    asked = {"period": "year:2023", "metrics": "incidents"}
    assert client.get(STATS_URL, asked, **bearer(raw)).json()["scope"]["code"] == ward_a.code
    clerk_a.scope_ward = ward_b
    clerk_a.save()
    assert client.get(STATS_URL, asked, **bearer(raw)).json()["scope"]["code"] == ward_b.code


def test_a_deleted_user_answers_401(client, clerk_a):
    raw, _token = token_issue(user=clerk_a)
    assert client.get(ME_URL, **bearer(raw)).status_code == 200
    User.objects.filter(pk=clerk_a.pk).delete()
    assert not ApiToken.objects.exists()
    assert client.get(ME_URL, **bearer(raw)).status_code == 401


def test_a_revocation_inside_a_transaction_is_cleared_again_at_commit(
    client, clerk_a, django_capture_on_commit_callbacks
):
    """A request between the revocation and its commit may cache the old row: the entry is
    cleared once more when the revocation commits."""
    raw, token = token_issue(user=clerk_a)
    with django_capture_on_commit_callbacks(execute=True):
        token_revoke(token=token)
        # What a concurrent request reading the row before the commit would leave behind:
        cache.set(token_cache_key(token.key_hash), ApiToken.objects.get(pk=token.pk), 30)
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=None)  # its view of the row
        cache.set(token_cache_key(token.key_hash), ApiToken.objects.get(pk=token.pk), 30)
        ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert cache.get(token_cache_key(token.key_hash)) is None
    assert client.get(ME_URL, **bearer(raw)).status_code == 401


def test_no_cache_when_its_time_is_zero(client, clerk_a, settings):
    settings.API_TOKEN_CACHE_SECONDS = 0
    raw, _token = token_issue(user=clerk_a)
    assert token_queries(client, raw)[0] == 200
    assert token_queries(client, raw) == (200, 1)
