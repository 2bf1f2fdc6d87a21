"""GET /api/v1/stats/ (SPEC §8): scopes, periods, breakdowns, bad parameters, scope and sign-in."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from reports.statistics import rollup
from tests.factories import (
    CameraFactory,
    HouseholdFactory,
    IncidentFactory,
    ResidentialGroupFactory,
    WardClusterFactory,
    WardFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def records(ward_a, ward_b, ward_c):
    """Incidents in August 2023 and 2022, cameras, households in two groups of ward A."""
    for ward, count in ((ward_a, 3), (ward_b, 2), (ward_c, 1)):
        for i in range(count):
            IncidentFactory(ward=ward, occurred_at=at(dt.date(2023, 8, 1 + i)))
        IncidentFactory(ward=ward, occurred_at=at(dt.date(2022, 8, 3)))
    # 14 August is in reporting month 8, 15 August in reporting month 9.
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 8, 15)), category="economic")
    CameraFactory(ward=ward_a, installed_on=dt.date(2020, 5, 1))
    CameraFactory(
        ward=ward_a, installed_on=dt.date(2020, 5, 1), removed_on=dt.date(2023, 2, 1),
        status="removed",
    )  # fmt: skip
    north, south = (ResidentialGroupFactory(ward=ward_a, name=n) for n in ("Tổ 1", "Tổ 2"))
    for group, count in ((north, 2), (south, 1)):
        for _ in range(count):
            HouseholdFactory(group=group, ward=ward_a, member_count=4)
    rollup.process_dirty()


def get(user, **params):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client.get(URL, params)


def test_ward_scope_month_with_same_period(officer_a, records, ward_a):
    response = get(officer_a, scope=f"ward:{ward_a.code}", period="month:2023-08")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["scope"]["kind"] == "ward" and body["scope"]["code"] == ward_a.code
    assert body["period"]["start"] == "2023-08-01" and body["period"]["end"] == "2023-08-31"
    assert body["compare"]["start"] == "2022-08-01"
    assert body["metrics"]["incidents"] == {
        "value": 4, "previous": 1, "change": 3, "change_pct": 300.0,
    }  # fmt: skip
    assert body["metrics"]["incidents.economic"]["value"] == 1
    assert body["metrics"]["cameras_active"]["value"] == 1
    assert body["metrics"]["cameras_active"]["previous"] == 2
    assert body["as_of"]
    # Only what StatsSerializer declares (docs/openapi.yaml) goes out.
    assert set(body) == {"scope", "period", "compare", "as_of", "metrics"}


def test_reporting_calendar_moves_the_boundary(officer_a, records, ward_a):
    body = get(officer_a, period="month:2023-08", calendar="reporting", metrics="incidents")
    metrics = body.json()["metrics"]
    assert set(metrics) == {"incidents"}
    # 15 July – 14 August 2023: the three of 1–3 August, not the one of 15 August.
    assert metrics["incidents"]["value"] == 3


@pytest.mark.parametrize(
    ("period", "incidents"),
    [
        ("month:2023-08", 7),
        ("quarter:2023-Q3", 7),
        ("half:2023-H2", 7),
        ("year:2023", 7),
        ("months:2023:7", 0),
        ("ytd:2023-08-02", 5),
        ("range:2023-08-02..2023-08-15", 4),
    ],
)
def test_every_period_kind(viewer_all, records, period, incidents):
    body = get(viewer_all, scope="all", period=period, metrics="incidents").json()
    assert body["metrics"]["incidents"]["value"] == incidents


def test_each_scope_kind(viewer_all, viewer_province, viewer_city, records, ward_a, cluster_a):
    def incidents(user, scope):
        response = get(user, scope=scope, period="year:2023", metrics="incidents")
        assert response.status_code == 200, response.content
        return response.json()["metrics"]["incidents"]["value"], response.json()["scope"]

    assert incidents(viewer_all, "all")[0] == 7
    value, scope = incidents(viewer_province, f"province:{ward_a.province.code}")
    assert (value, scope["kind"], scope["wards"]) == (6, "province", 2)
    value, scope = incidents(viewer_city, f"cluster:{cluster_a.pk}")
    assert (value, scope["kind"], scope["name"]) == (5, "cluster", cluster_a.name)
    assert incidents(viewer_all, f"ward:{ward_a.code}")[0] == 4


def test_a_ward_user_asking_for_all_gets_their_ward(clerk_a, records, ward_a):
    body = get(clerk_a, scope="all", period="year:2023", metrics="incidents").json()
    assert body["scope"]["code"] == ward_a.code
    # Clerks see no incident record, but the counts are statistics for every role (SPEC §7).
    assert body["metrics"]["incidents"]["value"] == 4


@pytest.mark.parametrize(
    "scope_of",
    [
        lambda w: f"ward:{w['b'].code}",
        lambda w: f"province:{w['c'].province.code}",
        lambda w: f"province:{w['a'].province.code}",  # only partly in scope
        lambda w: "ward:99999",
        lambda w: "cluster:999999999",
    ],
)
def test_other_scope_is_404(officer_a, ward_a, ward_b, ward_c, scope_of):
    scope = scope_of({"a": ward_a, "b": ward_b, "c": ward_c})
    assert get(officer_a, scope=scope, period="year:2023").status_code == 404


def test_cluster_outside_scope_is_404(viewer_city, ward_b):
    other = WardClusterFactory(name="Cụm khác", wards=[ward_b])
    assert get(viewer_city, scope=f"cluster:{other.pk}").status_code == 404


def test_anonymous_is_401():
    assert get(None, period="year:2023").status_code in {401, 403}
    assert get(None, period="year:2023").status_code == 401


@pytest.mark.parametrize(
    "params",
    [
        {"period": "month:2023-13"},
        {"period": "year:2023 "},
        {"period": "year:2023\n"},
        {"scope": "all\n"},
        {"period": "week:2023-01"},
        {"period": "range:2023-05-01..2023-04-01"},
        {"calendar": "lunar"},
        {"compare": "last_year"},
        {"metrics": "incidents,unknown_metric"},
        {"metrics": ""},
        {"by": "province"},
        {"by": "group"},  # a group breakdown needs a one-ward scope
        {"scope": "ward:1"},
        {"scope": "village:1"},
        {"colour": "red"},
    ],
)
def test_bad_parameters_are_400_in_vietnamese(viewer_all, params):
    response = get(viewer_all, **params)
    assert response.status_code == 400, response.content
    body = response.json()
    assert body, "a field message"
    text = str(body)
    assert any(ch in text for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), text


def test_repeated_parameter_is_400(viewer_all):
    response = APIClient()
    response.force_authenticate(viewer_all)
    assert response.get(f"{URL}?period=year:2023&period=year:2022").status_code == 400


def test_by_ward(viewer_province, records, ward_a, ward_b):
    body = get(
        viewer_province, scope=f"province:{ward_a.province.code}", period="year:2023", by="ward",
        metrics="incidents,cameras_active",
    ).json()  # fmt: skip
    rows = {row["ward"]["code"]: row["metrics"] for row in body["breakdown"]}
    assert set(rows) == {ward_a.code, ward_b.code}
    assert rows[ward_a.code]["incidents"]["value"] == 4
    assert rows[ward_b.code]["incidents"] == {
        "value": 2, "previous": 1, "change": 1, "change_pct": 100.0,
    }  # fmt: skip
    assert rows[ward_b.code]["cameras_active"]["value"] == 0


def test_by_group(officer_a, records, ward_a):
    body = get(officer_a, period="year:2023", by="group", metrics="households,residents").json()
    rows = {row["group"]["name"]: row["metrics"] for row in body["breakdown"]}
    # The households were entered today: counted as of today's year, not 2023.
    assert rows["Tổ 1"]["households"]["value"] == 0
    today = timezone.localdate()
    body = get(officer_a, period=f"year:{today.year}", by="group", metrics="households,residents")
    rows = {row["group"]["name"]: row["metrics"] for row in body.json()["breakdown"]}
    assert rows["Tổ 1"]["households"]["value"] == 2
    assert rows["Tổ 2"]["residents"]["value"] == 4
    assert body.json()["metrics"]["households"]["value"] == 3


def test_by_month(viewer_all, records):
    body = get(viewer_all, period="quarter:2023-Q3", by="month", metrics="incidents").json()
    months = [(row["period"]["spec"], row["metrics"]["incidents"]) for row in body["breakdown"]]
    assert [spec for spec, _ in months] == ["month:2023-07", "month:2023-08", "month:2023-09"]
    assert months[1][1] == {"value": 7, "previous": 3, "change": 4, "change_pct": 133.3}
    assert months[0][1]["value"] == 0


def test_a_clipped_month_compares_with_the_same_days_a_year_earlier(viewer_all, records, ward_a):
    """A year to 2 August 2023: its August is 1–2 August, compared with 1–2 August 2022 (one
    incident), not all of August 2022 (four): the months' figures a year earlier add up to the
    period's."""
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2022, 8, 1)))
    rollup.process_dirty()
    body = get(viewer_all, period="ytd:2023-08-02", by="month", metrics="incidents").json()
    august = body["breakdown"][-1]
    assert august["period"]["spec"] == "month:2023-08"
    assert (august["period"]["start"], august["period"]["end"]) == ("2023-08-01", "2023-08-02")
    assert august["metrics"]["incidents"] == {
        "value": 5, "previous": 1, "change": 4, "change_pct": 400.0,
    }  # fmt: skip
    previous = [row["metrics"]["incidents"]["previous"] for row in body["breakdown"]]
    assert sum(previous) == body["metrics"]["incidents"]["previous"] == 1


def test_compare_none(viewer_all, records):
    body = get(viewer_all, period="year:2023", compare="none", metrics="incidents").json()
    assert body["compare"] is None
    assert body["metrics"]["incidents"]["previous"] is None


def test_english_labels_of_the_period(viewer_all):
    client = APIClient()
    client.force_authenticate(viewer_all)
    body = client.get(URL, {"period": "months:2023:8"}, HTTP_ACCEPT_LANGUAGE="vi").json()
    assert body["period"]["label"] == "8 tháng đầu năm 2023"


def stats_queries(user, scope):
    client = APIClient()
    client.force_authenticate(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"scope": scope, "period": "year:2023", "by": "ward"})
    assert response.status_code == 200, response.content
    return len(queries), len(response.json()["breakdown"])


def test_query_count_does_not_depend_on_the_number_of_wards(viewer_province, province):
    """Queries: the scope (wards visible, wards of the province), the rollup state and the
    totals, the ward names of the breakdown; the same for 2 wards as for 20."""
    wards = [WardFactory(code=f"91{i:03d}", province=province) for i in range(1, 3)]
    for ward in wards:
        IncidentFactory(ward=ward, occurred_at=at(dt.date(2023, 3, 1)))
    rollup.process_dirty()
    few, shown = stats_queries(viewer_province, f"province:{province.code}")
    assert shown == 2
    for i in range(3, 21):
        ward = WardFactory(code=f"91{i:03d}", province=province)
        IncidentFactory(ward=ward, occurred_at=at(dt.date(2023, 3, 1)))
    rollup.process_dirty()
    many, shown = stats_queries(viewer_province, f"province:{province.code}")
    assert shown == 20
    assert few == many


# The answer cache ---------------------------------------------------------------------------


def test_a_repeated_question_is_answered_from_the_cache(viewer_all, records):
    """The second answer is the first, but costs one query (the rollup's state)."""
    params = {"scope": "all", "period": "months:2023:8", "by": "ward"}
    first = get(viewer_all, **params)
    assert first.status_code == 200
    client = APIClient()
    client.force_authenticate(viewer_all)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL, params)
    assert second.status_code == 200
    assert len(queries) == 1
    assert second.json() == first.json()


def test_a_processed_change_reaches_the_next_answer(officer_a, records, ward_a):
    params = {"scope": f"ward:{ward_a.code}", "period": "month:2023-08", "metrics": "incidents"}
    before = get(officer_a, **params).json()
    assert before["metrics"]["incidents"]["value"] == 4
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 8, 20)))
    waiting = get(officer_a, **params).json()
    # Not processed yet: the same figure, but "as of" now says the change is not in it.
    assert waiting["metrics"]["incidents"]["value"] == 4
    pending = rollup.pending()
    assert dt.datetime.fromisoformat(waiting["as_of"]) == pending.created_at
    rollup.process_dirty()
    after = get(officer_a, **params).json()
    assert after["metrics"]["incidents"]["value"] == 5


def test_a_cached_answer_is_not_given_outside_the_callers_scope(
    viewer_all, officer_a, records, ward_b
):
    params = {"scope": f"ward:{ward_b.code}", "period": "year:2023"}
    assert get(viewer_all, **params).status_code == 200
    assert get(officer_a, **params).status_code == 404


def test_a_cached_answer_follows_the_language(viewer_all, records):
    params = {"scope": "all", "period": "months:2023:8", "metrics": "incidents"}
    vietnamese = get(viewer_all, **params).json()
    client = APIClient()
    client.force_authenticate(viewer_all)
    english = client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en").json()
    assert vietnamese["period"]["label"] == "8 tháng đầu năm 2023"
    assert english["period"]["label"] != vietnamese["period"]["label"]
