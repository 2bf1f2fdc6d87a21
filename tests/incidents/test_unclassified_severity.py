"""Criminal cases entered before severity was recorded are "not yet classified", not "less
serious" (issue 14; docs/domain.md): migration 0009 moves back the ones migration 0006 had
classed, nobody can put a case there by hand, an officer sees them on the home page and
classifies them, and the report does not claim "no very serious case" while any remain."""

import datetime as dt
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone, translation

from incidents.models import Incident
from incidents.services import incident_create, incident_update
from incidents.views import INCIDENTS
from reports.statistics import rollup
from tests.factories import IncidentFactory
from tests.incidents.test_police_statistics import NO_GRAVE, docx_lines, theft
from tests.portal.helpers import create_data

MIGRATION = import_module("incidents.migrations.0009_severity_unclassified")
REFUSED = (
    "“Chưa phân loại” chỉ giữ cho vụ án nhập trước khi cổng ghi nhận mức độ; hãy chọn loại tội "
    "phạm (Điều 9 Bộ luật Hình sự 2015)."
)
UNCLASSIFIED = Incident.Severity.UNCLASSIFIED


def legacy_case(ward, **extra):
    """A criminal case as migration 0009 leaves one: no class anyone gave."""
    incident = IncidentFactory(
        ward=ward, category="drugs", case_type="criminal", severity="less_serious", **extra
    )
    Incident.objects.filter(pk=incident.pk).update(severity=UNCLASSIFIED)
    incident.refresh_from_db()
    return incident


@pytest.mark.django_db
def test_no_case_is_put_in_not_yet_classified_by_hand(officer_a, ward_a):
    with translation.override("vi"), pytest.raises(ValidationError) as raised:
        incident_create(actor=officer_a, data={**theft(ward_a), "severity": UNCLASSIFIED})
    assert raised.value.message_dict == {"severity": [REFUSED]}
    assert not Incident.objects.exists()
    # Nor a case that has a class.
    classed = IncidentFactory(ward=ward_a, category="drugs", case_type="criminal")
    with pytest.raises(ValidationError) as raised:
        incident_update(actor=officer_a, instance=classed, data={"severity": UNCLASSIFIED})
    assert list(raised.value.message_dict) == ["severity"]
    classed.refresh_from_db()
    assert classed.severity == "less_serious"


@pytest.mark.django_db
def test_a_legacy_case_keeps_it_while_corrected_and_leaves_it_once_classified(officer_a, ward_a):
    case = legacy_case(ward_a)
    incident_update(actor=officer_a, instance=case, data={"summary": "Tàng trữ trái phép ma túy"})
    case.refresh_from_db()
    assert (case.summary, case.severity) == ("Tàng trữ trái phép ma túy", UNCLASSIFIED)
    incident_update(actor=officer_a, instance=case, data={"severity": "serious"})
    case.refresh_from_db()
    assert case.severity == "serious"
    with pytest.raises(ValidationError):
        incident_update(actor=officer_a, instance=case, data={"severity": UNCLASSIFIED})


@pytest.mark.django_db
def test_the_api_refuses_it_with_the_vietnamese_message(client, officer_a, ward_a):
    client.force_login(officer_a)
    response = client.post(
        "/api/v1/incidents/",
        {**theft(ward_a), "severity": UNCLASSIFIED},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    assert REFUSED in str(response.json())
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_the_form_offers_it_only_to_a_case_that_has_it(client, officer_a, ward_a):
    client.force_login(officer_a)
    new = client.get(INCIDENTS.url("create"))
    assert UNCLASSIFIED not in dict(new.context["form"].fields["severity"].choices)
    classed = IncidentFactory(ward=ward_a, category="drugs", case_type="criminal")
    edit = client.get(INCIDENTS.url("update", pk=classed.pk))
    assert UNCLASSIFIED not in dict(edit.context["form"].fields["severity"].choices)
    case = legacy_case(ward_a)
    edit = client.get(INCIDENTS.url("update", pk=case.pk), HTTP_ACCEPT_LANGUAGE="vi")
    assert dict(edit.context["form"].fields["severity"].choices)[UNCLASSIFIED] == "Chưa phân loại"
    # A forged choice on the create form is refused on the field, nothing saved.
    record = IncidentFactory.build(
        ward=ward_a, category="drugs", occurred_at=timezone.make_aware(dt.datetime(2024, 3, 11))
    )
    data = create_data(client, INCIDENTS, record, case_type="criminal", severity=UNCLASSIFIED)
    response = client.post(INCIDENTS.url("create"), data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    assert "severity" in response.context["form"].errors
    assert Incident.objects.count() == 2  # the two above


@pytest.mark.django_db
def test_the_home_page_asks_the_officer_to_classify_them(client, officer_a, clerk_a, ward_a):
    legacy_case(ward_a)
    legacy_case(ward_a)
    IncidentFactory(ward=ward_a, category="drugs", case_type="criminal")
    client.force_login(officer_a)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "2 vụ án hình sự nhập trước khi cổng ghi nhận mức độ chưa được phân loại" in page
    assert f'href="{INCIDENTS.url("list")}?severity=unclassified"' in page
    # The list link finds exactly them.
    listed = client.get(INCIDENTS.url("list"), {"severity": UNCLASSIFIED})
    assert listed.status_code == 200
    assert len(listed.context["rows"]) == 2
    # A clerk does not see incidents, nor this line.
    client.force_login(clerk_a)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert "chưa được phân loại" not in page


@pytest.mark.django_db
def test_the_report_does_not_claim_no_grave_case_while_some_are_unclassified(
    client, viewer_all, ward_a
):
    when = timezone.make_aware(dt.datetime(2024, 2, 10, 9))
    IncidentFactory(ward=ward_a, category="drugs", case_type="criminal", occurred_at=when)
    rollup.process_dirty()
    cache.clear()
    client.force_login(viewer_all)
    scope = f"ward:{ward_a.code}"
    assert f"- {NO_GRAVE}" in docx_lines(client, scope=scope, period="quarter:2024-Q1")

    legacy_case(ward_a, occurred_at=when)
    rollup.process_dirty()
    cache.clear()
    lines = docx_lines(client, scope=scope, period="quarter:2024-Q1")
    assert not any(NO_GRAVE in text for text in lines)
    assert any(
        text.startswith("- Án rất nghiêm trọng, đặc biệt nghiêm trọng: 0 vụ") for text in lines
    ), lines
    assert any(text.startswith("+ Án hình sự – Chưa phân loại: 1 vụ") for text in lines), [
        text for text in lines if "hình sự" in text
    ]
    stats = client.get(
        "/api/v1/stats/",
        {"scope": scope, "period": "quarter:2024-Q1", "metrics": "criminal_cases.unclassified"},
    ).json()
    assert stats["metrics"]["criminal_cases.unclassified"]["value"] == 1


@pytest.fixture
def applied_0006():
    """Set the time migration 0006 is recorded as applied; put the real one back after."""
    sql = "SELECT applied FROM django_migrations WHERE app = 'incidents' AND name = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, [MIGRATION.LEGACY_MIGRATION])
        (real,) = cursor.fetchone()

    def set_to(when):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE django_migrations SET applied = %s WHERE app = 'incidents' AND name = %s",
                [when, MIGRATION.LEGACY_MIGRATION],
            )

    yield set_to
    set_to(real)


def now_in_db():
    with connection.cursor() as cursor:
        cursor.execute("SELECT clock_timestamp()")
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_back_only_what_0006_classed(applied_0006, ward_a):
    """Each write commits on its own, so ``updated_at`` (the transaction's time, set by the
    version trigger) tells the cases 0006 left from those saved after it."""
    untouched = IncidentFactory(ward=ward_a, category="drugs", case_type="criminal")
    saved_later = IncidentFactory(ward=ward_a, category="economic", case_type="criminal")
    graver = IncidentFactory(
        ward=ward_a, category="drugs", case_type="criminal", severity="very_serious"
    )
    accident = IncidentFactory(ward=ward_a, category="traffic_accident")
    applied_0006(now_in_db())
    # An officer saved this one after 0006, leaving the class the form showed.
    Incident.objects.filter(pk=saved_later.pk).update(summary="Đã rà soát")
    entered_after = IncidentFactory(ward=ward_a, category="cyber_fraud", case_type="criminal")

    MIGRATION.unclassify_legacy(apps, SimpleNamespace(connection=connection))
    found = dict(Incident.objects.values_list("pk", "severity"))
    assert found == {
        untouched.pk: UNCLASSIFIED,
        saved_later.pk: "less_serious",
        graver.pk: "very_serious",
        accident.pk: "",
        entered_after.pk: "less_serious",
    }
    # Backwards, the state 0006 left.
    MIGRATION.classify_again(apps, SimpleNamespace(connection=connection))
    assert Incident.objects.get(pk=untouched.pk).severity == "less_serious"
