"""A scoped list read ward by ward (issue 18, item 3): a province's or a cluster's list sorted by
id picks its page's ids, and counts its rows, through each ward's ``(ward_id, id)`` index.

Read the plain way, a province's first page was the first ids of every row of the table that lay
in the province — an index scan of the whole table and a sort, because ids are clustered by ward
— so it grew with the country, not with the province. What must not change, and is compared
here with the plain reading (the merge switched off): the rows of every page in their order, the
count, the pages past the count limit, cursor pages both ways, and the number of queries.
"""

import re
from unittest import mock

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from households.models import Household
from tests import factories as f
from wardsecurity.pagination import CountingPaginator
from wardsecurity.portal import registry, views
from wardsecurity.scope import ScopedQuerySet

pytestmark = pytest.mark.django_db

HOUSEHOLDS = "/api/v1/households/"
MERGED = "unnest(ARRAY(SELECT"


def plain():
    """Lists read as before the merge: the reference they are compared with."""
    return mock.patch.multiple(
        ScopedQuerySet,
        ward_merged_ids=lambda self, descending, bottom, top: None,
        ward_merged_count=lambda self, limit: None,
    )


@pytest.fixture
def interleaved(ward_a, ward_b, ward_c):
    """Households of three wards created in turns, so every ward's ids interleave with the
    others': 9 in ward A, 6 in ward B (A's province), 3 in ward C (another province)."""
    groups = {
        ward: f.ResidentialGroupFactory(ward=ward, name="Tổ 1") for ward in (ward_a, ward_b, ward_c)
    }
    made = []
    for n in range(9):
        made.append(f.HouseholdFactory(group=groups[ward_a], member_count=1 + n % 3))
        if n % 3 != 2:
            made.append(f.HouseholdFactory(group=groups[ward_b]))
        if n % 3 == 0:
            made.append(f.HouseholdFactory(group=groups[ward_c]))
    return made


def pages(queryset, per_page):
    """Every page's ids, walked to the last page, and the paginator's count."""
    paginator = CountingPaginator(queryset, per_page)
    number, seen = 1, []
    while True:
        page = paginator.page(number)
        seen.append([row.pk for row in page.object_list])
        if not page.has_next():
            return seen, paginator.count
        number += 1


@pytest.mark.parametrize("ordering", ["-id", "id"])
@pytest.mark.parametrize("limit", [1000, 4], ids=["exact count", "past the count limit"])
def test_a_province_list_has_the_pages_and_count_of_the_plain_reading(
    interleaved, viewer_province, ward_a, ward_b, ordering, limit, settings
):
    settings.API_EXACT_COUNT_LIMIT = limit
    queryset = Household.objects.visible_to(viewer_province).select_related("ward", "group")
    queryset = queryset.order_by(ordering)
    expected_ids = sorted(
        (h.pk for h in interleaved if h.ward_id in (ward_a.pk, ward_b.pk)),
        reverse=ordering == "-id",
    )
    assert len(expected_ids) == 15
    for per_page in (1, 2, 4, 7, 15, 50):
        merged = pages(queryset, per_page)
        with plain():
            reference = pages(queryset, per_page)
        assert merged == reference, per_page
        assert [pk for page in merged[0] for pk in page] == expected_ids
        assert merged[1] == (15 if limit == 1000 else None)


def test_a_cluster_and_a_ward_are_read_the_same_way(interleaved, viewer_city, clerk_a):
    for user in (viewer_city, clerk_a):
        queryset = Household.objects.visible_to(user).order_by("-id")
        expected = [h.pk for h in sorted(queryset, key=lambda h: -h.pk)]
        assert expected  # the cluster holds wards A and C, the clerk ward A
        assert queryset.ward_merged_ids(True, 0, 50) is not None
        assert pages(queryset, 4)[0] == [expected[i : i + 4] for i in range(0, len(expected), 4)]


def test_the_sql_reads_ids_and_counts_ward_by_ward(client, interleaved, viewer_province):
    client.force_login(viewer_province)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOUSEHOLDS, {"page_size": 4, "page": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 15
    assert len(body["results"]) == 4
    (count_sql,) = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
    (page_sql,) = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "households_household"' in q["sql"] and "COUNT(" not in q["sql"]
    ]
    # Each ward's first ids through its own index: a ward's id is the inner query's condition.
    ward_condition = r'"ward_id" = \("(households_ward|W\d)"\."id"\)'
    for sql in (count_sql, page_sql):
        assert MERGED in sql and re.search(ward_condition, sql), sql
    # The page: each ward's first 8 (pages 1 and 2), then rows 5–8 of those.
    assert re.search(r"LIMIT 8\)\) AS \"merged\" .* LIMIT 4 OFFSET 4\)", page_sql), page_sql
    # The count stops at the limit + 1, in each ward and in all.
    assert page_sql.count(MERGED) == 1
    assert len(re.findall(r"LIMIT 100001", count_sql)) == 2, count_sql
    # As many queries as the plain reading.
    with plain(), CaptureQueriesContext(connection) as reference:
        assert client.get(HOUSEHOLDS, {"page_size": 4, "page": 2}).json() == body
    assert len(captured) == len(reference)
    assert not any(MERGED in q["sql"] for q in reference.captured_queries)


def test_cursor_pages_walk_ward_by_ward_both_ways(client, interleaved, viewer_province):
    client.force_login(viewer_province)

    def walk(url, params):
        seen, sqls = [], []
        while url:
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url, params)
            assert response.status_code == 200
            sqls += [q["sql"] for q in captured.captured_queries]
            seen.append([row["id"] for row in response.json()["results"]])
            url, params = response.json()["next"], None
        return seen, sqls

    for ordering in ("-id", "id"):
        params = {"cursor": "", "page_size": 4, "ordering": ordering}
        merged, sqls = walk(HOUSEHOLDS, params)
        with plain():
            reference, _sqls = walk(HOUSEHOLDS, params)
        assert merged == reference
        assert sum(len(page) for page in merged) == 15
        # Past the first page, the key is in every ward's own query as a comparison of the row
        # (ward_id, id), which only that index answers: as ``id < key`` the planner walked the
        # primary key backwards through every other ward's rows, once per ward (400 ms a page
        # at 100,000 households).
        row = r'\("\w+"\."ward_id", "\w+"\."id"\) [<>] \("(households_ward|W\d)"\."id", \d+\)'
        statements = [sql for sql in sqls if MERGED in sql]
        keyed = [sql for sql in statements if re.search(row, sql)]
        assert len(keyed) == len(statements) - 1  # every page but the first
        assert not any(re.search(r'"\w+"\."id" [<>] \d+', sql) for sql in statements)


def test_a_filtered_list_is_read_as_it_was(client, interleaved, viewer_province, ward_a):
    """A filter other than a key (a ward, a search, an active flag) leaves the list to the plain
    reading, which that filter's own index answers."""
    client.force_login(viewer_province)
    base = Household.objects.visible_to(viewer_province).order_by("-id")
    for filtered in (base.filter(ward=ward_a), base.filter(active=True), base.exclude(pk=0)):
        assert filtered.ward_merged_ids(True, 0, 10) is None
        assert filtered.ward_merged_count(10) is None
    assert base.filter(pk__lt=10**9).ward_merged_ids(True, 0, 10) is not None
    # Sliced, distinct or not narrowed by visible_to: not merged either.
    assert base.distinct().ward_merged_ids(True, 0, 10) is None
    assert Household.objects.order_by("-id").ward_merged_ids(True, 0, 10) is None
    with CaptureQueriesContext(connection) as captured:
        response = client.get(HOUSEHOLDS, {"ward": ward_a.pk, "page_size": 4})
    assert response.status_code == 200
    assert response.json()["count"] == 9
    assert not any(MERGED in q["sql"] for q in captured.captured_queries)


def test_a_province_sees_only_its_own_wards(interleaved, ward_c):
    """Ward C's province holds ward C alone: its list is ward C's households, merged."""
    viewer = f.UserFactory(
        role="steering_viewer", scope_kind="province", scope_ward=None,
        scope_province=ward_c.province,
    )  # fmt: skip
    queryset = Household.objects.visible_to(viewer).order_by("-id")
    expected = sorted((h.pk for h in interleaved if h.ward_id == ward_c.pk), reverse=True)
    assert queryset.ward_merged_ids(True, 0, 2) is not None
    assert pages(queryset, 2) == ([expected[:2], expected[2:]], 3)


def test_the_portal_list_of_a_province_shows_the_same_rows(
    client, interleaved, viewer_province, monkeypatch
):
    client.force_login(viewer_province)
    monkeypatch.setattr(views, "PAGE_SIZE", 4)
    (entity,) = [entity for entity in registry() if entity.model is Household]

    def shown(page):
        response = client.get(entity.url("list"), {"page": page})
        assert response.status_code == 200
        return [row["record"].pk for row in response.context["rows"]], response.context["total"]

    merged = [shown(page) for page in (1, 2, 3, 4)]
    with plain():
        assert [shown(page) for page in (1, 2, 3, 4)] == merged
    assert [len(rows) for rows, _total in merged] == [4, 4, 4, 3]
    assert {total for _rows, total in merged} == {15}


@pytest.mark.parametrize(
    "ordering", [F("id"), F("id").asc(), F("id").desc()], ids=["F", "F asc", "F desc"]
)
def test_an_order_written_as_an_expression_is_merged_the_same(
    interleaved, viewer_province, ordering
):
    queryset = Household.objects.visible_to(viewer_province).order_by(ordering)
    merged = pages(queryset, 4)
    with plain():
        assert pages(queryset, 4) == merged
    assert merged[1] == 15
