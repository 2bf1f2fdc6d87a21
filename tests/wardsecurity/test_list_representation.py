"""A list shows each record exactly as the full serializer does, whichever path built the page.

Lists of plain-column serializers are built from ``values_list`` rows (``LeanRepresentation``)
rather than DRF's per-instance walk. These tests hold the two together: every row of a list is
the full serializer's representation of that record (same keys, order and values), and every
list endpoint answers byte for byte what DRF's own path answers, with the same queries.
"""

import copy
import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from households.api.serializers import HouseholdSerializer
from households.models import Household
from incidents.api.serializers import IncidentSerializer
from incidents.models import Incident
from movement.api.serializers import CommitmentSerializer
from movement.models import Appraisal, Commitment, SafetyRecognition
from tests import factories as f
from tests.model_builders import BUILDERS
from wardsecurity.api import viewsets
from wardsecurity.api.pagination import CURSOR_SALT
from wardsecurity.api.serializers import lean_representation
from wardsecurity.api.urls import router
from wardsecurity.api.viewsets import WardRecordViewSet
from wardsecurity.models import SensitiveRead


def ordered(content: bytes):
    """JSON with objects as lists of pairs, so that key order counts in comparisons."""
    return json.loads(content, object_pairs_hook=list)


def results(response):
    assert response.status_code == 200, response.content[:300]
    return dict(ordered(response.content))["results"]


def reference(serializer_class, model, rows, user=None):
    """Each listed record as the full serializer represents it (to ``user``, whose personal
    data rights it applies, when given), read afresh from the database."""
    ids = [dict(row)["id"] for row in rows]
    instances = model.objects.in_bulk(ids)
    context = {} if user is None else {"request": SimpleNamespace(user=user)}
    return [
        ordered(JSONRenderer().render(serializer_class(instances[pk], context=context).data))
        for pk in ids
    ]


@pytest.fixture
def drf_path(monkeypatch):
    """Switch lists to DRF's own representation for the rest of the test."""

    def switch():
        monkeypatch.setattr(viewsets, "lean_representation", lambda serializer_class: None)

    return switch


@pytest.mark.parametrize(
    "serializer_class", [HouseholdSerializer, IncidentSerializer, CommitmentSerializer]
)
def test_the_big_lists_take_the_lean_path(serializer_class):
    # Otherwise the comparisons below would compare DRF's path with itself. A shallow copy of a
    # serializer (the schema generator makes some) leaves ``__slotnames__`` on its class.
    copy.copy(serializer_class())
    lean_representation.cache_clear()
    assert lean_representation(serializer_class) is not None


def test_households_list_shows_each_household_as_the_full_serializer_does(
    client, viewer_province, ward_a, ward_b
):
    group = f.ResidentialGroupFactory(ward=ward_a, name="Tổ dân phố Đông")
    f.HouseholdFactory(group=group, head_name="Nguyễn Thị Ánh", phone="0912 345 678")
    f.HouseholdFactory(
        group=group,
        residence=Household.Residence.TEMPORARY,
        active=False,
        member_count=1,
        address='Hẻm 12/3 "Cây Đa", Khu phố 5',
    )
    f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_b), member_count=12)
    client.force_login(viewer_province)

    rows = results(client.get("/api/v1/households/"))

    assert len(rows) == 3
    # A steering viewer: personal fields null on both paths (issue 15, item 13).
    assert rows == reference(HouseholdSerializer, Household, rows, viewer_province)
    assert {dict(row)["head_name"] for row in rows} == {None}


def test_incidents_list_shows_each_incident_as_the_full_serializer_does_to_police(
    client, officer_a, ward_a
):
    group = f.ResidentialGroupFactory(ward=ward_a)
    f.IncidentFactory(
        ward=ward_a,
        group=group,
        tip=f.TipFactory(ward=ward_a),
        occurred_at=timezone.make_aware(dt.datetime(2025, 1, 28, 23, 45)),
        summary="Đánh nhau gây thương tích đêm giao thừa",
        latitude=Decimal("10.776889"),
        longitude=Decimal("106.700806"),
    )
    f.IncidentFactory(ward=ward_a, occurred_at=dt.datetime(2024, 6, 1, 2, 5, tzinfo=dt.UTC))
    client.force_login(officer_a)

    rows = results(client.get("/api/v1/incidents/"))

    assert len(rows) == 2
    assert rows == reference(IncidentSerializer, Incident, rows)
    logged = SensitiveRead.objects.get(user=officer_a)
    assert logged.object_ids == [dict(row)["id"] for row in rows]


def test_commitments_list_shows_each_commitment_as_the_full_serializer_does(
    client, clerk_a, ward_a
):
    group = f.ResidentialGroupFactory(ward=ward_a)
    f.CommitmentFactory(household=f.HouseholdFactory(group=group), year=2025)
    f.CommitmentFactory(
        household=None,
        organisation=f.OrganisationFactory(ward=ward_a, group=group),
        ward=ward_a,
        kind=Commitment.Kind.FIRE_SAFETY,
    )
    client.force_login(clerk_a)

    rows = results(client.get("/api/v1/commitments/"))

    assert len(rows) == 2
    assert rows == reference(CommitmentSerializer, Commitment, rows)


WARD_LISTS = sorted(
    (prefix, viewset)
    for prefix, viewset, _basename in router.registry
    if issubclass(viewset, WardRecordViewSet)
)
# One row per subject and year: these grow by year.
BY_YEAR = {Appraisal: f.AppraisalFactory, SafetyRecognition: f.SafetyRecognitionFactory}


def make_three(model, ward):
    for year in (2021, 2022, 2023):
        if model in BY_YEAR:
            BY_YEAR[model](ward=ward, year=year)
        else:
            BUILDERS[model].make(ward, True)


@pytest.mark.parametrize(("prefix", "viewset"), WARD_LISTS, ids=[p for p, _v in WARD_LISTS])
def test_every_list_answers_what_drfs_own_path_answers(
    client, admin_user, ward_a, drf_path, prefix, viewset
):
    make_three(viewset.model, ward_a)
    client.force_login(admin_user)
    url = f"/api/v1/{prefix}/?page_size=2&page=2"

    with CaptureQueriesContext(connection) as lean_queries:
        lean = client.get(url)
    drf_path()
    with CaptureQueriesContext(connection) as drf_queries:
        drf = client.get(url)

    assert lean.status_code == drf.status_code == 200
    assert lean.content == drf.content
    assert len(lean_queries) == len(drf_queries)


@pytest.fixture
def many_households(ward_a):
    group = f.ResidentialGroupFactory(ward=ward_a)
    for n, name in enumerate(["Trần Văn Bình", "Lê Thị Cúc", "Phạm Minh Đức", "Võ Thị Én"]):
        f.HouseholdFactory(group=group, head_name=name, member_count=n + 1)
        f.HouseholdFactory(
            group=group,
            phone="",
            active=n % 2 == 0,
            member_count=n + 10,
            residence=Household.Residence.TEMPORARY,
        )


@pytest.mark.parametrize(
    "query",
    [
        "page_size=3&page=2",
        "page_size=3&page=3",
        "ordering=-member_count&page_size=4",
        "ordering=head_name&page_size=5&page=2",
        "residence=temporary&active=false",
    ],
)
def test_households_pages_are_byte_for_byte_those_of_drfs_path(
    client, clerk_a, many_households, drf_path, settings, query
):
    settings.API_EXACT_COUNT_LIMIT = 5  # past it count is null, with count_at_least
    client.force_login(clerk_a)

    lean = client.get(f"/api/v1/households/?{query}")
    drf_path()
    drf = client.get(f"/api/v1/households/?{query}")

    assert lean.status_code == drf.status_code == 200
    assert lean.content == drf.content


def cursor_walk(client, url):
    """Each page's rows and the positions its links point to (the signed tokens carry a time)."""
    walk = []
    while url:
        page = client.get(url).json()
        links = {}
        for name in ("next", "previous"):
            if page[name]:
                (token,) = parse_qs(urlsplit(page[name]).query)["cursor"]
                links[name] = signing.loads(token, salt=CURSOR_SALT)
        walk.append((page["results"], links))
        url = page["next"]
    return walk


def test_cursor_pages_are_those_of_drfs_path(client, clerk_a, many_households, drf_path):
    client.force_login(clerk_a)
    lean = cursor_walk(client, "/api/v1/households/?cursor=&page_size=3&ordering=id")
    drf_path()
    drf = cursor_walk(client, "/api/v1/households/?cursor=&page_size=3&ordering=id")

    assert len(lean) == 3
    assert lean == drf


def test_datetimes_follow_the_active_time_zone_as_drf_does(ward_a):
    household = f.HouseholdFactory(group=f.ResidentialGroupFactory(ward=ward_a))
    lean = lean_representation(HouseholdSerializer)
    queryset = Household.objects.filter(pk=household.pk)
    household.refresh_from_db()

    for zone in ("Asia/Ho_Chi_Minh", "UTC", "America/St_Johns"):
        with timezone.override(zone):
            (row,) = lean.represent(lean.rows(queryset))
            assert row == HouseholdSerializer(household).data


def test_decimals_follow_drfs_settings(client, officer_a, ward_a, drf_path, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "COERCE_DECIMAL_TO_STRING": False}
    f.IncidentFactory(ward=ward_a, latitude=Decimal("21.028511"), longitude=Decimal("105.804817"))
    client.force_login(officer_a)

    lean = client.get("/api/v1/incidents/")
    drf_path()
    drf = client.get("/api/v1/incidents/")

    assert lean.json()["results"][0]["latitude"] == 21.028511
    assert lean.content == drf.content


class ShoutingHouseholdSerializer(HouseholdSerializer):
    def to_representation(self, instance):
        answer = super().to_representation(instance)
        answer["head_name"] = answer["head_name"].upper()
        return answer


class HouseholdWithLabelSerializer(HouseholdSerializer):
    residence_label = serializers.CharField(source="get_residence_display", read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = (*HouseholdSerializer.Meta.fields, "residence_label")


class HouseholdWithWardCodeSerializer(HouseholdSerializer):
    ward_code = serializers.CharField(source="ward.code", read_only=True)

    class Meta(HouseholdSerializer.Meta):
        fields = (*HouseholdSerializer.Meta.fields, "ward_code")


@pytest.mark.parametrize(
    "serializer_class",
    [ShoutingHouseholdSerializer, HouseholdWithLabelSerializer, HouseholdWithWardCodeSerializer],
)
def test_a_serializer_the_rows_cannot_reproduce_keeps_drfs_path(serializer_class):
    assert lean_representation(serializer_class) is None
