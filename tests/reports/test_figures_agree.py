"""Issue 12, "Figures that agree everywhere": each thing a new user saw, as a regression test.

1. A ratio asked alone (or with only one of its parts) was null or 0.0; the dashboard's tiles
   and ward ranking showed 0,0 % and "–" while the .docx had the true rate.
2. ``by=group`` put every commitment under "no group"; ticks on a group's commitment sheet did
   not reach the dashboard's group table.
3. The mediation success rate went over 100 % (closings in the period / receipts in it).
6. Commitments counted by signing date, so the civil and the reporting calendar disagreed.
7. e-ID running totals were summed over the period.
8. Reintegration had no "managed at any time in the period".
9. Documents wrote a change from zero when the same period had no data at all.
"""

import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from rest_framework.test import APIClient

from households.models import Household
from reports.statistics import rollup
from tests.factories import (
    CameraFactory,
    CommitmentFactory,
    EidTallyFactory,
    HouseholdFactory,
    MediationCaseFactory,
    ReintegrationCaseFactory,
    ResidentialGroupFactory,
)

pytestmark = pytest.mark.django_db

STATS = "/api/v1/stats/"


def entered(households, day):
    """The households were entered into the portal on ``day``."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    Household.objects.filter(pk__in=[h.pk for h in households]).update(created_at=moment)


@pytest.fixture
def tinh(ward_a):
    """Ward A's Tổ 1: 4 households since 2022, 3 of them committed for 2023 (one signed after 14
    August); 2 mediation cases received in Q2 2023 and resolved in Q3, 1 received and resolved
    in Q3."""
    group = ResidentialGroupFactory(ward=ward_a, name="Tổ 1")
    households = [HouseholdFactory(group=group, ward=ward_a) for _ in range(4)]
    entered(households, dt.date(2022, 1, 10))
    for household, signed in zip(
        households, (dt.date(2023, 3, 1), dt.date(2023, 5, 2), dt.date(2023, 8, 20)), strict=False
    ):
        CommitmentFactory(household=household, year=2023, signed_on=signed)
    for received, closed in (
        (dt.date(2023, 6, 20), dt.date(2023, 7, 5)),
        (dt.date(2023, 6, 25), dt.date(2023, 7, 8)),
        (dt.date(2023, 7, 10), dt.date(2023, 7, 20)),
    ):
        MediationCaseFactory(
            ward=ward_a, received_on=received, closed_on=closed, outcome="resolved"
        )
    rollup.process_dirty()
    return group


def stats(user, **params):
    client = APIClient()
    client.force_authenticate(user)
    response = client.get(STATS, params)
    assert response.status_code == 200, response.content
    return response.json()


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# 1. -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "metrics",
    [
        "commitment_coverage_pct",
        "commitment_coverage_pct,households",
        "households,commitments_signed,commitment_coverage_pct",
    ],
)
def test_coverage_is_the_same_whatever_else_is_asked(officer_a, tinh, ward_a, metrics):
    body = stats(officer_a, scope=f"ward:{ward_a.code}", period="months:2023:8", metrics=metrics)
    figure = body["metrics"]["commitment_coverage_pct"]
    assert (figure["value"], figure["numerator"], figure["denominator"]) == (75.0, 3, 4)


@pytest.mark.parametrize(
    "metrics", ["mediation_success_pct", "mediation_success_pct,mediation_resolved"]
)
def test_mediation_success_is_the_same_whatever_else_is_asked(officer_a, tinh, metrics):
    body = stats(officer_a, period="quarter:2023-Q3", metrics=metrics)
    figure = body["metrics"]["mediation_success_pct"]
    assert (figure["value"], figure["numerator"], figure["denominator"]) == (100.0, 1, 1)


def test_the_dashboard_tiles_and_the_ranking_show_the_true_rates(viewer_city, tinh, cluster_a):
    client = signed_in(viewer_city)
    period = {"period": "months:2023:8", "calendar": "civil"}
    page = client.get("/dashboard/", {"scope": "ward:91001", **period})
    tiles = {tile.key: tile.value for tile in page.context["tiles"]}
    assert tiles["commitment_coverage_pct"] == "75,0%"
    assert tiles["mediation_success_pct"] == "100,0%"
    page = client.get("/dashboard/", {"scope": f"cluster:{cluster_a.pk}", **period})
    assert page.context["rank"] == "commitment_coverage_pct"  # the default ranking
    first = page.context["ranking"][0]
    assert first["name"] == "Phường An Bình"
    assert [cell["value"] for cell in first["cells"]][-1] == "75,0%"


# 2. -------------------------------------------------------------------------------------------


def test_commitments_break_down_by_their_households_group(officer_a, tinh, ward_a):
    body = stats(officer_a, period="year:2023", by="group", metrics="commitments_signed")
    rows = {row["group"]["name"]: row["metrics"] for row in body["breakdown"]}
    assert rows["Tổ 1"]["commitments_signed"]["value"] == 3
    assert rows["Không thuộc tổ dân phố nào"]["commitments_signed"]["value"] == 0


def test_ticks_on_the_commitment_sheet_reach_the_group_table(clerk_a, officer_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a, name="Tổ 1")
    households = [HouseholdFactory(group=group, ward=ward_a) for _ in range(3)]
    today = timezone.localdate()
    client = signed_in(clerk_a)
    url = reverse("household_sheets:commitments", kwargs={"pk": group.pk})
    ticks = [f"{h.pk}:safe_area_registration" for h in households]
    response = client.post(
        f"{url}?year={today.year}",
        {"signed_on": today.isoformat(), "signed": ticks},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.context["headline"] == (3, 3, 100.0)
    rollup.process_dirty()
    page = signed_in(officer_a).get("/dashboard/", {"scope": f"ward:{ward_a.code}"})
    rows = {row["name"]: row["cells"] for row in page.context["groups"]}
    coverage = {cell["header"]: cell["value"] for cell in rows["Tổ 1"]}["Tỷ lệ hộ ký cam kết"]
    assert coverage == "100,0%"


# 3. -------------------------------------------------------------------------------------------


def test_mediation_success_never_exceeds_100_percent(officer_a, tinh):
    figure = stats(officer_a, period="quarter:2023-Q3")["metrics"]["mediation_success_pct"]
    assert figure["value"] == 100.0
    assert 0 <= figure["numerator"] <= figure["denominator"]
    closed = stats(officer_a, period="quarter:2023-Q3", metrics="mediation_resolved")
    assert closed["metrics"]["mediation_resolved"]["value"] == 3  # closed in Q3, any receipt


# 6. -------------------------------------------------------------------------------------------


def test_both_calendars_count_the_commitments_of_the_year(officer_a, tinh):
    for calendar in ("civil", "reporting"):
        body = stats(
            officer_a, period="months:2023:8", calendar=calendar, metrics="commitment_coverage_pct"
        )
        assert body["metrics"]["commitment_coverage_pct"]["value"] == 75.0, calendar


# 7. -------------------------------------------------------------------------------------------


def test_eid_running_totals_are_not_added_up(officer_a, ward_a):
    group = ResidentialGroupFactory(ward=ward_a)
    for day, cards in ((dt.date(2023, 1, 31), 100), (dt.date(2023, 2, 28), 150)):
        EidTallyFactory(ward=ward_a, group=group, recorded_on=day, chip_cards=cards)
    EidTallyFactory(ward=ward_a, recorded_on=dt.date(2023, 3, 15), chip_cards=40)  # the ward's
    rollup.process_dirty()
    figures = stats(officer_a, period="quarter:2023-Q1", metrics="chip_cards")["metrics"]
    assert figures["chip_cards"]["value"] == 190
    january = stats(officer_a, period="month:2023-01", metrics="chip_cards")["metrics"]
    assert january["chip_cards"]["value"] == 100


# 8. -------------------------------------------------------------------------------------------


def test_reintegration_counts_the_people_managed_in_the_period(officer_a, ward_a):
    for started, ended in (
        (dt.date(2021, 5, 1), dt.date(2022, 6, 30)),  # managed in 2022, ended then
        (dt.date(2022, 3, 1), None),  # started in 2022
        (dt.date(2020, 2, 1), None),  # managed throughout
        (dt.date(2019, 2, 1), dt.date(2021, 12, 31)),  # ended before 2022
    ):
        ReintegrationCaseFactory(ward=ward_a, started_on=started, ended_on=ended)
    rollup.process_dirty()
    metrics = "reintegration_managed,reintegration_active,reintegration_started"
    figures = stats(officer_a, period="year:2022", metrics=metrics)["metrics"]
    assert figures["reintegration_managed"]["value"] == 3
    assert figures["reintegration_active"]["value"] == 2
    assert figures["reintegration_started"]["value"] == 1


# 9. -------------------------------------------------------------------------------------------


def test_no_data_for_the_same_period_is_said_as_such(officer_a, tinh, ward_a):
    CameraFactory(ward=ward_a, installed_on=dt.date(2023, 2, 1))
    rollup.process_dirty()
    body = stats(officer_a, period="months:2023:8", metrics="commitment_coverage_pct")
    assert body["metrics"]["commitment_coverage_pct"] == {
        "value": 75.0, "numerator": 3, "denominator": 4, "previous": None, "change": None,
        "change_pct": None, "no_previous": "no_data",
    }  # fmt: skip
    response = signed_in(officer_a).get(
        "/api/v1/reports/",
        {"scope": f"ward:{ward_a.code}", "period": "months:2023:8", "format": "docx"},
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "Tỷ lệ hộ gia đình ký cam kết: 75,0% (3/4), chưa có số liệu cùng kỳ." in text
    assert "Số camera đang hoạt động: 1 camera, chưa có số liệu cùng kỳ." in text
    assert "điểm phần trăm so với cùng kỳ" not in text
