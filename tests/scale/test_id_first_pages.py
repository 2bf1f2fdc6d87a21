"""Index-first pages (issue 18, item 3): a page's ids are read first, by a narrow subquery that a
ward's ``(ward_id, id)`` index answers, then its rows by primary key — in the same statement.

What must not change, and is compared here with the plain slice (``reads_ids_first`` switched
off): the rows of every page, their order (ties included), the last page, the pages past the
count limit, cursor pages, the answers of every API list and portal list, and their number of
queries. What must change: the SQL of a ward's page selects the ids first, and the count never
sorts.
"""

import re
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.db.models import Count, F
from django.test.utils import CaptureQueriesContext

from households.models import Household
from movement.models import Appraisal, AppraisalThreshold, GradingDeadline, SafetyRecognition
from tests import factories as f
from tests.model_builders import BUILDERS
from wardsecurity import pagination
from wardsecurity.api.pagination import CURSOR_SALT
from wardsecurity.api.urls import router
from wardsecurity.pagination import CountingPaginator, id_first_slice, reads_ids_first
from wardsecurity.portal import registry, views

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"


def plain():
    """Pages sliced as before index-first pages: the reference they are compared with."""
    return mock.patch.object(pagination, "reads_ids_first", lambda queryset: False)


@pytest.fixture
def tied(ward_a, ward_b):
    """13 households of ward A in two groups, member counts 1–3 (many ties), 2 of ward B."""
    first = f.ResidentialGroupFactory(ward=ward_a, name="Tổ 1")
    second = f.ResidentialGroupFactory(ward=ward_a, name="Tổ 2")
    made = [
        f.HouseholdFactory(group=first if n % 2 else second, member_count=1 + n % 3)
        for n in range(13)
    ]
    other = f.ResidentialGroupFactory(ward=ward_b, name="Tổ 1")
    f.HouseholdFactory.create_batch(2, group=other)
    return made


ORDERINGS = {
    "-id": ("-id",),
    "id": ("id",),
    "-pk": ("-pk",),
    "members, then -pk (ties)": (F("member_count").asc(), "-pk"),
    "members desc nulls last, then -pk": (F("member_count").desc(nulls_last=True), "-pk"),
    "group name, then id (a join)": ("group__name", "id"),
    "code, then id": ("code", "id"),
}


def pks(rows):
    return [row.pk for row in rows]


@pytest.mark.parametrize("ordering", ORDERINGS.values(), ids=ORDERINGS.keys())
@pytest.mark.parametrize("limit", [1000, 3], ids=["exact count", "past the count limit"])
def test_every_page_holds_the_rows_of_the_plain_slice_in_its_order(
    tied, ward_a, ordering, limit, settings
):
    settings.API_EXACT_COUNT_LIMIT = limit
    queryset = Household.objects.filter(ward=ward_a).select_related("ward", "group")
    queryset = queryset.order_by(*ordering)
    assert reads_ids_first(queryset)
    everything = pks(queryset)
    assert len(everything) == 13
    for per_page in (1, 4, 5, 13, 50):
        paginator = CountingPaginator(queryset, per_page)
        number, seen = 1, []
        while True:
            page = paginator.page(number)
            rows = list(page.object_list)
            start = (number - 1) * per_page
            assert pks(rows) == everything[start : start + per_page], (per_page, number)
            seen += pks(rows)
            if not page.has_next():
                break
            number += 1
        assert seen == everything  # the last page included, nothing twice


def test_the_rows_keep_the_joins_and_the_lean_rows_their_order(tied, ward_a):
    queryset = Household.objects.filter(ward=ward_a).select_related("ward", "group")
    queryset = queryset.order_by(F("member_count").asc(), "-pk")
    expected = list(queryset[3:9])
    page = id_first_slice(queryset, 3, 9)
    with CaptureQueriesContext(connection) as captured:
        rows = list(page)
        names = [(row.ward.name, row.group.name) for row in rows]
    assert len(captured) == 1  # the joins are kept: no query per row
    assert pks(rows) == pks(expected)
    assert names == [(row.ward.name, row.group.name) for row in expected]
    lean = list(page.values_list("pk", "code", named=True))
    assert pks(lean) == pks(expected)
    assert [row.code for row in lean] == [row.code for row in expected]


def test_what_is_not_a_plain_total_order_is_sliced_as_it_is(tied, ward_a):
    base = Household.objects.filter(ward=ward_a)
    for queryset in (
        base.order_by("member_count"),  # ties without the id: the ids would not say the order
        base.order_by("-id").annotate(n=Count("pk")),
        base.order_by("-id").distinct(),
        base.order_by("-id").values("pk", "code"),
        base.order_by(),
        base.filter(member_count=1).union(base.filter(member_count=2)).order_by("-id"),
    ):
        assert not reads_ids_first(queryset)
        sliced = id_first_slice(queryset, 2, 5)
        assert "IN (SELECT" not in str(sliced.query)
        assert list(sliced) == list(queryset[2:5])
    # An empty page costs no query, as before.
    with CaptureQueriesContext(connection) as captured:
        assert list(id_first_slice(base.order_by("-id"), 0, 0)) == []
    assert len(captured) == 0


def page_query(captured, table):
    (query,) = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith("SELECT")
        and f'FROM "{table}"' in q["sql"]
        and "COUNT(" not in q["sql"]
    ]
    return query


@pytest.mark.parametrize("params", [{"page": "2"}, {"cursor": ""}], ids=["page", "cursor"])
def test_the_sql_of_a_ward_page_selects_its_ids_first(client, clerk_a, tied, ward_a, params):
    client.force_login(clerk_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOUSEHOLDS, {"ward": ward_a.pk, "page_size": 4, **params})
    assert response.status_code == 200
    sql = page_query(captured, "households_household")
    # The narrow subquery: ids alone, the ward's filter, the order and the page's bounds …
    narrow = re.search(
        r'"households_household"\."id" IN \(SELECT ("\w+")\."id" AS "pk" FROM '
        r'"households_household" \1 WHERE (.*) ORDER BY (?:1|\1\."id") DESC '
        r"LIMIT (\d+)( OFFSET 4)?\)",
        sql,
    )
    assert narrow is not None, sql
    assert f'{narrow.group(1)}."ward_id" = {ward_a.pk}' in narrow.group(2)
    assert narrow.group(3) == ("5" if "cursor" in params else "4")
    assert (narrow.group(4) is not None) == ("page" in params)
    # … and the rows read by id, in the same order.
    assert re.search(r'\) ORDER BY (1|2|"households_household"\."id") DESC\Z', sql), sql
    assert len(response.json()["results"]) == 4
    if "cursor" in params:  # the next cursor page: ``id < key`` in the narrow subquery
        key = response.json()["results"][-1]["id"]
        with CaptureQueriesContext(connection) as captured:
            assert client.get(response.json()["next"]).status_code == 200
        sql = page_query(captured, "households_household")
        assert re.search(rf'IN \(SELECT "\w+"\."id" AS "pk" .*"\w+"\."id" < {key}\)', sql), sql


def test_the_count_never_sorts(client, clerk_a, tied, ward_a, settings):
    client.force_login(clerk_a)
    for limit in (1000, 3):
        settings.API_EXACT_COUNT_LIMIT = limit
        for params in ({"ward": ward_a.pk}, {"search": "nguyen"}, {"ordering": "-code"}):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(HOUSEHOLDS, params).status_code == 200
            (count,) = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
            assert "ORDER BY" not in count
            assert f"LIMIT {limit + 1}" in count


def test_a_search_goes_through_the_same_pages(client, clerk_a, tied, ward_a):
    client.force_login(clerk_a)
    params = {"search": "nguyen van", "ward": ward_a.pk, "page_size": 5}
    with plain():
        before = [client.get(HOUSEHOLDS, {**params, "page": n}).json() for n in (1, 2, 3)]
    after = [client.get(HOUSEHOLDS, {**params, "page": n}).json() for n in (1, 2)]
    with CaptureQueriesContext(connection) as captured:
        after.append(client.get(HOUSEHOLDS, {**params, "page": 3}).json())
    assert after == before
    assert sum(len(answer["results"]) for answer in after) == 13
    assert "IN (SELECT" in page_query(captured, "households_household")


# Every list of the API and of the portal: the same answers, with as many queries.

FIXED_SIZE = {AppraisalThreshold, GradingDeadline}
BY_YEAR = {Appraisal: f.AppraisalFactory, SafetyRecognition: f.SafetyRecognitionFactory}
API_LISTS = sorted(
    (prefix, viewset)
    for prefix, viewset, _basename in router.registry
    if viewset.model not in FIXED_SIZE
)


def grow(model, ward, count):
    start = model._default_manager.count()
    for n in range(count):
        if model in BY_YEAR:
            BY_YEAR[model](ward=ward, year=1990 + start + n)
        else:
            BUILDERS[model].make(ward, True)


def link(url):
    """A next or previous link, its cursor read (a signed cursor holds the time it was made)."""
    if url is None:
        return None
    parts = urlsplit(url)
    query = [
        (key, signing.loads(value, salt=CURSOR_SALT) if key == "cursor" else value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    return parts.path, sorted(query, key=repr)


def walk(client, url, params):
    """Every page of a list, following its next links; the answers and the queries of each."""
    answers, queries = [], []
    response = client.get(url, params)
    while True:
        assert response.status_code == 200, response.content[:300]
        answer = response.json()
        answers.append(
            {**answer, "next": link(answer["next"]), "previous": link(answer["previous"])}
        )
        nxt = answer["next"]
        if nxt is None:
            return answers, queries
        with CaptureQueriesContext(connection) as captured:
            response = client.get(nxt)
        queries.append(len(captured))


@pytest.mark.parametrize(("prefix", "viewset"), API_LISTS, ids=[p for p, _v in API_LISTS])
def test_every_api_list_answers_the_same_pages_with_as_many_queries(
    client, admin_user, ward_a, ward_b, prefix, viewset, settings
):
    client.force_login(admin_user)
    grow(viewset.model, ward_a, 7)
    grow(viewset.model, ward_b, 2)
    url = f"/api/v1/{prefix}/"
    walks = [{"page_size": 3}, {"page_size": 3, "cursor": ""}]
    if "ward" in (getattr(viewset.filterset_class, "base_filters", None) or {}):
        walks.append({"page_size": 2, "ward": ward_a.pk})
    for limit in (1000, 4):
        settings.API_EXACT_COUNT_LIMIT = limit
        for params in walks:
            with plain():
                before = walk(client, url, params)
            after = walk(client, url, params)
            assert after == before, params
            assert len(after[0]) >= 3  # several pages, the last one short


PORTAL = registry()


@pytest.mark.parametrize("entity", PORTAL, ids=lambda e: e.name)
def test_every_portal_list_shows_the_same_pages_with_as_many_queries(
    entity, client, officer_a, ward_a, monkeypatch
):
    client.force_login(officer_a)
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    grow(entity.model, ward_a, 7)

    def pages():
        shown, costs = [], []
        for params in ({}, {"sort": "-id"}, {"sort": "id"}):
            number = 1
            while True:
                with CaptureQueriesContext(connection) as captured:
                    response = client.get(entity.url("list"), {**params, "page": number})
                assert response.status_code == 200
                shown.append([row["record"].pk for row in response.context["rows"]])
                costs.append(len(captured))
                if not response.context["page"].has_next():
                    break
                number += 1
        return shown, costs

    with plain():
        before = pages()
    after = pages()
    assert after == before
    assert sum(len(rows) for rows in after[0]) >= 7
