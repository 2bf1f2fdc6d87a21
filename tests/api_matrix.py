"""Generic REST tests of SPEC §8 resources: scope, roles, ETags, G3/G4/G5, filters, query counts.

An app's ``test_api.py`` declares one ``Resource`` per endpoint (and one ``Link`` per link that
must stay inside the ward) and subclasses ``ApiMatrix``; every test below then runs for each.
Tests that take ``resource`` run for every resource, ``sensitive_resource`` only for police-only
ones and ``open_resource`` only for the others.
"""

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wardsecurity.models import SensitiveRead

API = "/api/v1"
EARLY = dt.date(2024, 1, 15)
LATE = dt.date(2024, 3, 10)


@dataclass
class Resource:
    """One API resource and what the generic tests need to exercise it."""

    name: str  # the URL prefix of SPEC §8
    model: Any
    factory: Callable  # (ward, **fields) -> a saved record of that ward
    data: Callable  # ward -> a valid create body for that ward
    change: dict  # a valid PATCH body
    date_field: str  # the main date, filtered as <date_field>_after / _before
    search: tuple[dict, str]  # (fields of a record, an unaccented query that finds it)
    # Queries of one list page, whatever its length (the comment in each table says which).
    list_queries: int = 0
    # ward -> a record with every link the list shows filled in (for the query-count test).
    rich: Callable | None = None

    def __str__(self):
        return self.name

    @property
    def sensitive(self):
        return self.model.sensitive

    @property
    def author(self):
        """The fixture of the persona that writes it in ward A: a clerk unless police-only."""
        return "officer_a" if self.sensitive else "clerk_a"

    def url(self, pk=None):
        return f"{API}/{self.name}/" if pk is None else f"{API}/{self.name}/{pk}/"

    def day(self, date):
        """``date`` as a value of the main date field (a local 10:00 for date-times)."""
        if isinstance(self.model._meta.get_field(self.date_field), models.DateTimeField):
            return timezone.make_aware(dt.datetime.combine(date, dt.time(10, 0)))
        return date


@dataclass
class Link:
    """A link of ``resource`` that may only name a record of the same ward (GUARANTEES G3)."""

    resource: str
    field: str
    target: Callable  # ward -> a record of that ward the link may name

    def __str__(self):
        return f"{self.resource}.{self.field}"


def body(response):
    return json.loads(response.content) if response.content else None


def input_errors(response):
    """The messages of a 400 by field, ``non_field_errors`` included (docs/api.md, "Errors")."""
    data = body(response)
    found = dict(data.get("fields", {}))
    if "non_field_errors" in data:
        found["non_field_errors"] = data["non_field_errors"]
    return found


def ids(response):
    return [row["id"] for row in body(response)["results"]]


def snapshot(model):
    return list(model.objects.order_by("pk").values())


def post(client, url, data, **headers):
    return client.post(url, data, content_type="application/json", headers=headers)


def patch(client, url, data, **headers):
    """A JSON PATCH. Unless the test names its own ``If-Match``, it sends the ETag a GET of
    ``url`` reads first, as a client does (the API requires one); ``None`` sends none."""
    if "If-Match" not in headers:
        headers["If-Match"] = client.get(url).headers.get("ETag")
    headers = {name: value for name, value in headers.items() if value is not None}
    return client.patch(url, data, content_type="application/json", headers=headers)


class ApiMatrix:
    """Mixin: ``resources`` and ``links`` parametrise every test below."""

    resources: ClassVar[list[Resource]] = []
    links: ClassVar[list[Link]] = []

    def pytest_generate_tests(self, metafunc):
        subsets = {
            "resource": self.resources,
            "sensitive_resource": [r for r in self.resources if r.sensitive],
            "open_resource": [r for r in self.resources if not r.sensitive],
            "link": self.links,
        }
        for name, values in subsets.items():
            if name in metafunc.fixturenames:
                metafunc.parametrize(name, values, ids=[str(v) for v in values])

    def resource_named(self, name):
        return next(r for r in self.resources if r.name == name)

    # Reads ------------------------------------------------------------------------------------

    def test_list_shows_only_the_scope(
        self, resource, client, request, ward_a, ward_b, admin_user, officer_b
    ):
        mine, other = resource.factory(ward_a), resource.factory(ward_b)

        client.force_login(request.getfixturevalue(resource.author))
        response = client.get(resource.url())
        assert response.status_code == 200
        assert ids(response) == [mine.pk]
        assert body(response)["count"] == 1

        client.force_login(officer_b)
        assert ids(client.get(resource.url())) == [other.pk]

        client.force_login(admin_user)
        assert sorted(ids(client.get(resource.url()))) == sorted([mine.pk, other.pk])

    def test_retrieve_sends_the_etag(self, resource, client, request, ward_a):
        record = resource.factory(ward_a)
        client.force_login(request.getfixturevalue(resource.author))
        response = client.get(resource.url(record.pk))
        assert response.status_code == 200
        assert body(response)["id"] == record.pk
        assert body(response)["version"] == 1
        assert response["ETag"] == f'"{record.pk}-1"'

    def test_officer_of_another_ward_gets_not_found(self, resource, client, officer_b, ward_a):
        record = resource.factory(ward_a)
        before = snapshot(resource.model)
        client.force_login(officer_b)
        assert client.get(resource.url(record.pk)).status_code == 404
        assert patch(client, resource.url(record.pk), resource.change).status_code == 404
        assert client.delete(resource.url(record.pk)).status_code == 404
        assert snapshot(resource.model) == before

    def test_filter_on_another_wards_id_is_empty_not_an_error(
        self, resource, client, request, ward_a, ward_b
    ):
        resource.factory(ward_a)
        resource.factory(ward_b)
        client.force_login(request.getfixturevalue(resource.author))
        for query in (f"ward={ward_b.pk}", f"ward_code={ward_b.code}", "ward=987654"):
            response = client.get(f"{resource.url()}?{query}")
            assert response.status_code == 200, query
            assert ids(response) == [], query

    def test_search_ignores_accents_and_case(self, resource, client, request, ward_a):
        fields, query = resource.search
        found = resource.factory(ward_a, **fields)
        resource.factory(ward_a)
        client.force_login(request.getfixturevalue(resource.author))
        response = client.get(resource.url(), {"search": query})
        assert response.status_code == 200
        assert ids(response) == [found.pk]
        assert ids(client.get(resource.url(), {"search": query.upper()})) == [found.pk]
        assert ids(client.get(resource.url(), {"search": "không có gì như vậy"})) == []

    def test_date_range_filters_on_the_main_date(self, resource, client, request, ward_a):
        early = resource.factory(ward_a, **{resource.date_field: resource.day(EARLY)})
        late = resource.factory(ward_a, **{resource.date_field: resource.day(LATE)})
        client.force_login(request.getfixturevalue(resource.author))
        url, name = resource.url(), resource.date_field
        assert ids(client.get(url, {f"{name}_after": "2024-02-01"})) == [late.pk]
        assert ids(client.get(url, {f"{name}_before": "2024-01-31"})) == [early.pk]
        # Both ends are inclusive.
        both = {f"{name}_after": EARLY.isoformat(), f"{name}_before": LATE.isoformat()}
        assert sorted(ids(client.get(url, both))) == sorted([early.pk, late.pk])
        assert client.get(url, {f"{name}_after": "30/02/2024"}).status_code == 400

    def test_ordering_by_the_main_date(self, resource, client, request, ward_a):
        early = resource.factory(ward_a, **{resource.date_field: resource.day(EARLY)})
        late = resource.factory(ward_a, **{resource.date_field: resource.day(LATE)})
        client.force_login(request.getfixturevalue(resource.author))
        url = resource.url()
        assert ids(client.get(url, {"ordering": resource.date_field})) == [early.pk, late.pk]
        assert ids(client.get(url, {"ordering": f"-{resource.date_field}"})) == [late.pk, early.pk]
        assert ids(client.get(url, {"ordering": "id"})) == sorted([early.pk, late.pk])

    def test_list_costs_the_same_queries_for_3_and_30_rows(self, resource, client, request, ward_a):
        client.force_login(request.getfixturevalue(resource.author))

        def list_queries():
            with CaptureQueriesContext(connection) as queries:
                response = client.get(resource.url(), {"page_size": 100})
            assert response.status_code == 200
            return len(body(response)["results"]), len(queries)

        make = resource.rich or resource.factory
        for _ in range(3):
            make(ward_a)
        assert list_queries() == (3, resource.list_queries)
        for _ in range(27):
            make(ward_a)
        assert list_queries() == (30, resource.list_queries)

    # Writes -----------------------------------------------------------------------------------

    def test_create_answers_201_with_the_record_and_its_etag(
        self, resource, client, request, ward_a
    ):
        client.force_login(request.getfixturevalue(resource.author))
        response = post(client, resource.url(), resource.data(ward_a))
        assert response.status_code == 201, body(response)
        record = resource.model.objects.get(pk=body(response)["id"])
        assert record.owner_ward_id == ward_a.pk
        assert body(response)["version"] == 1
        assert response["ETag"] == f'"{record.pk}-1"'

    def test_patch_with_if_match_then_a_stale_one_is_412(self, resource, client, request, ward_a):
        record = resource.factory(ward_a)
        client.force_login(request.getfixturevalue(resource.author))
        etag = client.get(resource.url(record.pk))["ETag"]

        response = patch(client, resource.url(record.pk), resource.change, **{"If-Match": etag})
        assert response.status_code == 200, body(response)
        assert response["ETag"] == f'"{record.pk}-2"' != etag
        for name, value in resource.change.items():
            assert body(response)[name] == value

        before = snapshot(resource.model)
        response = patch(client, resource.url(record.pk), resource.change, **{"If-Match": etag})
        assert response.status_code == 412
        assert client.delete(resource.url(record.pk), headers={"If-Match": etag}).status_code == 412
        assert snapshot(resource.model) == before

    def test_delete_answers_204(self, resource, client, request, ward_a):
        record = resource.factory(ward_a)
        client.force_login(request.getfixturevalue(resource.author))
        response = client.delete(resource.url(record.pk), headers={"If-Match": f'"{record.pk}-1"'})
        assert response.status_code == 204
        assert not resource.model.objects.filter(pk=record.pk).exists()

    def test_unknown_and_read_only_fields_are_400(self, resource, client, request, ward_a):
        record = resource.factory(ward_a)
        client.force_login(request.getfixturevalue(resource.author))
        before = snapshot(resource.model)
        forbidden = {"no_such_field": "x", "id": 999_999, "version": 42}

        response = post(client, resource.url(), {**resource.data(ward_a), **forbidden})
        assert response.status_code == 400
        assert set(input_errors(response)) == set(forbidden)
        response = patch(client, resource.url(record.pk), {**resource.change, **forbidden})
        assert response.status_code == 400
        assert set(input_errors(response)) == set(forbidden)
        assert snapshot(resource.model) == before

    # Roles ------------------------------------------------------------------------------------

    @pytest.mark.parametrize("persona", ["clerk_a", "viewer_city"])
    def test_sensitive_resource_is_403_for_staff_and_viewers(
        self, sensitive_resource, persona, client, request, ward_a
    ):
        resource = sensitive_resource
        record = resource.factory(ward_a)
        data = resource.data(ward_a)
        before = snapshot(resource.model)
        client.force_login(request.getfixturevalue(persona))
        assert client.get(resource.url()).status_code == 403
        assert client.get(resource.url(record.pk)).status_code == 403
        assert post(client, resource.url(), data).status_code == 403
        assert patch(client, resource.url(record.pk), resource.change).status_code == 403
        assert client.delete(resource.url(record.pk)).status_code == 403
        assert snapshot(resource.model) == before
        assert not SensitiveRead.objects.exists()

    def test_viewer_reads_in_scope_but_never_writes(
        self, open_resource, client, viewer_city, ward_a, ward_b
    ):
        resource = open_resource
        mine, other = resource.factory(ward_a), resource.factory(ward_b)
        data = resource.data(ward_a)
        before = snapshot(resource.model)
        client.force_login(viewer_city)  # oversees ward A (and C), not ward B
        assert ids(client.get(resource.url())) == [mine.pk]
        assert client.get(resource.url(mine.pk)).status_code == 200
        assert client.get(resource.url(other.pk)).status_code == 404
        assert post(client, resource.url(), data).status_code == 403
        assert patch(client, resource.url(mine.pk), resource.change).status_code == 403
        assert client.delete(resource.url(mine.pk)).status_code == 403
        assert snapshot(resource.model) == before

    # Sensitive reads are logged (G4) ----------------------------------------------------------

    def test_sensitive_list_read_is_logged_once(
        self, sensitive_resource, client, officer_a, ward_a, ward_b
    ):
        resource = sensitive_resource
        rows = [resource.factory(ward_a) for _ in range(3)]
        resource.factory(ward_b)
        client.force_login(officer_a)
        response = client.get(resource.url())
        assert sorted(ids(response)) == sorted(r.pk for r in rows)
        (read,) = SensitiveRead.objects.all()
        assert read.user == officer_a
        assert read.model == resource.model._meta.label_lower
        assert read.object_ids == ids(response)
        assert read.path == resource.url()

    def test_sensitive_detail_read_is_logged_once(
        self, sensitive_resource, client, officer_a, ward_a
    ):
        resource = sensitive_resource
        record = resource.factory(ward_a)
        client.force_login(officer_a)
        assert client.get(resource.url(record.pk)).status_code == 200
        (read,) = SensitiveRead.objects.all()
        assert (read.user, read.model, read.object_ids) == (
            officer_a,
            resource.model._meta.label_lower,
            [record.pk],
        )

    # Links stay in the ward (G3) --------------------------------------------------------------

    def test_link_to_another_ward_is_400_like_a_missing_id(
        self, link, client, request, ward_a, ward_b, admin_user
    ):
        resource = self.resource_named(link.resource)
        record = resource.factory(ward_a)
        foreign = link.target(ward_b)
        missing = type(foreign).objects.order_by("-pk").first().pk + 1000
        data = resource.data(ward_a)
        before = snapshot(resource.model)

        answers = []
        # The author cannot see ward B, the administrator can: the answer is the same.
        for user in (request.getfixturevalue(resource.author), admin_user):
            client.force_login(user)
            for value in (foreign.pk, missing):
                for response in (
                    post(client, resource.url(), {**data, link.field: value}),
                    patch(client, resource.url(record.pk), {link.field: value}),
                ):
                    assert response.status_code == 400, (user, value, body(response))
                    answers.append(body(response))
        assert len({json.dumps(answer, sort_keys=True) for answer in answers}) == 1, answers
        assert list(answers[0]["fields"]) == [link.field]
        assert snapshot(resource.model) == before

        # A record of the same ward is accepted.
        own = link.target(ward_a)
        response = patch(client, resource.url(record.pk), {link.field: own.pk})
        assert response.status_code == 200, body(response)
        assert body(response)[link.field] == own.pk
