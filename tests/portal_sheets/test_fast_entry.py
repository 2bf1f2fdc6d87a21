"""Fast household entry for a residential group: access, htmx rows, inline errors, query counts."""

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import translation

from households.models import Household
from tests.factories import HouseholdFactory
from tests.portal.helpers import form_token
from wardsecurity.models import FormSubmission, User
from wardsecurity.submissions import form_token_issue

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
VALID = {
    "code": "HK-001",
    "address": "12 Đường Trần Phú",
    "head_name": "Trần Thị Lan",
    "member_count": "4",
    "phone": "0905123456",
    "residence": "permanent",
}

# persona -> answer for ward A's group (SPEC §1, §4): writers of ward A and the admin may enter,
# steering viewers are refused (403), another ward's officer does not learn the group exists.
ACCESS = {
    "officer_a": 200,
    "clerk_a": 200,
    "admin_user": 200,
    "officer_b": 404,
    "viewer_city": 403,
    "viewer_province": 403,
    "viewer_all": 403,
}


def entry_url(group):
    return reverse("household_sheets:entry", kwargs={"pk": group.pk})


def row(client, data=None, **changes):
    """An entry row as the page draws it for the client's user: with a one-time token."""
    user = User.objects.get(pk=client.session[SESSION_KEY])
    return {**(VALID if data is None else data), **changes, "form_token": form_token_issue(user)}


@pytest.mark.parametrize(("persona", "status"), ACCESS.items())
def test_who_may_open_the_fast_entry_page(persona, status, signed_in, group_a):
    response = signed_in(persona).get(entry_url(group_a))
    assert response.status_code == status


@pytest.mark.parametrize(("persona", "status"), ACCESS.items())
def test_who_may_add_a_household(persona, status, signed_in, group_a):
    response = (client := signed_in(persona)).post(entry_url(group_a), row(client), **HTMX)
    assert response.status_code == status
    assert Household.objects.filter(code="HK-001").exists() == (status == 200)


def test_anonymous_is_sent_to_the_login_page(signed_in, group_a):
    for method in ("get", "post"):
        response = getattr(signed_in(None), method)(entry_url(group_a))
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))
    assert not Household.objects.exists()


def test_another_ward_s_group_is_not_found_even_for_its_writes(signed_in, group_b):
    response = (client := signed_in("clerk_a")).post(entry_url(group_b), row(client), **HTMX)
    assert response.status_code == 404
    assert not Household.objects.exists()


def test_the_page_lists_only_the_group_s_households(signed_in, group_a, ward_a):
    own = HouseholdFactory(group=group_a, code="HK-OWN", head_name="Lê Văn Một")
    HouseholdFactory(group__ward=ward_a, code="HK-OTHER", head_name="Phạm Thị Hai")
    response = signed_in("clerk_a").get(entry_url(group_a))
    body = response.content.decode()
    assert own.head_name in body
    assert "Phạm Thị Hai" not in body
    assert "autofocus" in body  # the cursor starts in the entry row


def test_htmx_add_returns_the_new_row_and_a_fresh_focused_entry_row(signed_in, group_a, clerk_a):
    response = (client := signed_in("clerk_a")).post(entry_url(group_a), row(client), **HTMX)
    assert response.status_code == 200
    household = Household.objects.get()
    assert (household.group, household.ward_id, household.member_count) == (
        group_a,
        group_a.ward_id,
        4,
    )
    body = response.content.decode()
    assert 'hx-swap-oob="beforeend:#household-rows"' in body
    assert f'id="household-{household.pk}"' in body
    form = response.context["form"]
    assert not form.is_bound and form.fields["code"].widget.attrs.get("autofocus")
    assert 'value="HK-001"' not in body  # the entry row is empty again
    # Written through household_create: the history names the clerk and the service.
    event = Household.pgh_event_model.objects.get(pgh_obj_id=household.pk)
    assert event.pgh_context.metadata["service"] == "household_create"
    assert event.pgh_context.metadata["user"] == clerk_a.pk


def test_a_plain_form_post_redirects_back_to_the_page(signed_in, group_a):
    response = (client := signed_in("officer_a")).post(entry_url(group_a), row(client))
    assert response.status_code == 302
    assert response["Location"] == entry_url(group_a)
    assert Household.objects.filter(group=group_a).count() == 1


def test_three_households_in_a_row(signed_in, group_a):
    client = signed_in("clerk_a")
    for n in range(1, 4):
        data = row(client, code=f"HK-{n:03d}", head_name=f"Chủ hộ {n}")
        assert client.post(entry_url(group_a), data, **HTMX).status_code == 200
    assert list(Household.objects.order_by("code").values_list("code", flat=True)) == [
        "HK-001",
        "HK-002",
        "HK-003",
    ]


BAD_INPUT = [
    ("head_name", "Trần\x00Lan", "Nội dung chứa ký tự rỗng (NUL)"),
    ("member_count", "３", "Vui lòng nhập số nguyên bằng các chữ số 0–9."),
    ("member_count", "٣", "Vui lòng nhập số nguyên bằng các chữ số 0–9."),
    ("member_count", "0", "Hộ gia đình phải có ít nhất 1 nhân khẩu."),
    ("member_count", "-2", None),
    ("member_count", "99999", None),
    ("member_count", "4.5", "Vui lòng nhập số nguyên bằng các chữ số 0–9."),
    ("member_count", "", None),
    ("head_name", "Nguyễn " * 43, "tối đa 150"),
    ("code", "HK１２", None),
    ("code", "", None),
    ("address", "x" * 300, "tối đa 255"),
    ("residence", "palace", None),
    ("phone", "\u202e0905", None),
]


@pytest.mark.parametrize(("field", "value", "message"), BAD_INPUT)
def test_bad_input_is_refused_inline_in_vietnamese_and_writes_nothing(
    field, value, message, signed_in, group_a
):
    response = (client := signed_in("clerk_a")).post(
        entry_url(group_a), row(client, **{field: value}), **HTMX
    )
    assert response.status_code == 200
    assert not Household.objects.exists()
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert form.fields[field].widget.attrs.get("autofocus")  # the cursor goes to the error
    body = response.content.decode()
    assert f'id="id_{field}-errors"' in body
    assert "hx-swap-oob" not in body
    if message:
        assert message in body
    # The message is the Vietnamese one, not the English original.
    with translation.override("en"):
        english = [str(e) for e in form.errors[field]]
    assert all(text not in body for text in english if text.isascii())


def test_markup_in_a_name_is_shown_as_text(signed_in, group_a):
    name = "<img src=x onerror=alert(1)> {{7*7}}"
    response = (client := signed_in("clerk_a")).post(
        entry_url(group_a), row(client, head_name=name), **HTMX
    )
    body = response.content.decode()
    assert Household.objects.get().head_name == name
    assert "&lt;img src=x onerror=alert(1)&gt; {{7*7}}" in body
    assert "<img src=x" not in body


def test_a_duplicate_code_is_shown_beside_the_code(signed_in, group_a):
    HouseholdFactory(group=group_a, code="HK-001")
    response = (client := signed_in("clerk_a")).post(entry_url(group_a), row(client), **HTMX)
    form = response.context["form"]
    assert list(form.errors) == ["code"]
    assert "Mã hộ này đã có trong xã/phường." in response.content.decode()
    assert Household.objects.count() == 1


def test_a_plain_form_post_with_errors_shows_the_whole_page_again(signed_in, group_a):
    client = signed_in("clerk_a")
    response = client.post(entry_url(group_a), row(client, member_count="0"))
    assert response.status_code == 200
    assert "<html" in response.content.decode()
    assert response.context["form"].errors
    assert not Household.objects.exists()


@pytest.mark.parametrize("htmx", [False, True], ids=["page", "htmx-add"])
def test_the_query_count_does_not_grow_with_the_group(htmx, signed_in, group_a, count_queries):
    client = signed_in("clerk_a")

    def measure(n):
        HouseholdFactory.create_batch(n - Household.objects.count(), group=group_a)
        if htmx:
            data = row(client, code=f"NEW-{n}")
            return count_queries(lambda: client.post(entry_url(group_a), data, **HTMX))
        return count_queries(lambda: client.get(entry_url(group_a)))

    small, small_sql = measure(3)
    large, large_sql = measure(30)
    assert small.status_code == large.status_code == 200
    # session, user, group with its ward, the households (or, for an add: the service's scope
    # checks, insert and history), the next row's suggestion (the last household, the group's
    # codes under its prefix, the candidates taken in the ward: issue 17), the count.
    assert len(small_sql) == len(large_sql), "\n".join(large_sql)
    assert len(large_sql) <= 28, "\n".join(large_sql)


# One-time token (issue 15, item 6) ------------------------------------------------------------

ALREADY = "Biểu mẫu này đã được gửi; đây là bản ghi đã tạo."


def test_the_entry_row_carries_a_token_and_each_fresh_row_a_new_one(signed_in, group_a):
    client = signed_in("clerk_a")
    first = form_token(client.get(entry_url(group_a)).content.decode())
    data = {**VALID, "form_token": first}
    added = client.post(entry_url(group_a), data, **HTMX).content.decode()
    assert form_token(added) != first  # the next row is another household


def test_a_row_posted_twice_adds_one_household(signed_in, group_a):
    client = signed_in("clerk_a")
    data = {**VALID, "form_token": form_token(client.get(entry_url(group_a)).content.decode())}
    assert client.post(entry_url(group_a), data, **HTMX).status_code == 200
    again = client.post(entry_url(group_a), data, **HTMX)
    household = Household.objects.get()
    body = again.content.decode()
    assert again.status_code == 200
    assert ALREADY in body and household.code in body
    assert "hx-swap-oob" not in body  # the row is not listed a second time
    assert form_token(body) != data["form_token"]
    assert 'value="HK-001"' not in body  # a fresh entry row, not an error about the code


def test_a_plain_form_posted_twice_leads_to_the_household(signed_in, group_a):
    client = signed_in("clerk_a")
    data = row(client)
    assert client.post(entry_url(group_a), data)["Location"] == entry_url(group_a)
    again = client.post(entry_url(group_a), data, follow=True)
    household = Household.objects.get()
    detail = reverse("households:household_detail", kwargs={"pk": household.pk})
    assert again.redirect_chain == [(detail, 302)]
    assert ALREADY in again.content.decode()
    assert FormSubmission.objects.get().object_id == household.pk


@pytest.mark.parametrize("token", [None, "giả mạo", "officer"], ids=["missing", "forged", "other"])
def test_a_row_without_its_users_token_is_refused(token, signed_in, group_a, officer_a):
    client = signed_in("clerk_a")
    data = dict(VALID)
    if token == "officer":
        data["form_token"] = form_token_issue(officer_a)
    elif token is not None:
        data["form_token"] = token
    response = client.post(entry_url(group_a), data, **HTMX)
    body = response.content.decode()
    assert "Biểu mẫu này đã hết hạn hoặc không phải do bạn mở" in body
    assert not Household.objects.exists()
    assert 'value="HK-001"' in body  # what was typed stays, with a new token to save again
    assert client.post(entry_url(group_a), {**data, "form_token": form_token(body)}, **HTMX)
    assert Household.objects.count() == 1


# Field speed (issue 17, item 5) ---------------------------------------------------------------


def test_the_next_row_suggests_the_next_code_and_carries_the_address_down(signed_in, group_a):
    client = signed_in("clerk_a")
    page = client.get(entry_url(group_a)).content.decode()
    assert 'name="code"' in page and 'value="HK-' not in page  # nothing to suggest yet

    client.post(entry_url(group_a), row(client, code="BN-0040"), **HTMX)
    fresh = client.post(
        entry_url(group_a), row(client, code="BN-0009", address="7 Hẻm Chợ"), **HTMX
    ).content.decode()
    # The group's highest number under the last code's prefix, padded like it; the last
    # household's address, to be changed where the next one differs.
    assert 'value="BN-0041"' in fresh
    assert 'value="7 Hẻm Chợ"' in fresh
    assert 'value="BN-0041"' in client.get(entry_url(group_a)).content.decode()


def test_a_suggested_code_skips_codes_another_group_of_the_ward_uses(signed_in, group_a, ward_a):
    from tests.factories import ResidentialGroupFactory

    other = ResidentialGroupFactory(ward=ward_a)
    HouseholdFactory(group=other, ward=ward_a, code="T1-008")
    client = signed_in("clerk_a")
    client.post(entry_url(group_a), row(client, code="T1-007"), **HTMX)
    assert 'value="T1-009"' in client.get(entry_url(group_a)).content.decode()


def test_a_code_without_a_number_suggests_nothing(signed_in, group_a):
    client = signed_in("clerk_a")
    client.post(entry_url(group_a), row(client, code="NHA-A"), **HTMX)
    page = client.get(entry_url(group_a)).content.decode()
    assert 'value="NHA-A"' not in page


def test_the_entry_row_sits_above_the_list_with_phone_keypads(signed_in, group_a):
    client = signed_in("clerk_a")
    HouseholdFactory(group=group_a, ward=group_a.ward)
    page = client.get(entry_url(group_a)).content.decode()
    assert page.index('id="fast-entry"') < page.index('id="household-table"')
    assert 'name="member_count"' in page and 'inputmode="numeric"' in page
    assert 'type="tel"' in page and 'inputmode="tel"' in page
