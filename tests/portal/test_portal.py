"""The portal's promises one by one: sign-in and lockout, stale forms, closed periods, safe exports,
escaping, languages, history, the home pages and the periods page."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from households.models import Household
from households.services import household_update
from households.views import HOUSEHOLDS
from incidents.views import TIPS
from movement.views import OUTREACH_SESSIONS
from tests import factories as f
from tests.portal.helpers import csv_rows, exported_ids, form_data, link
from wardsecurity.models import ClosedPeriod
from wardsecurity.periods import PERIOD_CLOSED, period_close
from wardsecurity.services import STALE_MESSAGE

pytestmark = pytest.mark.django_db

XSS = "<img src=x onerror=alert(1)>"
FORMULA = '=HYPERLINK("http://example.com","bấm")'


def household(ward, **kwargs):
    return f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward), ward=ward, **kwargs)


# Signing in (G1, G9) ---------------------------------------------------------------------------


def test_a_portal_page_sends_an_anonymous_visitor_to_the_sign_in_page(client):
    response = client.get(HOUSEHOLDS.url("list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={HOUSEHOLDS.url('list')}"


def test_the_sign_in_page_is_public_and_vietnamese(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert '<html lang="vi">' in response.content.decode()
    assert "Đăng nhập" in response.content.decode()


def test_signing_in_leads_to_the_home_page(client, clerk_a):
    response = client.post(reverse("login"), {"username": "clerk_a", "password": "demo12345"})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_a_steering_viewer_lands_on_the_dashboard(client, viewer_city):
    response = client.post(reverse("login"), {"username": "viewer_city", "password": "demo12345"})
    assert response["Location"] == reverse("reports:dashboard")
    response = client.post(
        reverse("login"),
        {"username": "viewer_city", "password": "demo12345", "next": reverse("home")},
    )
    assert response["Location"] == reverse("home")  # an explicit next page still wins


def test_a_wrong_password_gives_a_vietnamese_error(client, clerk_a):
    response = client.post(reverse("login"), {"username": "clerk_a", "password": "sai"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()


def test_five_wrong_passwords_lock_the_sign_in_page_for_that_address(client, clerk_a):
    for _ in range(5):
        client.post(reverse("login"), {"username": "clerk_a", "password": "sai"})
    response = client.post(reverse("login"), {"username": "clerk_a", "password": "demo12345"})
    assert response.status_code == 403
    assert "15 phút" in response.content.decode()
    assert "_auth_user_id" not in client.session
    other = client.post(
        reverse("login"),
        {"username": "clerk_a", "password": "demo12345"},
        REMOTE_ADDR="10.0.0.9",
    )
    assert other.status_code == 302


def test_signing_out_is_a_post(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(HOUSEHOLDS.url("list")).status_code == 302


# Languages -------------------------------------------------------------------------------------


def test_the_language_switch_turns_the_portal_into_english_and_back(client, clerk_a):
    client.force_login(clerk_a)
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    assert '<html lang="vi">' in page and "Hộ gia đình" in page
    response = client.post(
        reverse("set_language"), {"language": "en", "next": HOUSEHOLDS.url("list")}
    )
    assert response.status_code == 302
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    assert '<html lang="en">' in page and "Households" in page and "Export CSV" in page
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get("/").content.decode()


# Formats ---------------------------------------------------------------------------------------


def test_dates_numbers_and_money_are_written_the_vietnamese_way(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    f.ContributionFactory(
        ward=ward_a, amount_vnd=1234567, contributed_on=dt.date(2024, 3, 5), purpose="Camera"
    )
    page = client.get(reverse("cameras:contribution_list")).content.decode()
    assert "1.234.567 ₫" in page
    assert "05/03/2024" in page


# Stale forms and closed periods (G7, G8) -------------------------------------------------------


def test_a_form_opened_before_someone_else_saved_is_refused(client, clerk_a, officer_a, ward_a):
    record = household(ward_a, address="Số 1")
    client.force_login(clerk_a)
    assert client.get(HOUSEHOLDS.url("update", record.pk)).status_code == 200
    stale = form_data(HOUSEHOLDS.form_class, record, address="Số 2 của thư ký")
    household_update(actor=officer_a, instance=record, data={"address": "Số 3 của công an"})

    response = client.post(HOUSEHOLDS.url("update", record.pk), stale)
    assert response.status_code == 400
    assert str(STALE_MESSAGE) in response.content.decode()
    record.refresh_from_db()
    assert record.address == "Số 3 của công an"


def test_deleting_from_a_stale_page_is_refused(client, clerk_a, officer_a, ward_a):
    record = household(ward_a)
    old_version = record.version
    household_update(actor=officer_a, instance=record, data={"address": "Số 9"})
    client.force_login(clerk_a)
    response = client.post(HOUSEHOLDS.url("delete", record.pk), {"version": old_version})
    assert response.status_code == 400
    assert str(STALE_MESSAGE) in response.content.decode()
    assert Household.objects.filter(pk=record.pk).exists()


def test_a_record_in_a_closed_period_cannot_be_changed_until_reopened(
    client, clerk_a, officer_a, ward_a
):
    session = f.OutreachSessionFactory(ward=ward_a, held_on=dt.date(2024, 5, 10), topic="Cũ")
    period_close(actor=officer_a, ward=ward_a, start=dt.date(2024, 5, 1), end=dt.date(2024, 5, 31))
    client.force_login(clerk_a)
    data = form_data(OUTREACH_SESSIONS.form_class, session, topic="Mới")

    response = client.post(OUTREACH_SESSIONS.url("update", session.pk), data)
    assert response.status_code == 400
    assert str(PERIOD_CLOSED) in response.content.decode()
    response = client.post(OUTREACH_SESSIONS.url("delete", session.pk), {"version": 1})
    assert response.status_code == 400
    session.refresh_from_db()
    assert session.topic == "Cũ"

    client.force_login(officer_a)
    period = ClosedPeriod.objects.get()
    response = client.post(
        reverse("periods"),
        {"ward": ward_a.pk, "action": "reopen", "period": period.pk, "reason": "Sửa số liệu"},
    )
    assert response.status_code == 302
    response = client.post(OUTREACH_SESSIONS.url("update", session.pk), data)
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.topic == "Mới"


# Input -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("members", ["１２", "٣", "1.500", "0"])
def test_bad_numbers_are_refused_with_a_clear_error(client, clerk_a, ward_a, members):
    record = household(ward_a, member_count=4)
    client.force_login(clerk_a)
    data = form_data(HOUSEHOLDS.form_class, record, member_count=members)
    response = client.post(HOUSEHOLDS.url("update", record.pk), data)
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    record.refresh_from_db()
    assert record.member_count == 4


def test_a_household_cannot_be_put_in_another_wards_group(client, clerk_a, ward_a, ward_b):
    record = household(ward_a)
    foreign = f.ResidentialGroupFactory(ward=ward_b)
    client.force_login(clerk_a)
    data = form_data(HOUSEHOLDS.form_class, record, group=foreign.pk)
    response = client.post(HOUSEHOLDS.url("update", record.pk), data)
    assert response.status_code == 400
    record.refresh_from_db()
    assert record.group.ward_id == ward_a.pk


def test_text_is_escaped_everywhere_it_is_shown(client, clerk_a, officer_a, ward_a):
    record = household(ward_a, head_name=XSS)
    household_update(actor=officer_a, instance=record, data={"address": XSS})
    client.force_login(clerk_a)
    for url in (
        HOUSEHOLDS.url("list"),
        HOUSEHOLDS.url("detail", record.pk),
        HOUSEHOLDS.url("update", record.pk),
        HOUSEHOLDS.url("delete", record.pk),
        f"{HOUSEHOLDS.url('list')}?search={XSS}",
    ):
        page = client.get(url).content.decode()
        assert XSS not in page, url
        assert "&lt;img src=x onerror=alert(1)&gt;" in page, url


# Lists -----------------------------------------------------------------------------------------


def test_search_ignores_accents_and_case(client, clerk_a, ward_a):
    found = household(ward_a, head_name="Nguyễn Thị Hoà")
    other = household(ward_a, head_name="Trần Văn Bình")
    client.force_login(clerk_a)
    page = client.get(HOUSEHOLDS.url("list"), {"search": "nguyen thi"}).content.decode()
    assert link(HOUSEHOLDS.url("detail", found.pk)) in page
    assert link(HOUSEHOLDS.url("detail", other.pk)) not in page


def test_a_long_list_is_counted_up_to_the_limit_and_said_to_be_longer_past_it(
    client, clerk_a, ward_a, settings
):
    """No page of a province's million households counts them all: past the limit the page
    says "more than" the limit (never an estimate), and its rows are still served."""
    settings.API_EXACT_COUNT_LIMIT = 3
    group = f.ResidentialGroupFactory(ward=ward_a)
    for _ in range(4):
        f.HouseholdFactory(group=group, ward=ward_a)
    client.force_login(clerk_a)
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    assert "Hơn 3 bản ghi (đang xem 1–4)" in page
    settings.API_EXACT_COUNT_LIMIT = 10
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    assert "Hơn" not in page and "4 bản ghi" in page


def test_lists_sort_by_a_column_both_ways_and_ignore_unknown_columns(client, clerk_a, ward_a):
    first = household(ward_a, code="A001")
    last = household(ward_a, code="Z999")
    client.force_login(clerk_a)
    up = client.get(HOUSEHOLDS.url("list"), {"sort": "code"}).content.decode()
    down = client.get(HOUSEHOLDS.url("list"), {"sort": "-code"}).content.decode()
    a, z = link(HOUSEHOLDS.url("detail", first.pk)), link(HOUSEHOLDS.url("detail", last.pk))
    assert up.index(a) < up.index(z)
    assert down.index(z) < down.index(a)
    assert client.get(HOUSEHOLDS.url("list"), {"sort": "phone"}).status_code == 200


def test_the_filter_panel_offers_only_the_groups_of_the_users_ward(client, clerk_a, ward_a, ward_b):
    mine = f.ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố Của Tôi")
    f.ResidentialGroupFactory(ward=ward_b, name="Tổ dân phố Nơi Khác")
    client.force_login(clerk_a)
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    assert f'<option value="{mine.pk}">Tổ dân phố Của Tôi</option>' in page
    assert "Nơi Khác" not in page


def test_an_htmx_filter_request_gets_only_the_results(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    response = client.get(
        HOUSEHOLDS.url("list"), HTTP_HX_REQUEST="true", HTTP_HX_TARGET="list-results"
    )
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="list-results"')
    assert "<html" not in page


# Exports (G14) ---------------------------------------------------------------------------------


def test_exports_cannot_carry_formulas_and_hold_only_the_scope(client, clerk_a, ward_a, ward_b):
    mine = household(ward_a, head_name=FORMULA, phone="+84901234567")
    theirs = household(ward_b, head_name="Hộ phường khác")
    client.force_login(clerk_a)

    response = client.get(HOUSEHOLDS.url("export", fmt="csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = csv_rows(client.get(HOUSEHOLDS.url("export", fmt="csv")))
    assert [int(row[0]) for row in rows[1:]] == [mine.pk]
    cells = rows[1]
    assert "'" + FORMULA in cells
    assert "'+84901234567" in cells
    assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for c in row)

    response = client.get(HOUSEHOLDS.url("export", fmt="xlsx"), {"ward": ward_b.pk})
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 1  # another ward's id filters to nothing, not to its rows
    response = client.get(HOUSEHOLDS.url("export", fmt="xlsx"), {"with_ids": "1"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [c.value for c in sheet[2]]
    assert values[0] == mine.pk
    # A workbook types every text cell as text: the formula and the phone read as entered,
    # with no apostrophe, and nothing is a formula.
    formula = next(c for c in sheet[2] if c.value == FORMULA)
    phone = next(c for c in sheet[2] if c.value == "+84901234567")
    assert formula.data_type == "s" and phone.data_type == "s"
    assert not any(str(c.value).startswith("'") for row in sheet.iter_rows() for c in row)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    assert theirs.head_name not in str([c.value for row in sheet.iter_rows() for c in row])


def test_exports_follow_the_filters(client, clerk_a, ward_a):
    group = f.ResidentialGroupFactory(ward=ward_a)
    inside = f.HouseholdFactory(group=group, ward=ward_a)
    household(ward_a)
    client.force_login(clerk_a)
    response = client.get(HOUSEHOLDS.url("export", fmt="csv"), {"group": group.pk})
    assert exported_ids(response) == {inside.pk}


def test_an_unknown_export_format_is_not_found(client, clerk_a):
    client.force_login(clerk_a)
    assert client.get(HOUSEHOLDS.url("export", fmt="pdf")).status_code == 404


# History (G6) ----------------------------------------------------------------------------------


def test_the_detail_page_shows_who_changed_what_from_what(client, clerk_a, officer_a, ward_a):
    client.force_login(clerk_a)
    record = household(ward_a, address="Số 1 Lê Lợi", member_count=3)
    data = form_data(HOUSEHOLDS.form_class, record, address="Số 2 Lê Lợi", member_count=5)
    assert client.post(HOUSEHOLDS.url("update", record.pk), data).status_code == 302
    page = client.get(HOUSEHOLDS.url("detail", record.pk)).content.decode()
    history = page[page.index('id="history"') :]
    assert str(clerk_a) in history
    assert "Số 1 Lê Lợi → Số 2 Lê Lợi" in history
    assert "3 → 5" in history
    assert "Địa chỉ" in history


# Tips: the informant stays on the police's detail page -----------------------------------------


def test_the_informant_is_shown_to_police_on_the_detail_page_only(client, officer_a, ward_a):
    tip = f.TipFactory(ward=ward_a, reporter="Người báo tin Bí Mật")
    client.force_login(officer_a)
    assert "Bí Mật" not in client.get(TIPS.url("list")).content.decode()
    assert "Bí Mật" in client.get(TIPS.url("detail", tip.pk)).content.decode()


# Navigation ------------------------------------------------------------------------------------


def test_the_menu_offers_only_what_the_role_may_open(client, clerk_a, officer_a, viewer_city):
    client.force_login(clerk_a)
    page = client.get("/").content.decode()
    assert link(HOUSEHOLDS.url("list")) in page
    assert link(TIPS.url("list")) not in page
    client.force_login(officer_a)
    assert link(TIPS.url("list")) in client.get("/").content.decode()
    client.force_login(viewer_city)
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    assert link(TIPS.url("list")) not in page
    assert link(HOUSEHOLDS.url("create")) not in page


def test_breadcrumbs_go_ward_group_record(client, clerk_a, ward_a):
    record = household(ward_a)
    client.force_login(clerk_a)
    page = client.get(HOUSEHOLDS.url("detail", record.pk)).content.decode()
    start = page.index('class="breadcrumbs"')
    crumbs = page[start : page.index("</nav>", start)]
    assert crumbs.index(ward_a.name) < crumbs.index(record.group.name) < crumbs.index(str(record))


# Home pages ------------------------------------------------------------------------------------


def test_a_ward_role_sees_this_months_to_do(client, clerk_a, ward_a):
    f.OutreachSessionFactory(ward=ward_a, held_on=timezone.localdate())
    client.force_login(clerk_a)
    response = client.get(reverse("home"))
    page = response.content.decode()
    assert response["Cache-Control"].count("no-store") == 1
    todo = page[page.index("Tháng này chưa nhập") : page.index("Đã nhập trong tháng")]
    done = page[page.index("Đã nhập trong tháng") :]
    assert link(OUTREACH_SESSIONS.url("list")) in done
    assert link(OUTREACH_SESSIONS.url("list")) not in todo
    assert link(reverse("cameras:contribution_list")) in todo
    assert link(TIPS.url("list")) not in page  # not the clerk's to do


def test_the_to_do_says_whether_last_month_is_closed(client, officer_a, ward_a):
    today = timezone.localdate()
    end = today.replace(day=1) - dt.timedelta(days=1)
    client.force_login(officer_a)
    assert "chưa khóa" in client.get(reverse("home")).content.decode()
    period_close(actor=officer_a, ward=ward_a, start=end.replace(day=1), end=end)
    page = client.get(reverse("home")).content.decode()
    assert "chưa khóa" not in page


def test_a_steering_viewer_sees_the_wards_of_the_scope_with_counts(
    client, viewer_city, ward_a, ward_b, ward_c, django_assert_max_num_queries
):
    for _ in range(3):
        household(ward_a)
    client.force_login(viewer_city)
    with django_assert_max_num_queries(5):  # session, user, count, the page of wards, savepoint
        page = client.get(reverse("home")).content.decode()
    assert ward_a.name in page and ward_c.name in page
    assert ward_b.name not in page
    row = page[page.index(ward_a.name) :]
    assert '<td data-label="Số hộ gia đình" class="num">3</td>' in row[: row.index("</tr>")]


# Periods ---------------------------------------------------------------------------------------


def test_a_police_officer_closes_a_period_and_a_clerk_may_not(client, officer_a, clerk_a, ward_a):
    data = {"ward": ward_a.pk, "action": "close", "start": "2024-01-01", "end": "2024-01-31"}
    client.force_login(clerk_a)
    assert client.get(reverse("periods")).status_code == 200
    assert client.post(reverse("periods"), data).status_code == 403
    assert not ClosedPeriod.objects.exists()
    client.force_login(officer_a)
    assert client.post(reverse("periods"), data).status_code == 302
    assert ClosedPeriod.objects.get().end == dt.date(2024, 1, 31)
    again = client.post(reverse("periods"), data)
    assert again.status_code == 400
    assert ClosedPeriod.objects.count() == 1


def test_periods_of_another_ward_are_not_found(client, officer_b, ward_a):
    client.force_login(officer_b)
    data = {"ward": ward_a.pk, "action": "close", "start": "2024-01-01", "end": "2024-01-31"}
    assert client.get(reverse("periods"), {"ward": ward_a.pk}).status_code == 404
    assert client.post(reverse("periods"), data).status_code == 404
    assert not ClosedPeriod.objects.exists()


@pytest.mark.parametrize("value", ["abc", "1.5", "١"])
def test_malformed_ids_on_the_periods_page_are_not_found(client, officer_a, ward_a, value):
    client.force_login(officer_a)
    assert client.get(reverse("periods"), {"ward": value}).status_code == 404
    data = {"ward": ward_a.pk, "action": "reopen", "period": value, "reason": "Lý do"}
    assert client.post(reverse("periods"), data).status_code == 404


def test_every_page_starts_with_a_skip_link_to_the_main_content(client, clerk_a):
    client.force_login(clerk_a)
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    body = page[page.index("<body>") :]
    assert body.index('<a class="skip-link" href="#main">') < body.index("<nav")
    assert '<main id="main"' in page
