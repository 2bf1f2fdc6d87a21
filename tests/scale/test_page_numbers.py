"""Issue 15, item 1: a page number that cannot be a page is the documented 404, never a 500 —
in the API (JSON ``detail``) and in the portal (its 404 page), for every role, for a list
counted exactly and for a list past the count limit (whose last page is not known).

The 500 was ``?page=10**30`` on a list past the limit: the offset went to PostgreSQL as is
("bigint out of range")."""

import pytest

from households.models import Household
from households.views import HOUSEHOLDS
from tests import factories as f
from tests.portal.helpers import PERSONAS

pytestmark = pytest.mark.django_db

URL = "/api/v1/households/"
PAGE_SIZE = 2  # API pages of 2 rows; the portal's pages hold 50
ROWS = 6
LIMIT = {"under": 100, "over": 5}  # API_EXACT_COUNT_LIMIT: 6 rows are under or over it

NOT_PAGES = {
    "huge": str(10**30),
    "past-bigint": str(2**63),
    "past-int": str(2**31 + 1),
    "huge-string": "9" * 10_000,
    "negative": "-1",
    "zero": "0",
    "letters": "abc",
    "exponent": "1e3",
    "float": "1.0",
    "arabic-indic-digit": "٣",
    "fullwidth-digit": "１",
    "plus": "+1",
    "space": " 1",
    "nul": "\x00",
}


@pytest.fixture
def listed(ward_a, settings, request):
    settings.API_EXACT_COUNT_LIMIT = LIMIT[request.param]
    group = f.ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố 1")
    Household.objects.bulk_create(
        Household(
            group=group,
            ward_id=ward_a.pk,
            code=f"P{i:03d}",
            address=f"{i} Lê Lợi",
            head_name=f"Hộ {i}",
            member_count=1,
        )
        for i in range(ROWS)
    )
    return request.param


def api_get(client, page, **params):
    return client.get(URL, {"page": page, "page_size": PAGE_SIZE, **params})


def assert_api_404(response):
    assert response.status_code == 404, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"code": "not_found", "detail": "Số trang không hợp lệ."}


def assert_portal_404(response):
    assert response.status_code == 404, response.content[:500]
    assert response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize("listed", ["under", "over"], indirect=True)
@pytest.mark.parametrize("page", NOT_PAGES.values(), ids=NOT_PAGES.keys())
def test_a_page_number_that_is_no_page_is_a_404_in_the_api(client, clerk_a, listed, page):
    client.force_login(clerk_a)
    assert_api_404(api_get(client, page))


@pytest.mark.parametrize("listed", ["under", "over"], indirect=True)
@pytest.mark.parametrize("page", NOT_PAGES.values(), ids=NOT_PAGES.keys())
def test_a_page_number_that_is_no_page_is_a_404_in_the_portal(client, clerk_a, listed, page):
    client.force_login(clerk_a)
    assert_portal_404(client.get(HOUSEHOLDS.url("list"), {"page": page}))


@pytest.mark.parametrize("listed", ["under", "over"], indirect=True)
@pytest.mark.parametrize("persona", PERSONAS)
def test_a_page_far_past_the_end_is_a_404_for_every_role(client, request, listed, persona):
    client.force_login(request.getfixturevalue(persona))
    assert_api_404(api_get(client, 10**30))
    assert_portal_404(client.get(HOUSEHOLDS.url("list"), {"page": 10**30}))
    assert_portal_404(client.get(HOUSEHOLDS.url("list"), {"page": 10**30}, HTTP_HX_REQUEST="true"))


@pytest.mark.parametrize("listed", ["under", "over"], indirect=True)
def test_every_page_up_to_the_last_is_served_and_the_one_after_is_a_404(client, clerk_a, listed):
    client.force_login(clerk_a)
    seen, response = [], api_get(client, 1)
    while True:
        assert response.status_code == 200
        seen += [row["id"] for row in response.json()["results"]]
        if response.json()["next"] is None:
            break
        response = client.get(response.json()["next"])
    assert len(seen) == len(set(seen)) == ROWS
    # 6 rows, 2 a page: the next link stops at page 3, and page 4 does not exist.
    assert_api_404(api_get(client, ROWS // PAGE_SIZE + 1))
    assert api_get(client, "").status_code == 200  # no number: the first page

    assert client.get(HOUSEHOLDS.url("list"), {"page": 1}).status_code == 200
    assert client.get(HOUSEHOLDS.url("list"), {"page": ""}).status_code == 200
    assert_portal_404(client.get(HOUSEHOLDS.url("list"), {"page": 2}))


@pytest.mark.parametrize("listed", ["under", "over"], indirect=True)
def test_an_empty_list_has_its_first_page_and_no_other(client, clerk_a, listed):
    client.force_login(clerk_a)
    empty = {"search": "không có hộ nào tên này"}
    response = api_get(client, 1, **empty)
    assert response.status_code == 200
    assert response.json()["count"] == 0 and response.json()["results"] == []
    assert_api_404(api_get(client, 2, **empty))
    assert client.get(HOUSEHOLDS.url("list"), {"page": 1, **empty}).status_code == 200
    assert_portal_404(client.get(HOUSEHOLDS.url("list"), {"page": 2, **empty}))


@pytest.mark.parametrize("listed", ["under", "over"], indirect=True)
def test_last_is_the_last_page_when_it_is_known(client, clerk_a, listed):
    client.force_login(clerk_a)
    response = api_get(client, "last")
    if listed == "under":
        assert response.status_code == 200
        assert response.json()["next"] is None and len(response.json()["results"]) == 2
    else:  # past the limit the last page is not known
        assert_api_404(response)
