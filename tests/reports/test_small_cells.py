"""Small-cell suppression of the residential-group breakdown (issue 15, item 13).

"1 drug incident in Tổ 5" points at a family: for clerks and steering viewers, figures of
police-only records in a ``by=group`` breakdown that are above 0 and below STATS_MIN_CELL_SIZE
are hidden, with one more cell so that the ward total cannot give them back, the same way in
the API and on the dashboard. Ward police and administrators see every figure.
"""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from households.models import Household
from reports.dashboard.content import RANKING
from reports.statistics import rollup
from reports.statistics.disclosure import is_sensitive
from tests.factories import (
    HouseholdFactory,
    IncidentFactory,
    ReintegrationCaseFactory,
    ResidentialGroupFactory,
)
from wardsecurity.models import User

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/"
NO_GROUP = "Không thuộc tổ dân phố nào"
ASKED = {"scope": "ward:91001", "period": "year:2023", "by": "group"}


def moment(month, day):
    return timezone.make_aware(dt.datetime(2023, month, day, 10))


def stats(user, **params):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(STATS, {**ASKED, **params})
    assert response.status_code == 200, response.content
    return {row["group"]["name"]: row["metrics"] for row in response.json()["breakdown"]}


@pytest.fixture
def viewer_a(ward_a):
    return User.objects.create(
        username="viewer_a", role=User.Role.STEERING_VIEWER, scope_kind="ward", scope_ward=ward_a
    )


@pytest.fixture
def groups(ward_a):
    """Tổ 1: 1 drug incident (small); Tổ 2: 5 (large); Tổ 3: 8 (large); Tổ 4: none.
    Tổ 1 has 1 household, the others 4 (not police records: never hidden)."""
    made = {}
    for name, count in (("Tổ 1", 1), ("Tổ 2", 5), ("Tổ 3", 8), ("Tổ 4", 0)):
        group = ResidentialGroupFactory(ward=ward_a, name=name)
        for _ in range(1 if name == "Tổ 1" else 4):
            HouseholdFactory(group=group, ward=ward_a)
        for i in range(count):
            IncidentFactory(
                ward=ward_a, group=group, category="drugs", occurred_at=moment(3, i + 1)
            )
        made[name] = group
    Household.objects.filter(ward=ward_a).update(created_at=moment(1, 1) - dt.timedelta(days=400))
    rollup.process_dirty()
    return made


def test_metrics_of_police_records_are_the_sensitive_ones():
    for key in ("incidents", "incidents.drugs", "suspects", "tips_received", "tips_verified",
                "reintegration_active", "reintegration_managed", "video_extractions"):  # fmt: skip
        assert is_sensitive(key), key
    for key in ("households", "cameras_active", "commitment_coverage_pct", "outreach_sessions"):
        assert not is_sensitive(key), key


@pytest.mark.parametrize("persona", ["clerk_a", "viewer_a"])
def test_a_small_cell_and_its_complement_are_hidden_from_other_roles(request, groups, persona):
    user = request.getfixturevalue(persona)
    rows = stats(user, metrics="incidents.drugs,households")
    drugs = {name: row["incidents.drugs"] for name, row in rows.items()}
    # Tổ 1 (1 incident) is hidden, and Tổ 2 (5, the smallest other) with it: the ward's total
    # (14) less the groups shown (8 and 0) gives 6 for the two, not Tổ 1's figure.
    for name in ("Tổ 1", "Tổ 2"):
        entry = drugs[name]
        assert entry["no_value"] == "suppressed", (name, entry)
        assert entry["value"] is None and entry["previous"] is None
        assert entry["change"] is None and entry["change_pct"] is None
    assert drugs["Tổ 3"]["value"] == 8 and "no_value" not in drugs["Tổ 3"]
    assert drugs["Tổ 4"]["value"] == 0
    # Not police records: never hidden.
    assert {name: row["households"]["value"] for name, row in rows.items()} == {
        "Tổ 1": 1, "Tổ 2": 4, "Tổ 3": 4, "Tổ 4": 4, NO_GROUP: 0,
    }  # fmt: skip


@pytest.mark.parametrize("persona", ["officer_a", "admin_user"])
def test_ward_police_and_administrators_see_every_figure(request, groups, persona):
    rows = stats(request.getfixturevalue(persona), metrics="incidents.drugs")
    values = {name: row["incidents.drugs"]["value"] for name, row in rows.items()}
    assert values == {"Tổ 1": 1, "Tổ 2": 5, "Tổ 3": 8, "Tổ 4": 0, NO_GROUP: 0}


def test_a_lone_small_cell_hides_the_whole_column(ward_a, clerk_a):
    """One group had 2 people in reintegration, the others none: hiding that cell alone would
    leave it as the ward's total; every group's cell of the metric is hidden instead."""
    group = ResidentialGroupFactory(ward=ward_a, name="Tổ 1")
    ResidentialGroupFactory(ward=ward_a, name="Tổ 2")
    for _ in range(2):
        ReintegrationCaseFactory(ward=ward_a, group=group, started_on=dt.date(2023, 2, 1))
    rollup.process_dirty()
    rows = stats(clerk_a, metrics="reintegration_active")
    assert all(row["reintegration_active"]["no_value"] == "suppressed" for row in rows.values())
    assert all(row["reintegration_active"]["value"] is None for row in rows.values())


def test_a_small_figure_of_the_same_period_is_hidden_too(ward_a, clerk_a):
    group = ResidentialGroupFactory(ward=ward_a, name="Tổ 1")
    other = ResidentialGroupFactory(ward=ward_a, name="Tổ 2")
    IncidentFactory(
        ward=ward_a, group=group, occurred_at=timezone.make_aware(dt.datetime(2022, 5, 1))
    )
    for i in range(4):
        IncidentFactory(ward=ward_a, group=group, occurred_at=moment(5, i + 1))
        IncidentFactory(ward=ward_a, group=other, occurred_at=moment(6, i + 1))
    rollup.process_dirty()
    rows = stats(clerk_a, metrics="incidents")
    # Tổ 1: 4 this year but 1 the year before, which its change (+3) would give away.
    assert rows["Tổ 1"]["incidents"]["no_value"] == "suppressed"
    assert rows["Tổ 1"]["incidents"]["change"] is None


def test_the_minimum_cell_size_is_a_setting(groups, clerk_a, settings):
    settings.STATS_MIN_CELL_SIZE = 6
    rows = stats(clerk_a, metrics="incidents.drugs")
    # Tổ 1 (1) and Tổ 2 (5) are small now; Tổ 3 (8) is hidden with them.
    hidden = {name for name, row in rows.items() if row["incidents.drugs"].get("no_value")}
    assert hidden == {"Tổ 1", "Tổ 2", "Tổ 3"}


def test_a_cached_answer_for_the_police_is_never_served_to_a_clerk(groups, officer_a, clerk_a):
    """Officer and clerk of one ward share a scope: the role is part of the cache key."""
    assert stats(officer_a, metrics="incidents.drugs")["Tổ 1"]["incidents.drugs"]["value"] == 1
    assert stats(clerk_a, metrics="incidents.drugs")["Tổ 1"]["incidents.drugs"]["value"] is None
    assert stats(officer_a, metrics="incidents.drugs")["Tổ 1"]["incidents.drugs"]["value"] == 1


def test_the_dashboard_group_table_hides_the_same_cells_with_a_note(groups, clerk_a, officer_a):
    asked = {"scope": "ward:91001", "period": "year:2023", "calendar": "civil"}

    def incidents_column(user):
        client = Client()
        client.force_login(user)
        page = client.get("/dashboard/", asked)
        assert page.status_code == 200
        column = RANKING.index("incidents")
        cells = {row["name"]: row["cells"][column] for row in page.context["groups"]}
        return page, {name: cell["value"] for name, cell in cells.items()}

    page, shown = incidents_column(clerk_a)
    assert shown["Tổ 1"] == shown["Tổ 2"] == "ẩn"
    assert shown["Tổ 3"] == "8"
    body = page.content.decode()
    assert "ẩn: số liệu hồ sơ nghiệp vụ công an" in body
    page, shown = incidents_column(officer_a)
    assert shown["Tổ 1"] == "1" and shown["Tổ 2"] == "5"
    assert "ẩn: số liệu" not in page.content.decode()
