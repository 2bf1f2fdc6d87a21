"""GET /api/v1/stats/ at the country's size (issue 18, item 5): a breakdown in pages and in the
compact shape gives the figures of the whole answer; small cells stay hidden on every page; a
repeated request costs one query, authenticated by token."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from reports.api import views
from reports.statistics import rollup
from reports.statistics.selectors import breakdown_rows, breakdown_table
from tests.factories import (
    HouseholdFactory,
    IncidentFactory,
    ResidentialGroupFactory,
    WardFactory,
)
from wardsecurity.api.authentication import token_issue

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"
YEAR = {"period": "year:2023"}


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def wards(province, ward_a, ward_b):
    """Seven wards of one province with incidents this year and last (different counts)."""
    extra = [WardFactory(code=f"92{i:03d}", province=province) for i in range(1, 6)]
    every = [ward_a, ward_b, *extra]
    for n, ward in enumerate(every):
        for i in range(n + 1):
            IncidentFactory(ward=ward, occurred_at=at(dt.date(2023, 3, 1 + i)))
        for i in range(n % 3):
            IncidentFactory(ward=ward, occurred_at=at(dt.date(2022, 5, 1 + i)))
    rollup.process_dirty()
    return every


def client_of(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def pages(client, params, size):
    """Every page of a breakdown: the answers, in order."""
    answers, number = [], 1
    while True:
        response = client.get(URL, {**params, "page": number, "page_size": size})
        assert response.status_code == 200, response.content
        body = response.json()
        answers.append(body)
        if number >= body["page"]["pages"]:
            return answers
        number += 1


def test_pages_of_by_ward_give_the_whole_answer(viewer_province, province, wards):
    client = client_of(viewer_province)
    params = {"scope": f"province:{province.code}", "by": "ward", **YEAR}
    whole = client.get(URL, params).json()
    assert "page" not in whole  # the nested, unpaged answer as before
    assert len(whole["breakdown"]) == 7
    answers = pages(client, params, 3)
    assert [body["page"] for body in answers] == [
        {"number": n, "size": 3, "count": 7, "pages": 3} for n in (1, 2, 3)
    ]
    assert [len(body["breakdown"]) for body in answers] == [3, 3, 1]
    assert [row for body in answers for row in body["breakdown"]] == whole["breakdown"]
    for body in answers:  # the scope's figures on every page are the whole scope's
        assert body["metrics"] == whole["metrics"]
        assert body["scope"] == whole["scope"]
    assert whole["metrics"]["incidents"]["value"] == sum(range(1, 8))


def test_the_compact_shape_gives_the_same_figures(viewer_province, province, wards):
    client = client_of(viewer_province)
    params = {"scope": f"province:{province.code}", "by": "ward", **YEAR}
    whole = client.get(URL, params)
    compact = client.get(URL, {**params, "shape": "compact"})
    assert compact.status_code == 200, compact.content
    body = compact.json()
    assert "breakdown" not in body
    assert breakdown_rows(body["table"]) == whole.json()["breakdown"]
    assert body["metrics"] == whole.json()["metrics"]
    # Each metric key and field once, not once a ward.
    assert len(compact.content) < len(whole.content) / 2
    column = body["table"]["metrics"]["incidents"]["value"]
    assert column == [row["metrics"]["incidents"]["value"] for row in whole.json()["breakdown"]]
    # Paged and compact: the pages' columns put end to end are the whole table.
    answers = pages(client, {**params, "shape": "compact"}, 2)
    rows = [row for answer in answers for row in breakdown_rows(answer["table"])]
    assert rows == whole.json()["breakdown"]


def test_a_compact_table_reads_back_every_kind_of_entry():
    """Ratios keep numerator and denominator; no_previous and no_value only where they were."""
    nested = [
        {
            "group": {"id": 1, "name": "Tổ 1"},
            "metrics": {
                "incidents": {"value": 2, "previous": None, "change": None, "change_pct": None,
                              "no_previous": "no_data"},
                "rate": {"value": 50.0, "previous": 25.0, "change": 25.0, "change_pct": 100.0,
                         "numerator": 1, "denominator": 2},
            },
        },
        {
            "group": {"id": None, "name": "Không thuộc tổ"},
            "metrics": {
                "incidents": {"value": None, "previous": None, "change": None,
                              "change_pct": None, "no_previous": "suppressed",
                              "no_value": "suppressed"},
                "rate": {"value": None, "previous": None, "change": None, "change_pct": None,
                         "no_previous": "undefined", "numerator": 0, "denominator": 0},
            },
        },
    ]  # fmt: skip
    table = breakdown_table(nested)
    assert table["rows"] == [{"group": {"id": 1, "name": "Tổ 1"}},
                             {"group": {"id": None, "name": "Không thuộc tổ"}}]  # fmt: skip
    assert table["metrics"]["incidents"]["no_value"] == [None, "suppressed"]
    assert "numerator" not in table["metrics"]["incidents"]
    assert breakdown_rows(table) == nested


def test_small_cells_stay_hidden_on_every_page(clerk_a, ward_a):
    """A clerk's by=group in pages hides exactly the cells the whole answer hides."""
    groups = [ResidentialGroupFactory(ward=ward_a, name=f"Tổ {n}") for n in range(1, 6)]
    for group, count in zip(groups, (1, 4, 5, 0, 6), strict=True):
        for i in range(count):
            IncidentFactory(ward=ward_a, group=group, occurred_at=at(dt.date(2023, 4, 1 + i)))
    HouseholdFactory(group=groups[0], ward=ward_a)
    rollup.process_dirty()
    client = client_of(clerk_a)
    params = {"by": "group", "metrics": "incidents", **YEAR}
    whole = client.get(URL, params).json()["breakdown"]
    hidden = [row["group"]["name"] for row in whole if "no_value" in row["metrics"]["incidents"]]
    assert "Tổ 1" in hidden and len(hidden) == 2  # the small cell and one beside it
    for size in (1, 2, 4):
        rows = [row for body in pages(client, params, size) for row in body["breakdown"]]
        assert rows == whole
    table = client.get(URL, {**params, "shape": "compact", "page_size": 2}).json()["table"]
    assert breakdown_rows(table) == whole[:2]


def test_the_whole_breakdown_of_too_many_wards_asks_for_pages(
    viewer_province, province, wards, monkeypatch
):
    monkeypatch.setattr(views, "PAGE_SIZE_MAX", 5)
    client = client_of(viewer_province)
    params = {"scope": f"province:{province.code}", "by": "ward", **YEAR}
    response = client.get(URL, params)
    assert response.status_code == 400
    assert "page=1" in response.json()["fields"]["page"][0]
    assert client.get(URL, {**params, "page": 2, "page_size": 5}).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"by": "ward", "page": 3, "page_size": 5}, "page"),  # 7 wards: 2 pages
        ({"by": "ward", "page": 0}, "page"),
        ({"by": "ward", "page_size": 501}, "page_size"),
        ({"by": "ward", "page_size": 0}, "page_size"),
        ({"by": "ward", "shape": "wide"}, "shape"),
        ({"page": 1}, "page"),
        ({"shape": "compact"}, "shape"),
    ],
)
def test_bad_pages_are_400(viewer_province, province, wards, params, field):
    response = client_of(viewer_province).get(
        URL, {"scope": f"province:{province.code}", **YEAR, **params}
    )
    assert response.status_code == 400
    assert field in response.json()["fields"]


def test_the_default_shape_is_accepted_without_a_breakdown(viewer_province, province, wards):
    """What a generated client sends with every question (the declared default)."""
    response = client_of(viewer_province).get(
        URL, {"scope": f"province:{province.code}", "shape": "nested", **YEAR}
    )
    assert response.status_code == 200, response.content
    assert "breakdown" not in response.json() and "table" not in response.json()


def test_a_page_reads_the_same_number_of_queries_whatever_its_size(
    viewer_province, province, wards
):
    """Scope (2), rollup state (1), the page's wards and their count (2), the scope's totals
    and first days (2), the page's totals and first days (2)."""
    client = client_of(viewer_province)
    counts = []
    for size in (1, 7):
        params = {"scope": f"province:{province.code}", "by": "ward", **YEAR, "page_size": size}
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 10


def test_a_repeated_request_by_token_costs_one_query(viewer_all, wards):
    """Authentication from the token cache, the rollup's state once, the rendered bytes."""
    raw, _token = token_issue(user=viewer_all)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    params = {"scope": "all", "by": "ward", "page": 1, "page_size": 3, "shape": "compact", **YEAR}
    first = client.get(URL, params)
    assert first.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        second = client.get(URL, params)
    assert second.status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "reports_rollupstate" in queries[0]["sql"]
    assert second.content == first.content
    assert second["Content-Type"] == "application/json"


def test_as_of_is_fresh_in_a_cached_answer(officer_a, ward_a, wards):
    params = {"scope": f"ward:{ward_a.code}", "by": "month", "metrics": "incidents", **YEAR}
    client = client_of(officer_a)
    before = client.get(URL, params).json()
    IncidentFactory(ward=ward_a, occurred_at=at(dt.date(2023, 6, 1)))  # waits in the outbox
    waiting = client.get(URL, params).json()
    assert waiting["breakdown"] == before["breakdown"]  # from the cache: not processed yet
    assert dt.datetime.fromisoformat(waiting["as_of"]) == rollup.pending().created_at
