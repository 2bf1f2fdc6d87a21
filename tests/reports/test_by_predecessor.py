"""``by=predecessor``: a ward's figures by the former ward (before 1 July 2025) of each record's
residential group, equal to direct counts over the records (docs/statistics.md, docs/domain.md).
"""

import datetime as dt

import pytest
from django.db.models import Q, Sum
from django.utils import timezone
from rest_framework.test import APIClient

from households.models import FormerWard, Household, ResidentialGroup, WardSuccession
from incidents.models import Incident
from movement.models import OutreachSession
from reports.statistics import rollup
from tests.factories import (
    HouseholdFactory,
    IncidentFactory,
    OutreachSessionFactory,
    ResidentialGroupFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/stats/"
METRICS = "households,residents,incidents,outreach_sessions,outreach_attendees"


def at(day):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def former(code, name, ward, *, partly=False):
    unit = FormerWard.objects.create(
        code=code,
        name=name,
        kind=FormerWard.Kind.PHUONG,
        district_name="Thành phố Thử Nghiệm",
        province_name="Tỉnh Thử Nghiệm",
        search_name=name.lower(),
    )
    WardSuccession.objects.create(former_ward=unit, ward=ward, partly=partly)
    return unit


@pytest.fixture
def merged(ward_a):
    """Ward A made of phường Đông (whole) and part of phường Tây; four groups, one with no
    former ward; households, incidents and outreach sessions in and out of groups."""
    east = former("90001", "Phường Đông", ward_a)
    west = former("90002", "Phường Tây", ward_a, partly=True)
    groups = [
        ResidentialGroupFactory(ward=ward_a, name="Tổ 1", former_ward=east),
        ResidentialGroupFactory(ward=ward_a, name="Tổ 2", former_ward=east),
        ResidentialGroupFactory(ward=ward_a, name="Tổ 3", former_ward=west),
        ResidentialGroupFactory(ward=ward_a, name="Tổ 4"),
    ]
    for n, group in enumerate(groups):
        for i in range(n + 1):
            HouseholdFactory(group=group, ward=ward_a, member_count=2 + i)
        for day in range(n + 2):
            IncidentFactory(ward=ward_a, group=group, occurred_at=at(dt.date(2023, 3, 1 + day)))
        IncidentFactory(ward=ward_a, group=group, occurred_at=at(dt.date(2022, 3, 1 + n)))
        OutreachSessionFactory(
            ward=ward_a, group=group, held_on=dt.date(2023, 5, 1 + n), attendees=10 * (n + 1)
        )
    IncidentFactory(ward=ward_a, group=None, occurred_at=at(dt.date(2023, 6, 1)))
    OutreachSessionFactory(ward=ward_a, group=None, held_on=dt.date(2023, 6, 2), attendees=7)
    rollup.process_dirty()
    return east, west


def stats(user, **params):
    client = APIClient()
    client.force_authenticate(user)
    return client.get(URL, params)


def direct(condition, year):
    """The metrics counted straight from the records of ``condition`` (on the group path)."""
    # A stock: the households entered (and still resident) by the end of the year.
    households = Household.objects.filter(condition, created_at__year__lte=year, active=True)
    incidents = Incident.objects.filter(condition, occurred_at__year=year)
    sessions = OutreachSession.objects.filter(condition, held_on__year=year)
    return {
        "households": households.count(),
        "residents": households.aggregate(n=Sum("member_count"))["n"] or 0,
        "incidents": incidents.count(),
        "outreach_sessions": sessions.count(),
        "outreach_attendees": sessions.aggregate(n=Sum("attendees"))["n"] or 0,
    }


def breakdown(body):
    return {
        row["predecessor"]["id"]: {key: fig["value"] for key, fig in row["metrics"].items()}
        for row in body["breakdown"]
    }


def test_the_predecessor_breakdown_equals_a_direct_count(officer_a, merged, ward_a):
    # Households count from the day they were entered (today); incidents and sessions in 2023.
    today = timezone.localdate()
    for year in (2023, today.year):
        response = stats(officer_a, scope=f"ward:{ward_a.code}", period=f"year:{year}",
                         by="predecessor", metrics=METRICS)  # fmt: skip
        assert response.status_code == 200, response.content
        rows = breakdown(response.json())
        east, west = merged
        assert set(rows) == {east.pk, west.pk, None}
        for unit in (east, west):
            expected = direct(Q(ward=ward_a, group__former_ward=unit), year)
            assert rows[unit.pk] == expected, unit
        nobody = Q(ward=ward_a) & (Q(group__isnull=True) | Q(group__former_ward__isnull=True))
        assert rows[None] == direct(nobody, year)
        # Every record counts once: the rows add up to the ward's own figures.
        totals = response.json()["metrics"]
        for key in rows[None]:
            assert sum(row[key] for row in rows.values()) == totals[key]["value"], key


def test_each_predecessor_is_named_as_in_documents_whole_or_in_part(officer_a, merged, ward_a):
    body = stats(officer_a, period="year:2023", by="predecessor", metrics="incidents").json()
    named = [row["predecessor"] for row in body["breakdown"]]
    east, west = merged
    assert named == [
        {"id": east.pk, "code": "90001", "name": "phường Đông (cũ)", "partly": False},
        {"id": west.pk, "code": "90002", "name": "phường Tây (cũ)", "partly": True},
        {"id": None, "name": "Không thuộc xã, phường cũ nào"},
    ]
    # The same period a year earlier, per former ward: one incident per group in March 2022.
    previous = {row["predecessor"]["id"]: row["metrics"]["incidents"]["previous"]
                for row in body["breakdown"]}  # fmt: skip
    assert previous == {east.pk: 2, west.pk: 1, None: 1}


def test_moving_a_group_to_another_predecessor_moves_its_records_at_once(officer_a, merged, ward_a):
    east, west = merged
    before = breakdown(stats(officer_a, period="year:2023", by="predecessor",
                             metrics="incidents").json())  # fmt: skip
    ResidentialGroup.objects.filter(name="Tổ 1").update(former_ward=west)
    after = breakdown(stats(officer_a, period="year:2023", by="predecessor",
                            metrics="incidents", compare="none").json())  # fmt: skip
    moved = Incident.objects.filter(group__name="Tổ 1", occurred_at__year=2023).count()
    assert moved > 0
    assert after[east.pk]["incidents"] == before[east.pk]["incidents"] - moved
    assert after[west.pk]["incidents"] == before[west.pk]["incidents"] + moved


@pytest.mark.parametrize("scope", ["all", "province:91"])
def test_a_predecessor_breakdown_needs_a_one_ward_scope(viewer_all, merged, scope):
    response = stats(viewer_all, scope=scope, period="year:2023", by="predecessor")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        "by": ["Chỉ chia theo xã, phường cũ được khi phạm vi là một xã, phường."]
    }
