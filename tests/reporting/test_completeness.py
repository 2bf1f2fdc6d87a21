"""Completeness and timeliness (issue 13, item 5): the states, the rates, the deadline edge,
who may see it, the missing wards' contacts, the year table and its query counts."""

import datetime as dt
import random
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.completeness import completeness, completeness_rates, year_table
from reporting.models import reporting_period
from reports.statistics.selectors import Scope
from tests.factories import ProvinceFactory, UserFactory, WardClusterFactory, WardFactory
from tests.reporting.completeness_helpers import local, make_report, reviewer
from wardsecurity.models import User

API = "/api/v1/reporting/completeness/"
YEAR_API = "/api/v1/reporting/completeness/year/"
PAGE = "/reporting/"
AUGUST = "month:2025-08"  # reporting calendar: 15/07/2025 – 14/08/2025, due 17/08/2025
DUE = dt.date(2025, 8, 17)


@pytest.fixture
def reviewer_province(province):
    return reviewer(province=province, username="reviewer_province")


@pytest.fixture
def reviewer_city(cluster_a):
    return reviewer(cluster=cluster_a, username="reviewer_city")


def pct(part, whole):
    value = Decimal(part) * 100 / Decimal(whole)
    return float(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def test_the_deadline_is_the_schedule_s_days_after_the_period(ward_a, officer_a):
    report = make_report(ward_a, AUGUST, "draft", by=officer_a)
    assert (report.period_start, report.period_end, report.due_on) == (
        dt.date(2025, 7, 15),
        dt.date(2025, 8, 14),
        DUE,
    )


def test_the_deadline_edge_is_the_local_date(
    client, province, ward_a, ward_b, officer_a, officer_b, reviewer_province
):
    """23:59 in Vietnam on the due date is on time; 00:01 the next day is late — though in UTC
    it is still the due date (17:01 UTC on 17/08)."""
    make_report(
        ward_a, AUGUST, "submitted", by=officer_a, first_submitted_at=local(2025, 8, 17, 23, 59)
    )
    late = local(2025, 8, 18, 0, 1)
    assert late.astimezone(dt.UTC).date() == DUE
    make_report(ward_b, AUGUST, "submitted", by=officer_b, first_submitted_at=late)
    client.force_login(reviewer_province)
    body = client.get(API, {"scope": "province:91", "period": AUGUST}).json()
    on_time = {row["ward"]["code"]: row["on_time"] for row in body["wards"]}
    assert on_time == {"91001": True, "91002": False}
    assert body["rates"]["counts"]["on_time"] == 1
    assert body["rates"]["counts"]["late"] == 1
    assert body["rates"]["on_time_pct"] == 50.0
    assert body["rates"]["submitted_pct"] == 100.0


def test_a_resubmission_after_a_return_keeps_the_first_date(ward_a, officer_a, reviewer_province):
    report = make_report(
        ward_a, AUGUST, "submitted", by=officer_a, first_submitted_at=local(2025, 8, 16)
    )
    report.submitted_at = local(2025, 8, 25)  # sent again after a return, after the deadline
    report.save()
    found = completeness(user=reviewer_province, scope="province:91", period=AUGUST)
    assert [row.on_time for row in found.wards if row.code == "91001"] == [True]


@pytest.mark.parametrize("seed", [1, 7, 2025])
def test_rates_and_states_on_generated_data(client, province, seed):
    """Random wards in random states, each first sent on time or late: the API's states and
    rates are those counted here by hand, and the aggregate agrees with the rows."""
    rng = random.Random(seed)
    # The officer's own ward lies in another province, whatever the factories' sequences are.
    elsewhere = WardFactory(code="80999", province=ProvinceFactory(code="80"))
    officer = UserFactory(username="officer_gen", role=User.Role.WARD_POLICE, scope_ward=elsewhere)
    viewer = UserFactory(
        username="viewer_gen",
        role=User.Role.STEERING_VIEWER,
        scope_kind=User.ScopeKind.PROVINCE,
        scope_ward=None,
        scope_province=province,
    )
    expected = {}
    for index in range(rng.randint(5, 25)):
        ward = WardFactory(code=f"91{index + 100:03d}", province=province)
        state = rng.choice(["not_started", "draft", "submitted", "returned", "accepted"])
        on_time = None
        if state not in ("not_started", "draft"):
            on_time = rng.random() < 0.6
            first = local(2025, 8, 17, 23, 59) if on_time else local(2025, 8, 18, 0, 1)
            make_report(ward, AUGUST, state, by=officer, first_submitted_at=first)
        elif state == "draft":
            make_report(ward, AUGUST, state, by=officer)
        # a report of another period never counts for this one
        if rng.random() < 0.5:
            make_report(ward, "month:2025-07", "accepted", by=officer)
        expected[ward.code] = (state, on_time)
    client.force_login(viewer)
    body = client.get(API, {"scope": "province:91", "period": AUGUST}).json()
    got = {row["ward"]["code"]: (row["state"], row["on_time"]) for row in body["wards"]}
    assert got == expected
    wards = len(expected)
    states = [state for state, _on_time in expected.values()]
    submitted = sum(state in ("submitted", "accepted") for state in states)
    rates = body["rates"]
    assert rates["wards"] == wards
    assert rates["submitted_pct"] == pct(submitted, wards)
    assert rates["on_time_pct"] == pct(sum(o is True for _s, o in expected.values()), wards)
    assert rates["accepted_pct"] == pct(states.count("accepted"), wards)
    assert rates["counts"]["not_started"] == states.count("not_started")
    assert rates["counts"]["returned"] == states.count("returned")
    assert rates["counts"]["missing"] == wards - submitted
    assert sorted(row["ward"]["code"] for row in body["missing"]) == sorted(
        code for code, (state, _o) in expected.items() if state not in ("submitted", "accepted")
    )
    # the year table's August column counts the same
    table = client.get(YEAR_API, {"scope": "province:91", "year": 2025}).json()
    august = table["months"][7]
    assert august["spec"] == AUGUST
    assert {k: august[k] for k in ("submitted_pct", "on_time_pct", "accepted_pct")} == {
        k: rates[k] for k in ("submitted_pct", "on_time_pct", "accepted_pct")
    }
    cells = {row["ward"]["code"]: row["cells"][7] for row in table["wards"]}
    assert {code: (c["state"], c["on_time"]) for code, c in cells.items()} == expected


def test_an_empty_scope_has_no_rate(db, province):
    rates = completeness_rates(
        scope=Scope("cluster", [], id=0, name="—"), period=reporting_period(AUGUST)
    )
    assert (rates.wards, rates.submitted_pct, rates.on_time_pct) == (0, None, None)


def test_the_missing_wards_list_their_police_contacts(
    client, ward_a, ward_b, officer_a, officer_b, clerk_a, reviewer_province
):
    officer_a.first_name, officer_a.last_name, officer_a.email = "An", "Nguyễn Văn", "an@congan.vn"
    officer_a.save()
    UserFactory(
        username="old_officer",
        role=User.Role.WARD_POLICE,
        scope_ward=ward_a,
        is_active=False,
        email="old@congan.vn",
    )
    make_report(ward_b, AUGUST, "accepted", by=officer_b)
    client.force_login(reviewer_province)
    body = client.get(API, {"scope": "province:91", "period": AUGUST}).json()
    assert [row["ward"]["code"] for row in body["missing"]] == ["91001"]
    assert body["missing"][0]["contacts"] == [{"name": "Nguyễn Văn An", "email": "an@congan.vn"}]
    assert body["missing"][0]["overdue"] is True
    page = client.get(PAGE, {"scope": "province:91", "period": AUGUST}).content.decode()
    assert "Nguyễn Văn An" in page and "an@congan.vn" in page
    assert "old@congan.vn" not in page  # an inactive account is nobody's contact


def test_the_page_shows_every_ward_s_state_in_vietnamese(
    client, ward_a, ward_b, officer_a, reviewer_province
):
    make_report(ward_a, AUGUST, "returned", by=officer_a)
    client.force_login(reviewer_province)
    response = client.get(PAGE, {"scope": "province:91", "period": AUGUST})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Tình hình gửi báo cáo" in page
    assert "Tỷ lệ" in page and "Đúng hạn" in page
    assert "Bị trả lại" in page  # returned
    assert "Chưa bắt đầu" in page  # not started


# Who may see it ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "scope", "status"),
    [
        ("officer_a", "ward:91001", 403),
        ("clerk_a", "ward:91001", 403),
        ("officer_a", "province:91", 403),
        ("viewer_province", "province:91", 200),
        ("viewer_province", "province:92", 404),
        ("viewer_city", "province:91", 404),
        ("reviewer_province", "province:91", 200),
        ("reviewer_province", "all", 200),
        ("reviewer_province", "cluster:{cluster}", 404),  # ward C is in another province
        ("reviewer_city", "cluster:{cluster}", 200),
        ("reviewer_city", "province:91", 404),
        ("admin_user", "province:92", 200),
    ],
)
def test_role_and_scope(client, request, cluster_a, ward_b, persona, scope, status):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    scope = scope.format(cluster=cluster_a.pk)
    params = {"scope": scope, "period": AUGUST}
    assert client.get(API, params).status_code == status
    assert client.get(YEAR_API, {"scope": scope, "year": 2025}).status_code == status
    assert client.get(PAGE, params).status_code == status


def test_signed_out_callers_are_refused(client, province):
    assert client.get(API, {"scope": "province:91", "period": AUGUST}).status_code in (401, 403)
    response = client.get(PAGE)
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"period": "month:2025-13"}, "period", "Tháng phải từ 1 đến 12."),
        ({"period": "ytd:2025-08-01"}, "period", ""),
        ({"period": "range:2025-01-01..2025-02-01"}, "period", ""),
        ({"scope": "province:9x", "period": AUGUST}, "scope", ""),
        ({"scope": "bogus", "period": AUGUST}, "scope", ""),
    ],
)
def test_bad_input_is_a_400_naming_the_field(client, viewer_province, params, field, message):
    client.force_login(viewer_province)
    response = client.get(API, params)
    assert response.status_code == 400
    assert field in response.json()["fields"]
    assert message in " ".join(response.json()["fields"][field])


def test_a_repeated_parameter_and_a_bad_year_are_refused(client, viewer_province):
    client.force_login(viewer_province)
    assert client.get(API + "?period=month:2025-08&period=month:2025-07").status_code == 400
    assert client.get(YEAR_API, {"year": "20x5"}).status_code == 400
    assert client.get(YEAR_API, {"year": "1999"}).status_code == 400
    assert client.get(PAGE, {"period": "bogus"}).status_code == 400


# The year table ---------------------------------------------------------------------------------


def test_the_year_table_colours_each_month(
    client, ward_a, ward_b, officer_a, officer_b, reviewer_province
):
    make_report(ward_a, "month:2025-01", "accepted", by=officer_a)
    make_report(
        ward_a, "month:2025-02", "submitted", by=officer_a, first_submitted_at=local(2025, 2, 20)
    )
    make_report(ward_b, "month:2025-03", "draft", by=officer_b)
    make_report(ward_a, "quarter:2025-Q1", "accepted", by=officer_a)  # not a monthly report
    table = year_table(
        user=reviewer_province, scope="province:91", year=2025, today=dt.date(2025, 3, 20)
    )
    rows = {ward["code"]: [cell.as_dict() for cell in cells] for ward, cells in table.rows}
    assert rows["91001"][0] == {"state": "accepted", "on_time": True, "overdue": False}
    # February's report was due on 17/02 and first sent on the 20th
    assert rows["91001"][1] == {"state": "submitted", "on_time": False, "overdue": False}
    assert rows["91002"][2] == {"state": "draft", "on_time": None, "overdue": True}
    assert rows["91002"][0]["overdue"] is True  # January: due 17/01, never sent
    assert rows["91001"][3] == {"state": "not_started", "on_time": None, "overdue": False}
    client.force_login(reviewer_province)
    page = client.get(PAGE, {"scope": "province:91", "period": AUGUST, "year": 2025})
    assert page.status_code == 200
    assert 'class="state accepted"' in page.content.decode()


def queries_for(client, user, url, params):
    client.force_login(user)
    client.get(url, params)  # warm the session
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [API, YEAR_API, PAGE])
def test_the_cost_does_not_grow_with_the_wards(client, province, admin_user, url):
    """No query per ward or per cell: a cluster of 2 wards costs what a cluster of 20 does."""
    officer = UserFactory(username="officer_q", role=User.Role.WARD_POLICE)
    small = WardClusterFactory(
        name="Cụm nhỏ", wards=[WardFactory(code=f"9150{i}", province=province) for i in range(2)]
    )
    large = WardClusterFactory(
        name="Cụm lớn",
        wards=[WardFactory(code=f"916{i:02d}", province=province) for i in range(20)],
    )
    states = ["draft", "submitted", "returned", "accepted"]
    for index, ward in enumerate(large.wards.all()):
        UserFactory(username=f"police_{ward.code}", role=User.Role.WARD_POLICE, scope_ward=ward)
        for month in range(1, 9):
            if (index + month) % 5:
                make_report(
                    ward, f"month:2025-{month:02d}", states[(index + month) % 4], by=officer
                )
    params = {"period": AUGUST, "year": 2025}
    few = queries_for(client, admin_user, url, {**params, "scope": f"cluster:{small.pk}"})
    many = queries_for(client, admin_user, url, {**params, "scope": f"cluster:{large.pk}"})
    assert few == many
    assert many <= {API: 11, YEAR_API: 9, PAGE: 20}[url]


def test_the_api_s_queries_are_counted(
    client, province, ward_a, ward_b, officer_a, reviewer_province, django_assert_max_num_queries
):
    make_report(ward_a, AUGUST, "accepted", by=officer_a)
    client.force_login(reviewer_province)
    client.get(API, {"scope": "province:91", "period": AUGUST})
    # session, user, the scope (3), the schedule (2), the rows, the contacts, the aggregate (2)
    with django_assert_max_num_queries(11):
        assert client.get(API, {"scope": "province:91", "period": AUGUST}).status_code == 200


# The steering dashboard -------------------------------------------------------------------------


def test_the_dashboard_shows_the_latest_month_s_rates_to_readers(
    client, ward_a, ward_b, officer_a, viewer_province
):
    from reporting.completeness import default_period

    period = default_period()
    make_report(
        ward_a,
        period.spec,
        "accepted",
        by=officer_a,
        first_submitted_at=local(period.end.year, period.end.month, period.end.day, 10),
    )
    client.force_login(viewer_province)
    page = client.get(
        "/dashboard/", {"scope": "province:91", "period": "year:2025"}
    ).content.decode()
    assert 'id="completeness-heading"' in page
    assert 'data-rate="accepted">50' in page
    assert "/reporting/?scope=province%3A91" in page


def test_the_dashboard_has_no_tile_for_a_ward_s_staff(client, officer_a):
    client.force_login(officer_a)
    page = client.get("/dashboard/", {"period": "year:2025"}).content.decode()
    assert 'id="completeness-heading"' not in page


def test_the_page_shows_100_wards_a_page(client, province, admin_user):
    """A national page would hold thousands of rows: every ward list is cut in pages of 100."""
    from households.models import Ward

    Ward.objects.bulk_create(
        Ward(code=f"91{n:03d}", province=province, name=f"Phường {n:03d}", kind="phuong")
        for n in range(100, 205)
    )
    client.force_login(admin_user)
    first = client.get(PAGE, {"scope": "province:91", "period": AUGUST}).content.decode()
    second = client.get(PAGE, {"scope": "province:91", "period": AUGUST, "page": 2})
    assert "Phường 199" in first and "Phường 200" not in first
    assert "Phường 200" in second.content.decode() and "Phường 199" not in second.content.decode()
    assert "Trang 2/2" in second.content.decode()


def test_the_menu_offers_the_page_to_readers_only(client, officer_a, reviewer_province):
    client.force_login(reviewer_province)
    assert (
        'href="/reporting/"' in client.get("/dashboard/", {"period": "year:2025"}).content.decode()
    )
    client.force_login(officer_a)
    assert 'href="/reporting/"' not in client.get("/").content.decode()
