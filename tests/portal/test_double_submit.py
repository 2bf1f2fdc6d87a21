"""A create form posted twice creates one record (issue 15, item 6).

Every create form carries a one-time token signed for its user; the first submission claims it
with the record it creates, a second one (the button pressed twice, the page reloaded, a second
tab of the same page, or at the same instant) leads to that record; a missing, altered, expired
or another user's token is refused and nothing is written.
"""

import threading
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client

from movement.models import OutreachSession
from movement.views import OUTREACH_SESSIONS
from reports.statistics import rollup
from reports.statistics.selectors import stats_for
from tests.portal.helpers import create_data, form_data, form_token, make
from wardsecurity.models import FormSubmission
from wardsecurity.period_spec import parse_period
from wardsecurity.portal import registry
from wardsecurity.submissions import form_token_issue, form_token_nonce, token_max_age
from wardsecurity.tasks import cleanup_jobs

pytestmark = pytest.mark.django_db

ALREADY = "Biểu mẫu này đã được gửi; đây là bản ghi đã tạo."
REFUSED = "Biểu mẫu này đã hết hạn hoặc không phải do bạn mở"


def outreach_figure(user, session):
    rollup.process_dirty()
    period = parse_period(f"year:{session.held_on.year}")
    answer = stats_for(user=user, scope="all", period=period, metrics=["outreach_sessions"])
    return answer["metrics"]["outreach_sessions"]["value"]


def new_session(ward):
    return make(OutreachSession, ward, create=False)


def test_a_form_posted_twice_creates_one_record_and_the_statistics_count_one(
    client, clerk_a, viewer_all, ward_a
):
    client.force_login(clerk_a)
    data = create_data(client, OUTREACH_SESSIONS, new_session(ward_a))

    first = client.post(OUTREACH_SESSIONS.url("create"), data)
    assert first.status_code == 302
    created = OutreachSession.objects.get()
    assert first["Location"] == OUTREACH_SESSIONS.url("detail", created.pk)

    # The button pressed again, or the page reloaded after posting: the first record again.
    second = client.post(OUTREACH_SESSIONS.url("create"), data, follow=True)
    assert second.redirect_chain == [(OUTREACH_SESSIONS.url("detail", created.pk), 302)]
    assert ALREADY in second.content.decode()
    assert OutreachSession.objects.count() == 1
    assert outreach_figure(viewer_all, created) == 1


def test_two_tabs_of_one_form_page_create_one_record_and_a_form_opened_twice_two(
    client, clerk_a, viewer_all, ward_a
):
    client.force_login(clerk_a)
    page = client.get(OUTREACH_SESSIONS.url("create")).content.decode()
    tab = {**form_data(OUTREACH_SESSIONS.form_class, new_session(ward_a)), "form_token": None}
    tab["form_token"] = form_token(page)
    other_tab = dict(tab)  # the same page, duplicated: the same token
    assert client.post(OUTREACH_SESSIONS.url("create"), tab).status_code == 302
    assert client.post(OUTREACH_SESSIONS.url("create"), other_tab).status_code == 302
    assert OutreachSession.objects.count() == 1

    # Opening "Add" again is asking for another record: a new token, a second record.
    again = create_data(client, OUTREACH_SESSIONS, new_session(ward_a))
    assert again["form_token"] != tab["form_token"]
    assert client.post(OUTREACH_SESSIONS.url("create"), again).status_code == 302
    assert OutreachSession.objects.count() == 2
    assert outreach_figure(viewer_all, OutreachSession.objects.first()) == 2


@pytest.mark.django_db(transaction=True)
def test_two_posts_at_the_same_instant_create_one_record(clerk_a, ward_a):
    """The second post waits on the unique token until the first commits, then finds it."""
    first_client, second_client = Client(), Client()
    first_client.force_login(clerk_a)
    second_client.force_login(clerk_a)
    data = create_data(first_client, OUTREACH_SESSIONS, new_session(ward_a))
    create, update, delete = OUTREACH_SESSIONS.services
    claimed = threading.Event()

    def slow_create(**kwargs):
        claimed.set()  # the token is claimed in this transaction, not yet committed
        time.sleep(0.5)
        return create(**kwargs)

    answers = {}

    def post(name, client, wait):
        try:
            if wait:
                claimed.wait(5)
            answers[name] = client.post(OUTREACH_SESSIONS.url("create"), data)
        finally:
            connection.close()

    with mock.patch.object(OUTREACH_SESSIONS, "services", (slow_create, update, delete)):
        threads = [
            threading.Thread(target=post, args=("first", first_client, False)),
            threading.Thread(target=post, args=("second", second_client, True)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(20)
    created = OutreachSession.objects.get()
    detail = OUTREACH_SESSIONS.url("detail", created.pk)
    assert [answers[n].status_code for n in ("first", "second")] == [302, 302]
    assert answers["first"]["Location"] == answers["second"]["Location"] == detail
    assert FormSubmission.objects.get().object_id == created.pk


def test_the_database_refuses_a_token_claimed_twice(clerk_a):
    FormSubmission.objects.create(nonce="n" * 32, user=clerk_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        FormSubmission.objects.create(nonce="n" * 32, user=clerk_a)


def _refused(response):
    assert response.status_code == 400
    page = response.content.decode()
    assert REFUSED in page
    return page


@pytest.mark.parametrize(
    "token",
    [None, "", "forged", "altered", "unsigned"],
    ids=["missing", "empty", "forged", "altered", "unsigned"],
)
def test_a_missing_or_forged_token_is_refused_and_the_form_drawn_again(
    token, client, clerk_a, ward_a
):
    client.force_login(clerk_a)
    data = create_data(client, OUTREACH_SESSIONS, new_session(ward_a))
    valid = data["form_token"]
    if token is None:
        del data["form_token"]
    elif token == "altered":  # another nonce under the valid signature
        value, stamp, signature = valid.rsplit(":", 2)
        user_id, nonce = value.split(".", 1)
        data["form_token"] = f"{user_id}.{nonce[::-1]}:{stamp}:{signature}"
    elif token == "unsigned":
        data["form_token"] = valid.rsplit(":", 1)[0]
    else:
        data["form_token"] = token
    page = _refused(client.post(OUTREACH_SESSIONS.url("create"), data))
    assert not OutreachSession.objects.exists()
    assert not FormSubmission.objects.exists()
    # What was typed is still there, with a new token: saving again works, once.
    fresh = form_token(page)
    assert fresh not in (valid, data.get("form_token"))
    assert data["topic"] in page
    again = {**data, "form_token": fresh}
    assert client.post(OUTREACH_SESSIONS.url("create"), again).status_code == 302
    assert client.post(OUTREACH_SESSIONS.url("create"), again).status_code == 302
    assert OutreachSession.objects.count() == 1


def test_another_users_token_is_refused(client, clerk_a, officer_a, ward_a):
    other = Client()
    other.force_login(officer_a)
    data = create_data(other, OUTREACH_SESSIONS, new_session(ward_a))
    client.force_login(clerk_a)
    _refused(client.post(OUTREACH_SESSIONS.url("create"), data))
    assert not OutreachSession.objects.exists()
    # Nor does the clerk's post use up the officer's form.
    assert other.post(OUTREACH_SESSIONS.url("create"), data).status_code == 302
    assert OutreachSession.objects.get().owner_ward_id == ward_a.pk


def test_an_expired_token_is_refused(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    data = create_data(client, OUTREACH_SESSIONS, new_session(ward_a))
    long_ago = time.time() - token_max_age() - 60
    with mock.patch("django.core.signing.time.time", return_value=long_ago):
        data["form_token"] = form_token_issue(clerk_a)  # a form left open past the session
    _refused(client.post(OUTREACH_SESSIONS.url("create"), data))
    assert not OutreachSession.objects.exists()


def test_a_refused_save_does_not_use_up_the_token(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    data = create_data(client, OUTREACH_SESSIONS, new_session(ward_a))
    create, update, delete = OUTREACH_SESSIONS.services

    def refuse(**kwargs):
        create(**kwargs)  # written, then refused: the whole submission is rolled back
        raise ValidationError("Kỳ đã khoá.")

    with mock.patch.object(OUTREACH_SESSIONS, "services", (refuse, update, delete)):
        response = client.post(OUTREACH_SESSIONS.url("create"), data)
    assert response.status_code == 400
    assert form_token(response.content.decode()) == data["form_token"]
    assert not OutreachSession.objects.exists()
    assert not FormSubmission.objects.exists()
    # Corrected and saved again with the same form: created, once.
    assert client.post(OUTREACH_SESSIONS.url("create"), data).status_code == 302
    assert client.post(OUTREACH_SESSIONS.url("create"), data).status_code == 302
    assert OutreachSession.objects.count() == 1


@pytest.mark.parametrize("entity", registry(), ids=lambda e: e.name)
def test_every_create_form_carries_a_token_of_its_user(entity, client, admin_user):
    client.force_login(admin_user)
    page = client.get(entity.url("create")).content.decode()
    assert form_token_nonce(admin_user, form_token(page)) is not None


def test_the_nightly_cleanup_deletes_expired_claims_only(client, clerk_a, ward_a):
    old = FormSubmission.objects.create(nonce="old", user=clerk_a)
    recent = FormSubmission.objects.create(nonce="recent", user=clerk_a)
    FormSubmission.objects.filter(pk=old.pk).update(
        created_at=old.created_at.replace(year=old.created_at.year - 1)
    )
    assert cleanup_jobs()["form_submissions"] == 1
    assert list(FormSubmission.objects.values_list("pk", flat=True)) == [recent.pk]


def test_a_token_is_bound_to_its_user(clerk_a, officer_a):
    token = form_token_issue(clerk_a)
    assert form_token_nonce(clerk_a, token) is not None
    assert form_token_nonce(officer_a, token) is None
    assert form_token_issue(clerk_a) != token
