"""Sessions and tokens (issue 15 item 9): a new password ends every API token; idle sessions end."""

import time

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse

from tests.factories import UserFactory
from wardsecurity.api.authentication import token_issue
from wardsecurity.models import ApiToken, User
from wardsecurity.sessions import LAST_SEEN_KEY

pytestmark = pytest.mark.django_db

ME = "/api/v1/users/me/"
NEW_PASSWORD = "a-new-long-passphrase-42"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def live_tokens(user) -> int:
    return ApiToken.objects.filter(user=user, revoked_at__isnull=True).count()


# A password change revokes every token -------------------------------------------------------


def test_set_password_and_save_revokes_every_token_of_that_user_only(client, clerk_a, officer_a):
    raw_1, _ = token_issue(user=clerk_a, name="phone")
    token_issue(user=clerk_a, name="laptop")
    other, _ = token_issue(user=officer_a)
    assert client.get(ME, **bearer(raw_1)).status_code == 200

    user = User.objects.get(pk=clerk_a.pk)
    user.set_password(NEW_PASSWORD)
    user.save()

    assert live_tokens(clerk_a) == 0
    assert client.get(ME, **bearer(raw_1)).status_code == 401
    assert client.get(ME, **bearer(other)).status_code == 200


def test_a_password_hash_written_directly_revokes_the_tokens_too(clerk_a):
    token_issue(user=clerk_a)
    user = User.objects.get(pk=clerk_a.pk)
    user.password = make_password(NEW_PASSWORD)
    user.save()
    assert live_tokens(clerk_a) == 0


def test_a_save_that_keeps_the_password_keeps_the_tokens(client, clerk_a):
    raw, _ = token_issue(user=clerk_a)
    user = User.objects.get(pk=clerk_a.pk)
    user.first_name = "Lan"
    user.save()
    user.save(update_fields=["last_login"])
    assert live_tokens(clerk_a) == 1
    assert client.get(ME, **bearer(raw)).status_code == 200


def test_the_admin_password_form_revokes_the_users_tokens(client, admin_user, clerk_a):
    raw, _ = token_issue(user=clerk_a)
    client.force_login(admin_user)
    url = f"/admin/wardsecurity/user/{clerk_a.pk}/password/"
    response = client.post(
        url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"}
    )
    assert response.status_code == 302, response.content[:2000]
    assert live_tokens(clerk_a) == 0
    assert client.get(ME, **bearer(raw)).status_code == 401


def test_the_password_change_view_revokes_the_callers_tokens(client, admin_user):
    raw, _ = token_issue(user=admin_user)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "demo12345",
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    assert live_tokens(admin_user) == 0
    assert client.get(ME, **bearer(raw)).status_code == 401


# Idle timeout -------------------------------------------------------------------------------


def idle_for(client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time() - minutes * 60)
    session.save()


def test_sign_in_starts_the_idle_clock(client, clerk_a):
    client.force_login(clerk_a)
    assert abs(client.session[LAST_SEEN_KEY] - time.time()) < 5


def test_a_ward_session_idle_for_31_minutes_goes_back_to_sign_in_with_a_message(client, clerk_a):
    client.force_login(clerk_a)
    url = reverse("households:household_list")
    idle_for(client, 29)
    assert client.get(url).status_code == 200

    idle_for(client, 31)
    response = client.get(url, {"search": "Lan"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/households/"
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "signed out after 30 minutes without activity" in page.content.decode()
    # Signed out for good: the next page asks for a sign-in again.
    assert client.get(url).status_code == 302
    assert "_auth_user_id" not in client.session


def test_activity_keeps_the_session_alive(client, officer_a):
    client.force_login(officer_a)
    url = reverse("households:household_list")
    idle_for(client, 20)
    assert client.get(url).status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 5  # the clock was reset
    idle_for(client, 20)
    assert client.get(url).status_code == 200


def test_steering_viewers_keep_a_longer_idle_timeout(client, viewer_all):
    client.force_login(viewer_all)
    idle_for(client, 60)
    assert client.get(reverse("home")).status_code == 200
    idle_for(client, 121)
    assert client.get(reverse("home")).status_code == 302


def test_the_idle_timeout_is_a_setting(client, clerk_a, settings):
    settings.SESSION_IDLE_MINUTES = {**settings.SESSION_IDLE_MINUTES, "ward_staff": 5}
    client.force_login(clerk_a)
    idle_for(client, 6)
    assert client.get(reverse("home")).status_code == 302


def test_an_htmx_request_of_an_idle_session_is_sent_to_sign_in(client, clerk_a):
    client.force_login(clerk_a)
    idle_for(client, 45)
    response = client.get(reverse("households:household_list"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith(reverse("login"))


def test_an_api_call_on_an_idle_session_is_anonymous(client, clerk_a):
    client.force_login(clerk_a)
    idle_for(client, 45)
    assert client.get(ME).status_code in (401, 403)


def test_api_tokens_have_no_idle_timeout(client, db):
    user = UserFactory(username="night_shift", role=User.Role.WARD_POLICE)
    raw, token = token_issue(user=user)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=None)
    # A token client with a stale session cookie beside it is still served by its token.
    client.force_login(user)
    idle_for(client, 600)
    assert client.get(ME, **bearer(raw)).status_code == 200
    client.logout()
    assert client.get(ME, **bearer(raw)).status_code == 200


def test_sessions_end_at_the_latest_after_the_maximum_age(settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
