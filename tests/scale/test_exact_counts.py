"""Issue 12, items 5 and 7: a list's count is exact whenever counting is cheap (a bounded count
up to ``API_EXACT_COUNT_LIMIT``, 100,000 by default); past that the API says ``count: null``
with ``count_at_least`` and the portal "Hơn …" — never an estimate, never a cached figure, so a
list shows the new count right after an add."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households.models import Household
from households.views import HOUSEHOLDS
from tests import factories as f
from tests.portal.helpers import create_data, make
from wardsecurity.pagination import EXACT_COUNT_LIMIT, exact_count_limit

pytestmark = pytest.mark.django_db

URL = "/api/v1/households/"
# More rows than the old limit (1,000), where the count used to become the planner's estimate.
MANY = 1_001
# Session, user, the bounded count, the page; the portal adds its filter panel's groups. The
# same whether the list is counted exactly or past the limit: no EXPLAIN, no second count.
API_QUERIES = 4
PORTAL_QUERIES = 5


@pytest.fixture
def group_a(ward_a):
    return f.ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")


def bulk_households(group, count, start=0):
    Household.objects.bulk_create(
        Household(
            group=group,
            ward_id=group.ward_id,
            code=f"C{i:06d}",
            address=f"{i} Lê Lợi",
            head_name=f"Hộ {i}",
            member_count=1,
        )
        for i in range(start, start + count)
    )


def count_queries(captured):
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]


def portal_list(client, django_assert_max_num_queries, **params):
    with django_assert_max_num_queries(PORTAL_QUERIES):
        response = client.get(HOUSEHOLDS.url("list"), params)
    assert response.status_code == 200
    return response.content.decode()


def api_list(client, django_assert_max_num_queries, **params):
    with django_assert_max_num_queries(API_QUERIES):
        response = client.get(URL, params)
    assert response.status_code == 200
    return response


def test_the_default_limit_is_a_hundred_thousand_rows(settings):
    assert settings.API_EXACT_COUNT_LIMIT == EXACT_COUNT_LIMIT == exact_count_limit() == 100_000
    del settings.API_EXACT_COUNT_LIMIT
    assert exact_count_limit() == 100_000


def test_an_api_list_of_a_few_thousand_rows_is_counted_exactly_and_sees_an_add_at_once(
    client, clerk_a, group_a, django_assert_max_num_queries
):
    bulk_households(group_a, MANY)
    client.force_login(clerk_a)

    first = api_list(client, django_assert_max_num_queries)
    assert first.json()["count"] == MANY
    assert "count_at_least" not in first.json()
    assert "X-Count-Estimated" not in first.headers

    data = {"group": group_a.pk, "code": "HKMOI", "address": "1 Hàng Bông", "head_name": "Mới"}
    data["member_count"] = 1
    added = client.post(URL, json.dumps(data), content_type="application/json")
    assert added.status_code == 201, added.content

    after = api_list(client, django_assert_max_num_queries)
    assert after.json()["count"] == MANY + 1
    assert after.json()["results"][0]["id"] == added.json()["id"]


def test_a_portal_list_of_a_few_thousand_rows_is_counted_exactly_and_sees_an_add_at_once(
    client, clerk_a, ward_a, group_a, django_assert_max_num_queries
):
    """The issue's case: the list said "Khoảng 3.677 bản ghi" after 44 households were added."""
    bulk_households(group_a, MANY)
    client.force_login(clerk_a)

    page = portal_list(client, django_assert_max_num_queries)
    assert "1.001 bản ghi (đang xem 1–50)" in page
    assert "Khoảng" not in page and "Hơn" not in page
    assert "Trang 1/21" in page

    new = make(Household, ward_a, create=False)
    response = client.post(HOUSEHOLDS.url("create"), create_data(client, HOUSEHOLDS, new))
    assert response.status_code == 302

    page = portal_list(client, django_assert_max_num_queries)
    assert "1.002 bản ghi (đang xem 1–50)" in page


def test_at_the_limit_the_count_is_still_exact(client, clerk_a, group_a, settings):
    settings.API_EXACT_COUNT_LIMIT = 5
    bulk_households(group_a, 5)
    client.force_login(clerk_a)
    body = client.get(URL, {"page_size": 2}).json()
    assert body["count"] == 5
    assert "count_at_least" not in body
    assert "5 bản ghi" in client.get(HOUSEHOLDS.url("list")).content.decode()


def test_past_the_limit_the_api_says_more_than_and_never_estimates(
    client, clerk_a, group_a, settings, django_assert_max_num_queries
):
    settings.API_EXACT_COUNT_LIMIT = 5
    bulk_households(group_a, 6)
    client.force_login(clerk_a)

    with CaptureQueriesContext(connection) as captured:
        response = api_list(client, django_assert_max_num_queries, page_size=2)
    body = response.json()
    assert body["count"] is None
    assert body["count_at_least"] == 5
    assert len(body["results"]) == 2 and body["next"] is not None
    assert "X-Count-Estimated" not in response.headers
    sql = [q["sql"] for q in captured.captured_queries]
    assert not [q for q in sql if q.lstrip().upper().startswith("EXPLAIN")]
    (count,) = count_queries(captured)
    assert "LIMIT 6" in count

    # Nothing is kept between requests: the next answer counts again, and sees a delete.
    Household.objects.filter(pk__in=Household.objects.values("pk")[:1]).delete()
    with CaptureQueriesContext(connection) as captured:
        body = api_list(client, django_assert_max_num_queries, page_size=2).json()
    assert len(count_queries(captured)) == 1
    assert body["count"] == 5
    assert "count_at_least" not in body


def test_past_the_limit_the_portal_says_more_than(
    client, clerk_a, group_a, settings, django_assert_max_num_queries
):
    settings.API_EXACT_COUNT_LIMIT = 5
    bulk_households(group_a, 6)
    client.force_login(clerk_a)

    with CaptureQueriesContext(connection) as captured:
        page = portal_list(client, django_assert_max_num_queries)
    assert "Hơn 5 bản ghi (đang xem 1–6)" in page
    assert "Khoảng" not in page
    (count,) = count_queries(captured)
    assert "LIMIT 6" in count
    assert not [q for q in captured.captured_queries if q["sql"].upper().startswith("EXPLAIN")]

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(HOUSEHOLDS.url("list")).content.decode()
    assert '<html lang="en">' in page
    assert "More than 5 records (showing 1–6)" in page


def test_the_count_does_not_sort_what_it_counts(client, clerk_a, group_a):
    """The bounded count reads at most limit + 1 rows in any order: no ORDER BY to sort them."""
    bulk_households(group_a, 3)
    client.force_login(clerk_a)
    with CaptureQueriesContext(connection) as captured:
        client.get(URL, {"ordering": "head_name"})
    (count,) = count_queries(captured)
    assert "ORDER BY" not in count.upper()
    assert f"LIMIT {EXACT_COUNT_LIMIT + 1}" in count
