"""Incidents as police statistics count them (issue 14 item 6; docs/domain.md): the case type, a
crime's severity under Penal Code 2015 art. 9, clearance, suspects handled, and the toll of
accidents and fires — the rules through the service, the API and the portal form, the data
migration's classification, and the figures on every surface."""

import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.utils import timezone, translation
from docx import Document

from incidents.models import CASE_TYPE_OF_CATEGORY, CaseType, Category, Incident, Severity
from incidents.services import incident_create, incident_update
from incidents.views import INCIDENTS
from reports.statistics import rollup
from reports.statistics.disclosure import is_sensitive
from reports.statistics.metrics import METRICS
from tests.factories import IncidentFactory, ResidentialGroupFactory
from tests.portal.helpers import create_data
from tests.reports.surfaces import api, check_ward_surfaces
from tests.service_matrix import error_codes, snapshot

pytestmark = pytest.mark.django_db

MIGRATION = import_module("incidents.migrations.0006_incident_case_type_from_category")
NEW_METRICS = (
    *(f"incident_cases.{value}" for value in CaseType.values),
    "criminal_cases",
    *(f"criminal_cases.{value}" for value in Severity.values),
    "criminal_cases_grave",
    "criminal_cases_cleared",
    "criminal_clearance_pct",
    "suspects_handled",
    "traffic_accident_deaths",
    "traffic_accident_injuries",
    "traffic_accident_damage_vnd",
    "fire_deaths",
    "fire_injuries",
    "fire_damage_vnd",
)
NO_GRAVE = "Không để xảy ra án rất nghiêm trọng, đặc biệt nghiêm trọng."


def theft(ward, **extra):
    """A theft (a criminal case) on the evening of 11 March 2024, local time."""
    return {
        "ward": ward.pk,
        "occurred_at": "2024-03-11T22:30:00+07:00",
        "category": "public_order_crime",
        "case_type": "criminal",
        "severity": "less_serious",
        "summary": "Trộm cắp xe máy tại nhà dân",
        "source": "victim",
        "suspects": 2,
        **extra,
    }


def accident(ward, **extra):
    return {
        "ward": ward.pk,
        "occurred_at": "2024-03-12T07:10:00+07:00",
        "category": "traffic_accident",
        "case_type": "traffic_accident",
        "summary": "Va chạm giữa xe máy và ô tô tại ngã tư",
        "source": "patrol",
        **extra,
    }


TOMORROW = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
# (what is sent, the field refused, its code, the Vietnamese message: None for Django's and
# DRF's own words for a negative number, which differ, "Vui lòng nhập giá trị lớn hơn …")
BAD = [
    pytest.param(
        accident, {"severity": "serious"}, "severity", "not_criminal",
        "Chỉ vụ án hình sự mới được phân loại mức độ nghiêm trọng theo Bộ luật Hình sự; "
        "để trống mục này với loại vụ việc này.",
        id="traffic-accident-with-a-severity",
    ),
    pytest.param(
        theft, {"severity": ""}, "severity", "required",
        "Vụ án hình sự phải được phân loại mức độ nghiêm trọng (Điều 9 Bộ luật Hình sự năm 2015).",
        id="crime-without-severity",
    ),
    pytest.param(
        theft, {"deaths": 1}, "deaths", "not_accident",
        "Số người chết, số người bị thương và thiệt hại chỉ ghi cho vụ tai nạn giao thông hoặc "
        "vụ cháy, nổ.",
        id="deaths-on-a-theft",
    ),
    pytest.param(
        theft, {"damage_vnd": 5_000_000}, "damage_vnd", "not_accident",
        "Số người chết, số người bị thương và thiệt hại chỉ ghi cho vụ tai nạn giao thông hoặc "
        "vụ cháy, nổ.",
        id="damage-on-a-theft",
    ),
    pytest.param(
        accident, {"damage_vnd": -1}, "damage_vnd", "min_value", None,
        id="negative-damage",
    ),
    pytest.param(
        accident, {"injuries": -2}, "injuries", "min_value", None,
        id="negative-injuries",
    ),
    pytest.param(
        theft, {"cleared": True, "cleared_on": "2024-03-10"}, "cleared_on", "before_occurred",
        "Ngày làm rõ không được trước ngày xảy ra vụ việc.",
        id="cleared-before-the-incident",
    ),
    pytest.param(
        theft, {"cleared": True, "cleared_on": TOMORROW}, "cleared_on", "future",
        "Không được nhập ngày trong tương lai.",
        id="cleared-in-the-future",
    ),
    pytest.param(
        theft, {"cleared": True}, "cleared_on", "required",
        "Nhập ngày vụ án được điều tra làm rõ.",
        id="cleared-without-a-date",
    ),
    pytest.param(
        theft, {"cleared_on": "2024-03-20"}, "cleared_on", "not_cleared",
        "Chỉ nhập ngày làm rõ khi vụ án đã được điều tra làm rõ.",
        id="clearance-date-of-an-uncleared-case",
    ),
    pytest.param(
        accident, {"cleared": True, "cleared_on": "2024-03-20"}, "cleared", "not_criminal",
        "Chỉ vụ án hình sự mới có kết quả điều tra làm rõ; để trống mục này với loại vụ việc "
        "này.",
        id="cleared-on-a-non-criminal-case",
    ),
    pytest.param(
        theft, {"suspects_handled": 3}, "suspects_handled", "more_than_suspects",
        "Số đối tượng đã xử lý không được lớn hơn số đối tượng của vụ việc.",
        id="more-handled-than-suspects",
    ),
    pytest.param(
        theft, {"case_type": "felony"}, "case_type", "invalid_choice",
        "Giá trị 'felony' không phải là lựa chọn hợp lệ.",
        id="unknown-case-type",
    ),
]  # fmt: skip


def message_of(exc_info, field):
    return [str(message) for error in exc_info.value.error_dict[field] for message in error]


# The rules, through the service ----------------------------------------------------------------


@pytest.mark.parametrize(("data", "extra", "field", "code", "message"), BAD)
def test_the_service_refuses_a_bad_classification_and_saves_nothing(
    data, extra, field, code, message, officer_a, ward_a
):
    before = snapshot(Incident)
    with translation.override("vi"), pytest.raises(ValidationError) as exc_info:
        incident_create(actor=officer_a, data=data(ward_a, **extra))
    assert code in error_codes(exc_info, field)
    with translation.override("vi"):
        shown = message_of(exc_info, field)
    assert message in shown if message else "lớn hơn hoặc bằng" in shown[0]
    assert snapshot(Incident) == before


def test_a_case_type_is_required(officer_a, ward_a):
    data = theft(ward_a)
    del data["case_type"], data["severity"]
    with pytest.raises(ValidationError) as exc_info:
        incident_create(actor=officer_a, data=data)
    assert error_codes(exc_info, "case_type") == ["blank"]
    assert not Incident.objects.exists()


def test_reclassifying_a_crime_as_an_accident_must_drop_its_severity(officer_a, ward_a):
    crime = incident_create(actor=officer_a, data=theft(ward_a))
    before = snapshot(Incident)
    with pytest.raises(ValidationError) as exc_info:
        incident_update(
            actor=officer_a,
            instance=crime,
            data={"case_type": "traffic_accident", "category": "traffic_accident"},
        )
    assert error_codes(exc_info, "severity") == ["not_criminal"]
    assert snapshot(Incident) == before
    changed = incident_update(
        actor=officer_a,
        instance=crime,
        data={"case_type": "traffic_accident", "severity": "", "injuries": 1},
    )
    assert (changed.case_type, changed.severity, changed.injuries) == ("traffic_accident", "", 1)


def test_a_crime_cleared_on_its_own_local_day_and_an_accident_with_its_toll_are_saved(
    officer_a, ward_a
):
    # 23:30 on 11 March in Vietnam is 16:30 UTC the same day; cleared the same local day.
    crime = incident_create(
        actor=officer_a,
        data=theft(
            ward_a,
            occurred_at="2024-03-11 23:30",
            severity="very_serious",
            cleared=True,
            cleared_on="2024-03-11",
            suspects_handled=2,
        ),
    )
    crash = incident_create(
        actor=officer_a,
        data=accident(ward_a, deaths=1, injuries=2, damage_vnd=35_000_000),
    )
    crime.refresh_from_db()
    crash.refresh_from_db()
    assert (crime.severity, crime.cleared, crime.cleared_on) == (
        "very_serious",
        True,
        dt.date(2024, 3, 11),
    )
    assert (crash.deaths, crash.injuries, crash.damage_vnd) == (1, 2, 35_000_000)


def test_the_database_holds_the_rules_for_writes_that_bypass_the_services(ward_a):
    from django.db import IntegrityError, transaction

    crime = IncidentFactory(ward=ward_a, category="public_order_crime")
    for change in (
        {"severity": ""},
        {"case_type": "traffic_accident"},
        {"deaths": 1},
        {"cleared": True},
        {"suspects_handled": crime.suspects + 1},
        {"case_type": ""},
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Incident.objects.filter(pk=crime.pk).update(**change)


# The API and the portal ------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "extra", "field", "code", "message"), BAD)
def test_the_api_answers_400_naming_the_field(
    data, extra, field, code, message, client, officer_a, ward_a
):
    client.force_login(officer_a)
    response = client.post(
        "/api/v1/incidents/",
        data(ward_a, **extra),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400, response.content
    if message and code != "invalid_choice":  # else the serializer's own check, DRF's words
        assert response.json()["fields"][field] == [message]
    else:
        first = response.json()["fields"][field][0]
        assert first.startswith(("Vui lòng", "“felony”", '"felony"')), response.json()
    assert not Incident.objects.exists()


def test_the_api_filters_by_case_type_severity_and_clearance(client, officer_a, ward_a):
    grave = IncidentFactory(
        ward=ward_a,
        category="public_order_crime",
        severity="particularly_serious",
        cleared=True,
        cleared_on=dt.date(2024, 5, 2),
        occurred_at=timezone.make_aware(dt.datetime(2024, 5, 1, 10)),
    )
    minor = IncidentFactory(ward=ward_a, category="economic")
    crash = IncidentFactory(ward=ward_a, category="traffic_accident", deaths=1)
    client.force_login(officer_a)

    def found(**params):
        response = client.get("/api/v1/incidents/", params)
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert found(case_type="criminal") == sorted([grave.pk, minor.pk])
    assert found(case_type="traffic_accident") == [crash.pk]
    assert found(severity="particularly_serious") == [grave.pk]
    assert found(cleared="true") == [grave.pk]
    assert found(cleared="false") == sorted([minor.pk, crash.pk])
    assert client.get("/api/v1/incidents/", {"severity": "grave"}).status_code == 400
    assert client.get("/api/v1/incidents/", {"cleared": "maybe"}).status_code == 400
    row = client.get(f"/api/v1/incidents/{crash.pk}/").json()
    assert (row["case_type"], row["severity"], row["deaths"], row["damage_vnd"]) == (
        "traffic_accident",
        "",
        1,
        0,
    )


@pytest.mark.parametrize(
    ("category", "changes", "field", "message"),
    [
        (
            "traffic_accident",
            {"severity": "serious"},
            "severity",
            "Chỉ vụ án hình sự mới được phân loại mức độ nghiêm trọng theo Bộ luật Hình sự; "
            "để trống mục này với loại vụ việc này.",
        ),
        (
            "public_order_crime",
            {"deaths": 2},
            "deaths",
            "Số người chết, số người bị thương và thiệt hại chỉ ghi cho vụ tai nạn giao thông "
            "hoặc vụ cháy, nổ.",
        ),
        (
            "social_evils",
            {"cleared": True, "cleared_on": dt.date(2024, 3, 20)},
            "cleared",
            "Chỉ vụ án hình sự mới có kết quả điều tra làm rõ; để trống mục này với loại vụ "
            "việc này.",
        ),
    ],
)
def test_the_portal_form_shows_the_error_on_the_field(
    category, changes, field, message, client, officer_a, ward_a
):
    client.force_login(officer_a)
    record = IncidentFactory.build(
        ward=ward_a, category=category, occurred_at=timezone.make_aware(dt.datetime(2024, 3, 11))
    )
    data = create_data(client, INCIDENTS, record, **changes)
    response = client.post(INCIDENTS.url("create"), data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not Incident.objects.exists()


def test_the_portal_form_saves_a_cleared_crime(client, officer_a, ward_a):
    client.force_login(officer_a)
    record = IncidentFactory.build(
        ward=ward_a,
        category="drugs",
        severity="serious",
        occurred_at=timezone.make_aware(dt.datetime(2024, 3, 11, 9)),
        cleared=True,
        cleared_on=dt.date(2024, 3, 15),
        suspects_handled=1,
    )
    response = client.post(INCIDENTS.url("create"), create_data(client, INCIDENTS, record))
    assert response.status_code == 302
    saved = Incident.objects.get()
    assert (saved.case_type, saved.severity, saved.cleared_on) == (
        "criminal",
        "serious",
        dt.date(2024, 3, 15),
    )


# The data migration ----------------------------------------------------------------------------


def test_the_migration_classifies_existing_incidents_by_their_category(ward_a):
    """Rows as the migration found them (no case type yet: the added column's default, "other")
    get the case type of their category; crimes the lowest class of art. 9."""
    rows = {
        category: IncidentFactory(ward=ward_a, category=category, case_type="other", severity="").pk
        for category in Category.values
    }
    MIGRATION.fill_case_type(apps, None)
    found = {
        row.category: (row.case_type, row.severity)
        for row in Incident.objects.filter(pk__in=rows.values())
    }
    expected = {
        "public_order_crime": ("criminal", "less_serious"),
        "drugs": ("criminal", "less_serious"),
        "economic": ("criminal", "less_serious"),
        "cyber_fraud": ("criminal", "less_serious"),
        "environment_food": ("administrative", ""),
        "traffic_violation": ("administrative", ""),
        "urban_order": ("administrative", ""),
        "domestic_violence": ("administrative", ""),
        "weapons_firecrackers": ("administrative", ""),
        "social_evils": ("social_evils", ""),
        "traffic_accident": ("traffic_accident", ""),
        "fire_explosion": ("fire_explosion", ""),
        "civil_dispute": ("other", ""),
        "other": ("other", ""),
    }
    assert found == expected
    # The migration keeps its own copy of the mapping the model documents.
    assert {
        str(category): str(case_type) for category, case_type in CASE_TYPE_OF_CATEGORY.items()
    } == MIGRATION.CASE_TYPE_OF_CATEGORY


# The figures -----------------------------------------------------------------------------------


def moment(month, day, hour=10):
    return timezone.make_aware(dt.datetime(2024, month, day, hour))


def build_year(ward):
    """Criminal cases of every class, some cleared, and accidents and fires with their toll."""
    group = ResidentialGroupFactory(ward=ward, name="Tổ dân phố 3")
    crimes = [
        ("less_serious", True, 2, 2),
        ("less_serious", False, 1, 0),
        ("serious", True, 3, 1),
        ("very_serious", True, 1, 1),
        ("particularly_serious", False, 0, 0),
    ]
    for i, (severity, cleared, suspects, handled) in enumerate(crimes, start=1):
        IncidentFactory(
            ward=ward,
            group=group,
            category="public_order_crime",
            severity=severity,
            occurred_at=moment(i, 5),
            cleared=cleared,
            cleared_on=dt.date(2024, i, 20) if cleared else None,
            suspects=suspects,
            suspects_handled=handled,
        )
    for i, (deaths, injuries, damage) in enumerate([(1, 2, 40_000_000), (0, 3, 12_500_000)]):
        IncidentFactory(
            ward=ward,
            category="traffic_accident",
            occurred_at=moment(6 + i, 3),
            deaths=deaths,
            injuries=injuries,
            damage_vnd=damage,
            suspects=0,
        )
    IncidentFactory(
        ward=ward,
        category="fire_explosion",
        occurred_at=moment(8, 9),
        deaths=0,
        injuries=1,
        damage_vnd=850_000_000,
        suspects=0,
    )
    IncidentFactory(ward=ward, category="social_evils", occurred_at=moment(9, 1))
    IncidentFactory(ward=ward, category="urban_order", occurred_at=moment(9, 2))
    # Outside the year: not counted.
    before = moment(1, 1) - dt.timedelta(days=400)
    IncidentFactory(ward=ward, category="public_order_crime", occurred_at=before)


def direct_counts(ward, start, end):
    """Each new metric restated as a plain count over the incidents of the period."""
    rows = Incident.objects.filter(
        ward=ward, occurred_at__date__gte=start, occurred_at__date__lte=end
    )
    crimes = rows.filter(case_type="criminal")

    def total(queryset, field):
        return queryset.aggregate(n=Sum(field))["n"] or 0

    counts = {f"incident_cases.{v}": rows.filter(case_type=v).count() for v in CaseType.values}
    counts |= {f"criminal_cases.{v}": crimes.filter(severity=v).count() for v in Severity.values}
    accidents = rows.filter(case_type="traffic_accident")
    fires = rows.filter(case_type="fire_explosion")
    counts |= {
        "criminal_cases": crimes.count(),
        "criminal_cases_grave": crimes.filter(
            severity__in=["very_serious", "particularly_serious"]
        ).count(),
        "criminal_cases_cleared": crimes.filter(cleared=True).count(),
        "suspects_handled": total(rows, "suspects_handled"),
        "traffic_accident_deaths": total(accidents, "deaths"),
        "traffic_accident_injuries": total(accidents, "injuries"),
        "traffic_accident_damage_vnd": total(accidents, "damage_vnd"),
        "fire_deaths": total(fires, "deaths"),
        "fire_injuries": total(fires, "injuries"),
        "fire_damage_vnd": total(fires, "damage_vnd"),
    }
    rate = Decimal(counts["criminal_cases_cleared"] * 100) / counts["criminal_cases"]
    counts["criminal_clearance_pct"] = rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return counts


def test_every_new_metric_is_registered_and_police_only(db):
    assert set(NEW_METRICS) <= set(METRICS)
    assert all(is_sensitive(key) for key in NEW_METRICS)
    assert METRICS["criminal_clearance_pct"].parts == ("criminal_cases_cleared", "criminal_cases")


def test_the_stats_api_equals_a_direct_count(client, viewer_all, ward_a):
    build_year(ward_a)
    rollup.process_dirty()
    cache.clear()
    client.force_login(viewer_all)
    answer = api(client, scope=f"ward:{ward_a.code}", period="year:2024", compare="none")
    expected = direct_counts(ward_a, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    shown = {key: Decimal(str(answer["metrics"][key]["value"])) for key in NEW_METRICS}
    assert shown == {key: Decimal(str(value)) for key, value in expected.items()}
    # Not a figure that cannot fail: the year has crimes of every class, cleared and not.
    assert expected["criminal_cases"] == 5 and expected["criminal_cases_grave"] == 2
    assert expected["criminal_clearance_pct"] == Decimal("60.0")
    rate = answer["metrics"]["criminal_clearance_pct"]
    assert (rate["numerator"], rate["denominator"]) == (3, 5)


def test_small_cells_of_the_new_metrics_are_hidden_from_a_clerk(client, clerk_a, officer_a, ward_a):
    build_year(ward_a)
    rollup.process_dirty()
    asked = {
        "scope": f"ward:{ward_a.code}",
        "period": "year:2024",
        "by": "group",
        "metrics": "criminal_cases_grave,criminal_cases.serious,fire_injuries",
    }
    cache.clear()
    client.force_login(clerk_a)
    for row in api(client, **asked)["breakdown"]:
        for key, entry in row["metrics"].items():
            # Tổ dân phố 3 holds 2 grave crimes and 1 serious one: small cells, hidden; the
            # fire has no group, so its injury lies in the row of records without a group.
            if row["group"]["id"] is not None and key != "fire_injuries":
                assert entry.get("no_value") == "suppressed", (key, entry)
                assert entry["value"] is None
    cache.clear()
    client.force_login(officer_a)
    group_rows = [r for r in api(client, **asked)["breakdown"] if r["group"]["id"] is not None]
    assert group_rows[0]["metrics"]["criminal_cases_grave"]["value"] == 2


def docx_lines(client, **params):
    response = client.get("/api/v1/reports/", {**params, "format": "docx"})
    assert response.status_code == 200, response.content[:300]
    return [p.text for p in Document(io.BytesIO(response.content)).paragraphs]


def test_the_report_prints_the_clearance_rate_and_the_grave_cases(client, viewer_all, ward_a):
    build_year(ward_a)
    rollup.process_dirty()
    cache.clear()
    client.force_login(viewer_all)
    scope = f"ward:{ward_a.code}"

    def line(lines, start):
        """The report's line that starts so (each is followed by its same-period phrase)."""
        found = [text for text in lines if text.startswith(start)]
        assert len(found) == 1, (start, lines)
        return found[0]

    year = docx_lines(client, scope=scope, period="year:2024")
    line(year, "- Án rất nghiêm trọng, đặc biệt nghiêm trọng: 2 vụ, ")
    line(year, "- Tỷ lệ điều tra làm rõ án hình sự: 60,0% (3/5), ")
    line(year, "- Số vụ án hình sự đã điều tra làm rõ: 3 vụ, ")
    line(year, "- Thiệt hại do tai nạn giao thông: 52.500.000 đồng, ")
    assert not any(NO_GRAVE in text for text in year)
    # January to March: two less serious crimes and a serious one, nothing graver, in both years.
    quarter = docx_lines(client, scope=scope, period="quarter:2024-Q1")
    assert f"- {NO_GRAVE}" in quarter
    line(quarter, "- Tỷ lệ điều tra làm rõ án hình sự: 66,7% (2/3), ")


def test_the_api_dashboard_and_documents_agree_on_the_new_figures(client, viewer_all, ward_a):
    build_year(ward_a)
    rollup.process_dirty()
    cache.clear()
    client.force_login(viewer_all)
    figures = check_ward_surfaces(
        client, scope=f"ward:{ward_a.code}", period="year:2024", calendar="civil"
    )
    assert figures["criminal_clearance_pct"]["value"] is not None
    page = client.get("/dashboard/", {"scope": f"ward:{ward_a.code}", "period": "year:2024"})
    tiles = {tile.key for tile in page.context["tiles"]}
    assert {"criminal_cases", "criminal_cases_grave", "criminal_clearance_pct"} <= tiles
