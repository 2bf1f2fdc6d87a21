"""Pagination at scale: counts stop at a limit (past it the answer says so, and is never an
estimate), cursor pages walk without counting, and a cursor a client changed is a 400, never a
500. (Exact counts right after an add: test_exact_counts.py; page numbers: test_page_numbers.py.)"""

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from households.models import Household
from tests.factories import HouseholdFactory, ResidentialGroupFactory
from wardsecurity.api.pagination import CURSOR_SALT
from wardsecurity.pagination import CountingPaginator

URL = "/api/v1/households/"


@pytest.fixture
def group_a(ward_a):
    return ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")


@pytest.fixture
def api(client, clerk_a):
    client.force_login(clerk_a)
    return client


def households(group, count):
    return [HouseholdFactory(group=group) for _ in range(count)]


def ids(response):
    return [row["id"] for row in response.json()["results"]]


def test_page_numbers_keep_their_shape_and_an_exact_small_count(api, group_a):
    households(group_a, 4)
    response = api.get(URL)
    assert response.status_code == 200
    assert set(response.json()) == {"count", "next", "previous", "results"}
    assert response.json()["count"] == 4
    assert "X-Count-Estimated" not in response.headers


def test_past_the_limit_the_count_is_null_and_says_how_many_at_least(api, group_a, settings):
    settings.API_EXACT_COUNT_LIMIT = 3
    households(group_a, 6)
    response = api.get(URL, {"page_size": 2})
    assert response.status_code == 200
    assert list(response.json()) == ["count", "count_at_least", "next", "previous", "results"]
    assert response.json()["count"] is None
    assert response.json()["count_at_least"] == 3
    assert "X-Count-Estimated" not in response.headers
    assert len(response.json()["results"]) == 2


def test_past_the_limit_every_row_is_reachable_by_page_number(api, group_a, settings):
    # The count is not known; pages and next links follow the rows.
    settings.API_EXACT_COUNT_LIMIT = 3
    made = sorted((h.pk for h in households(group_a, 7)), reverse=True)
    seen, response = [], api.get(URL, {"page_size": 2})
    while True:
        assert response.status_code == 200
        seen += ids(response)
        if response.json()["next"] is None:
            break
        response = api.get(response.json()["next"])
    assert seen == made
    assert api.get(URL, {"page_size": 2, "page": 4}).json()["next"] is None  # 7th row alone
    assert api.get(URL, {"page_size": 2, "page": 5}).status_code == 404  # past the rows
    assert api.get(URL, {"page_size": 2, "page": 0}).status_code == 404
    assert api.get(URL, {"page_size": 2, "page": "x"}).status_code == 404


def test_the_count_reads_at_most_the_limit_plus_one_row(api, group_a, settings):
    settings.API_EXACT_COUNT_LIMIT = 3
    households(group_a, 6)
    with CaptureQueriesContext(connection) as captured:
        api.get(URL)
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(*)" in q["sql"]]
    assert len(counts) == 1
    assert "LIMIT 4" in counts[0]


def test_the_next_pages_of_a_large_list_never_count_it_all(
    api, group_a, settings, django_assert_max_num_queries
):
    """Every page of a list past the limit costs the same: one bounded count (never a full
    COUNT, never EXPLAIN) and the page, whatever its number."""
    settings.API_EXACT_COUNT_LIMIT = 3
    households(group_a, 6)
    for page in (1, 2, 3):
        # Session, user, the count, the page.
        with CaptureQueriesContext(connection) as captured, django_assert_max_num_queries(4):
            response = api.get(URL, {"page_size": 2, "page": page})
        assert response.status_code == 200
        assert response.json()["count"] is None
        sql = [q["sql"] for q in captured.captured_queries]
        assert not [q for q in sql if q.startswith("EXPLAIN")]
        (count,) = [q for q in sql if "COUNT(*)" in q]
        assert "LIMIT 4" in count


def test_a_list_no_row_can_match_counts_zero(group_a):
    """Found by the schemathesis run: a filter that compiles to no SQL (``IN ()``) is empty."""
    households(group_a, 2)
    for queryset in (Household.objects.none(), Household.objects.filter(pk__in=[])):
        paginator = CountingPaginator(queryset, 2)
        assert paginator.count == 0
        assert list(paginator.page(1).object_list) == []


def test_cursor_pages_walk_every_row_once_without_a_count(api, group_a):
    made = sorted((h.pk for h in households(group_a, 7)), reverse=True)
    first = api.get(URL, {"cursor": "", "page_size": 3})
    assert first.status_code == 200
    assert set(first.json()) == {"next", "previous", "results"}
    assert first.json()["previous"] is None
    second = api.get(first.json()["next"])
    third = api.get(second.json()["next"])
    assert ids(first) + ids(second) + ids(third) == made
    assert third.json()["next"] is None
    back = api.get(third.json()["previous"])
    assert ids(back) == ids(second)
    assert api.get(back.json()["previous"]).json()["previous"] is None


def test_cursor_pages_in_ascending_id_order(api, group_a):
    made = sorted(h.pk for h in households(group_a, 4))
    first = api.get(URL, {"cursor": "", "page_size": 3, "ordering": "id"})
    second = api.get(first.json()["next"])
    assert ids(first) + ids(second) == made


def test_cursor_pages_stay_in_scope(client, officer_b, group_a, ward_b):
    households(group_a, 3)
    own = households(ResidentialGroupFactory(ward=ward_b, name="Tổ 2"), 2)
    client.force_login(officer_b)
    response = client.get(URL, {"cursor": ""})
    assert sorted(ids(response)) == sorted(h.pk for h in own)


# Signed cursors carry a timestamp, so they are signed inside the test: parameters must be the
# same in every xdist worker.
SIGNED = object()


@pytest.mark.parametrize(
    ("cursor", "payload", "salt"),
    [
        ("abc", None, None),
        ("eyJrIjo1LCJiIjpmYWxzZX0:1xUvkb:forged", None, None),
        (SIGNED, {"k": "5; DROP TABLE x", "b": False}, CURSOR_SALT),
        (SIGNED, {"k": 5, "b": "yes"}, CURSOR_SALT),
        (SIGNED, {"k": True, "b": False}, CURSOR_SALT),
        (SIGNED, [5, False], CURSOR_SALT),
        (SIGNED, {"k": 5}, CURSOR_SALT),
        (SIGNED, {"k": 5, "b": False}, "another.salt"),
        ("\x00", None, None),
    ],
    ids=["garbage", "forged", "sql", "bad-bool", "bool-key", "list", "no-b", "other-salt", "nul"],
)
def test_a_tampered_cursor_is_a_400(api, group_a, cursor, payload, salt):
    if cursor is SIGNED:
        cursor = signing.dumps(payload, salt=salt)
    households(group_a, 2)
    response = api.get(URL, {"cursor": cursor})
    assert response.status_code == 400
    assert "cursor" in response.json()["fields"]


def test_cursor_pages_follow_id_order_only(api, group_a):
    response = api.get(URL, {"cursor": "", "ordering": "code"})
    assert response.status_code == 400
    assert "ordering" in response.json()["fields"]


@pytest.mark.parametrize("page_size", ["0", "x", "-1"])
def test_a_bad_page_size_with_a_cursor_is_a_400(api, page_size):
    assert api.get(URL, {"cursor": "", "page_size": page_size}).status_code == 400


def cursor_queries(api):
    with CaptureQueriesContext(connection) as captured:
        response = api.get(URL, {"cursor": "", "page_size": 100})
    assert response.status_code == 200
    return len(captured), len(response.json()["results"])


def test_cursor_page_query_count_does_not_grow_with_rows(api, group_a):
    # Expected: the session, the user, the page — no COUNT(*).
    households(group_a, 3)
    few, shown_few = cursor_queries(api)
    households(group_a, 27)
    many, shown_many = cursor_queries(api)
    assert (shown_few, shown_many) == (3, 30)
    assert many == few == 3
