"""Lockout and throttling by the real client address, directly and behind a proxy (G9, item 10).

Direct: the address is REMOTE_ADDR and X-Forwarded-For is ignored (a client writes what it
likes there). Behind a proxy listed in TRUSTED_PROXIES: the right-most hop the proxy appended.
Both django-axes' lockout and the per-address sign-in throttle use that address.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from wardsecurity.proxies import client_address
from wardsecurity.throttle import SignInThrottleMiddleware

pytestmark = pytest.mark.django_db

TOKEN_URL = reverse("api:token")
PROXY = "10.0.0.2"


def post_token(client, username, password, addr, forwarded=None):
    extra = {"REMOTE_ADDR": addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        TOKEN_URL,
        {"username": username, "password": password},
        content_type="application/json",
        **extra,
    )


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24", "fd00::/8"]


def address(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **meta))


# The address --------------------------------------------------------------------------------


def test_without_trusted_proxies_the_header_is_ignored():
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"
    assert address("10.0.0.2", "198.51.100.1") == "10.0.0.2"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_hop_is_the_client(behind_proxy):
    assert address(PROXY, "198.51.100.7") == "198.51.100.7"
    # Whatever the client wrote sits left of what our proxy appended.
    assert address(PROXY, "1.2.3.4, 198.51.100.7") == "198.51.100.7"
    assert address(PROXY, "garbage, 198.51.100.7") == "198.51.100.7"
    # Two proxies of ours in a row are skipped.
    assert address(PROXY, "1.2.3.4, 198.51.100.7, 10.0.0.9") == "198.51.100.7"
    assert address("fd00::1", "2001:db8::7") == "2001:db8::7"
    assert address(PROXY, "198.51.100.7:51234") == "198.51.100.7"


def test_a_trusted_proxy_without_a_usable_header_counts_as_the_client(behind_proxy):
    assert address(PROXY) == PROXY
    assert address(PROXY, "not-an-address") == PROXY
    assert address(PROXY, "10.0.0.7") == "10.0.0.7"  # a client inside the proxy network


def test_an_untrusted_client_cannot_claim_to_be_behind_the_proxy(behind_proxy):
    assert address("198.51.100.7", "203.0.113.99") == "198.51.100.7"
    assert address("198.51.100.7", "10.0.0.2") == "198.51.100.7"


# Lockout (django-axes) ----------------------------------------------------------------------


def lock(client, username, addr, forwarded=None):
    for _ in range(5):  # the fifth failure locks (AXES_FAILURE_LIMIT)
        assert post_token(client, username, "wrong", addr, forwarded).status_code in (400, 403)
    return post_token(client, username, "demo12345", addr, forwarded)


def test_direct_a_spoofed_header_neither_escapes_nor_moves_the_lockout(client, clerk_a):
    # Each failure claims another address in the header: they all count for REMOTE_ADDR.
    for n in range(5):
        response = post_token(client, "clerk_a", "x", "203.0.113.5", f"198.51.100.{n}")
        assert response.status_code == (403 if n == 4 else 400)
    locked = post_token(client, "clerk_a", "demo12345", "203.0.113.5", "198.51.100.99")
    assert locked.status_code == 403
    assert locked.json()["code"] == "locked_out"
    # Another address is unaffected, even when it claims the locked one in the header.
    assert (
        post_token(client, "clerk_a", "demo12345", "203.0.113.6", "203.0.113.5").status_code == 201
    )


def test_behind_the_proxy_one_client_cannot_lock_the_account_for_everyone(
    client, clerk_a, behind_proxy
):
    assert lock(client, "clerk_a", PROXY, "198.51.100.7").status_code == 403
    # The same client still locked whatever it adds to the header.
    spoofed = post_token(client, "clerk_a", "demo12345", PROXY, "203.0.113.50, 198.51.100.7")
    assert spoofed.status_code == 403
    # The account owner, elsewhere, behind the same proxy, signs in.
    assert post_token(client, "clerk_a", "demo12345", PROXY, "198.51.100.8").status_code == 201


def test_without_trusted_proxies_everyone_behind_a_proxy_shares_one_address(client, clerk_a):
    """What TRUSTED_PROXIES is for: unset, the proxy's address is the only one seen."""
    assert lock(client, "clerk_a", PROXY, "198.51.100.7").status_code == 403
    assert post_token(client, "clerk_a", "demo12345", PROXY, "198.51.100.8").status_code == 403


# Per-address throttle -----------------------------------------------------------------------


@pytest.fixture
def three_a_minute(settings, one_throttle_window):
    settings.SIGNIN_THROTTLE_PER_MINUTE = 3


def test_the_token_endpoint_answers_429_json_past_the_limit(client, db, three_a_minute):
    # Spraying: a different username each time, so no lockout would ever trigger.
    for n in range(3):
        assert post_token(client, f"user{n}", "guess", "203.0.113.5").status_code == 400
    response = post_token(client, "user9", "guess", "203.0.113.5")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "throttled"
    assert response.json()["detail"]
    assert 1 <= int(response["Retry-After"]) <= 60
    # Another address is not held back.
    assert post_token(client, "user9", "guess", "203.0.113.6").status_code == 400


def test_the_login_page_answers_429_with_a_translated_page(client, db, three_a_minute):
    url = reverse("login")
    for n in range(3):
        response = client.post(url, {"username": f"u{n}", "password": "x"}, REMOTE_ADDR="1.2.3.4")
        assert response.status_code == 200
    response = client.post(url, {"username": "u", "password": "x"}, REMOTE_ADDR="1.2.3.4")
    assert response.status_code == 429
    assert int(response["Retry-After"]) >= 1
    assert "Quá nhiều lần đăng nhập" in response.content.decode()
    # Reading the sign-in page is never throttled.
    assert client.get(url, REMOTE_ADDR="1.2.3.4").status_code == 200


def test_the_admin_login_is_throttled_too(client, db, three_a_minute):
    url = reverse("admin:login")
    for _ in range(3):
        client.post(url, {"username": "a", "password": "x"}, REMOTE_ADDR="1.2.3.4")
    assert client.post(url, {"username": "a"}, REMOTE_ADDR="1.2.3.4").status_code == 429


def test_the_throttle_counts_clients_behind_a_trusted_proxy_apart(
    client, db, three_a_minute, behind_proxy
):
    for n in range(3):
        assert post_token(client, f"u{n}", "x", PROXY, "198.51.100.7").status_code == 400
    assert post_token(client, "u", "x", PROXY, "6.6.6.6, 198.51.100.7").status_code == 429
    assert post_token(client, "u", "x", PROXY, "198.51.100.8").status_code == 400


def test_a_spoofed_header_does_not_escape_the_throttle(client, db, three_a_minute):
    for n in range(3):
        post_token(client, f"u{n}", "x", "203.0.113.5", f"198.51.100.{n}")
    assert post_token(client, "u", "x", "203.0.113.5", "198.51.100.200").status_code == 429


def test_the_windows_are_fixed_minutes_and_retry_after_counts_to_the_next(
    client, db, three_a_minute, monkeypatch
):
    """A minute's window turns on the clock's minute: the address is let in again then, and
    told how many seconds are left until it does."""
    minute = 1_800_000_000.0  # a multiple of 60
    for moment in (minute + 10, minute + 20, minute + 30):
        monkeypatch.setattr(SignInThrottleMiddleware, "clock", staticmethod(lambda t=moment: t))
        assert post_token(client, "u", "x", "203.0.113.9").status_code == 400
    monkeypatch.setattr(SignInThrottleMiddleware, "clock", staticmethod(lambda: minute + 45.5))
    refused = post_token(client, "u", "x", "203.0.113.9")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "14"
    monkeypatch.setattr(SignInThrottleMiddleware, "clock", staticmethod(lambda: minute + 60))
    assert post_token(client, "u", "x", "203.0.113.9").status_code == 400
