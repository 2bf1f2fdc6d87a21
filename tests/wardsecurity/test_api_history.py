"""``GET /api/v1/<resource>/<id>/history/`` (issue 16, item 5): a record's events through the API.

Who changed what, when, from what to what; scope and role as for reading the record itself
(out of scope 404, a role that may not read the resource 403); personal fields withheld from
roles that may not see them; newest first, page by page, in a fixed number of queries.
"""

import json

import pghistory
import pytest

from households.models import Household
from tests.factories import (
    HouseholdFactory,
    IncidentFactory,
    ResidentialGroupFactory,
    UserFactory,
)
from tests.model_builders import BUILDERS
from tests.wardsecurity.test_api_matrix import representation
from wardsecurity.api.urls import router
from wardsecurity.api.viewsets import WardRecordViewSet
from wardsecurity.models import SensitiveRead, User

pytestmark = pytest.mark.django_db

API = "/api/v1"


def send(client, method, url, data, etag=None):
    headers = {"If-Match": etag} if etag else {}
    return getattr(client, method)(
        url, json.dumps(data), content_type="application/json", headers=headers
    )


def history(client, url, **params):
    return client.get(f"{url}history/", params)


@pytest.fixture
def household_changed_twice(client, clerk_a, ward_a):
    """A household the clerk created, then changed twice through the API: its URL."""
    client.force_login(clerk_a)
    group = ResidentialGroupFactory(ward=ward_a)
    created = send(
        client,
        "post",
        f"{API}/households/",
        {
            "group": group.pk,
            "code": "HK700",
            "address": "1 Lê Lợi",
            "head_name": "Nguyễn Văn An",
            "member_count": 3,
        },
    )
    assert created.status_code == 201, created.content
    url = f"{API}/households/{created.json()['id']}/"
    first = send(client, "patch", url, {"member_count": 5}, created["ETag"])
    assert first.status_code == 200, first.content
    second = send(client, "patch", url, {"member_count": 6, "address": "2 Lê Lợi"}, first["ETag"])
    assert second.status_code == 200, second.content
    client.logout()
    return url


def changes(entry):
    return {change["field"]: (change["old"], change["new"]) for change in entry["changes"]}


def test_the_wards_clerk_reads_who_changed_what_from_what(client, clerk_a, household_changed_twice):
    client.force_login(clerk_a)
    response = history(client, household_changed_twice)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    newest, middle, oldest = body["results"]
    assert [newest["kind"], middle["kind"], oldest["kind"]] == ["update", "update", "insert"]
    assert newest["id"] > middle["id"] > oldest["id"]
    assert newest["at"] >= middle["at"] >= oldest["at"]
    for entry in body["results"]:
        assert entry["actor"] == {"id": clerk_a.pk, "username": "clerk_a"}
        assert entry["context"] is None
    assert changes(newest) == {"member_count": (5, 6), "address": ("1 Lê Lợi", "2 Lê Lợi")}
    assert changes(middle) == {"member_count": (3, 5)}
    created = changes(oldest)
    assert created["code"] == (None, "HK700")
    assert created["head_name"] == (None, "Nguyễn Văn An")
    assert created["member_count"] == (None, 3)
    assert "version" not in created and "updated_at" not in created


def test_labels_follow_the_language_and_field_names_do_not(
    client, clerk_a, household_changed_twice
):
    client.force_login(clerk_a)
    vietnamese = history(client, household_changed_twice).json()["results"][1]
    english = client.get(
        f"{household_changed_twice}history/", headers={"Accept-Language": "en"}
    ).json()["results"][1]
    assert vietnamese["changes"][0]["field"] == english["changes"][0]["field"] == "member_count"
    assert vietnamese["changes"][0]["label"] == "Số nhân khẩu"
    assert english["changes"][0]["label"] == "Members"


def test_another_wards_clerk_gets_not_found(client, ward_b, household_changed_twice):
    clerk_b = UserFactory(username="clerk_b", role=User.Role.WARD_STAFF, scope_ward=ward_b)
    client.force_login(clerk_b)
    response = history(client, household_changed_twice)
    assert response.status_code == 404
    assert "results" not in response.json()


def test_a_steering_viewer_sees_that_personal_fields_changed_but_not_their_values(
    client, viewer_city, household_changed_twice
):
    client.force_login(viewer_city)
    response = history(client, household_changed_twice)
    assert response.status_code == 200
    newest, middle, oldest = response.json()["results"]
    assert changes(newest) == {"member_count": (5, 6), "address": (None, None)}
    assert changes(middle) == {"member_count": (3, 5)}
    created = changes(oldest)
    assert created["head_name"] == created["address"] == (None, None)
    assert created["code"] == (None, "HK700")
    assert "Nguyễn Văn An" not in response.content.decode()
    assert "Lê Lợi" not in response.content.decode()


def test_sensitive_history_is_police_only_and_logged(client, clerk_a, officer_a, ward_a):
    incident = IncidentFactory(ward=ward_a)
    url = f"{API}/incidents/{incident.pk}/"

    client.force_login(clerk_a)
    assert history(client, url).status_code == 403
    assert not SensitiveRead.objects.exists()

    client.force_login(officer_a)
    response = history(client, url)
    assert response.status_code == 200
    assert [entry["kind"] for entry in response.json()["results"]] == ["insert"]
    read = SensitiveRead.objects.get()
    assert (read.user, read.model, read.object_ids) == (
        officer_a,
        "incidents.incident",
        [incident.pk],
    )
    assert read.path == f"{url}history/"
    # A page that is not a page reads nothing, so it logs nothing.
    assert history(client, url, page=2).status_code == 404
    assert SensitiveRead.objects.count() == 1


def test_pages_are_newest_first_and_compare_across_the_page_boundary(
    client, clerk_a, household_changed_twice
):
    client.force_login(clerk_a)
    first = history(client, household_changed_twice, page_size=2).json()
    assert first["count"] == 3
    assert first["previous"] is None and "page=2" in first["next"]
    assert [entry["kind"] for entry in first["results"]] == ["update", "update"]
    # The older entry of page 1 is compared with the creation, which is on page 2.
    assert changes(first["results"][1]) == {"member_count": (3, 5)}
    second = history(client, household_changed_twice, page_size=2, page=2).json()
    assert second["next"] is None
    assert [entry["kind"] for entry in second["results"]] == ["insert"]
    assert second["results"][0]["id"] < first["results"][1]["id"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "3", "١", "1e3"])
def test_a_page_that_is_not_a_page_is_not_found(client, clerk_a, household_changed_twice, page):
    client.force_login(clerk_a)
    response = history(client, household_changed_twice, page=page, page_size=2)
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Số trang không hợp lệ."}


def test_a_bad_page_size_is_refused(client, clerk_a, household_changed_twice):
    client.force_login(clerk_a)
    assert history(client, household_changed_twice, page_size="x").status_code == 400


@pytest.mark.parametrize("pk", ["987654", "abc", "1" * 30])
def test_an_unknown_record_is_not_found(client, clerk_a, household_changed_twice, pk):
    client.force_login(clerk_a)
    assert client.get(f"{API}/households/{pk}/history/").status_code == 404


def test_a_change_by_a_command_has_no_actor_and_names_the_command(client, clerk_a, ward_a):
    household = HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a), member_count=2)
    with pghistory.context(command="load_territory"):
        Household.objects.filter(pk=household.pk).update(member_count=4)
    client.force_login(clerk_a)
    newest = history(client, f"{API}/households/{household.pk}/").json()["results"][0]
    assert (newest["actor"], newest["context"]) == (None, "load_territory")
    assert changes(newest) == {"member_count": (2, 4)}


def test_history_costs_the_same_queries_for_1_and_20_events(
    client, clerk_a, ward_a, django_assert_num_queries
):
    group = ResidentialGroupFactory(ward=ward_a)
    with pghistory.context(user=clerk_a.pk):
        one = HouseholdFactory(group=group)
        many = HouseholdFactory(group=group)
    # 19 changes by 19 different users: the actors are still read in one query.
    for count in range(2, 21):
        editor = UserFactory(role=User.Role.WARD_STAFF, scope_ward=ward_a)
        with pghistory.context(user=editor.pk):
            Household.objects.filter(pk=many.pk).update(member_count=count)
    client.force_login(clerk_a)
    # session, user; the household (get selector); count; the page of events with their
    # contexts; the event before the page; the actors.
    for record, events in ((one, 1), (many, 20)):
        with django_assert_num_queries(7):
            response = history(client, f"{API}/households/{record.pk}/")
        assert response.json()["count"] == events
        assert len(response.json()["results"]) == events
    authors = {entry["actor"]["id"] for entry in response.json()["results"]}
    assert len(authors) == 20


def ward_record_resources():
    return [
        (prefix, viewset)
        for prefix, viewset, _basename in router.registry
        if issubclass(viewset, WardRecordViewSet)
    ]


@pytest.mark.parametrize(
    ("prefix", "viewset"), ward_record_resources(), ids=[p for p, _v in ward_record_resources()]
)
def test_every_ward_record_resource_has_a_history(client, officer_a, ward_a, prefix, viewset):
    client.force_login(officer_a)
    instance = BUILDERS[viewset.model].make(ward_a, False)
    serializer_class = viewset(action="create", format_kwarg=None, request=None, kwargs={})
    body = representation(serializer_class.get_serializer_class(), instance)
    created = send(client, "post", f"{API}/{prefix}/", body)
    assert created.status_code == 201, created.content
    response = history(client, f"{API}/{prefix}/{created.json()['id']}/")
    assert response.status_code == 200, response.content
    entry = response.json()["results"][-1]
    assert entry["kind"] == "insert"
    assert entry["actor"] == {"id": officer_a.pk, "username": "officer_a"}
    assert entry["changes"], "a creation that set nothing"
