import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from incidents.models import Hotspot, Incident, Tip
from incidents.services import (
    hotspot_create,
    hotspot_delete,
    hotspot_update,
    incident_create,
    incident_delete,
    incident_update,
    tip_create,
    tip_delete,
    tip_update,
)
from tests.factories import HotspotFactory, IncidentFactory, TipFactory
from tests.service_matrix import Case, ServiceMatrix, error_codes, snapshot
from wardsecurity.services import OutOfScope


def tip_data(ward, **extra):
    return {
        "ward": ward.pk,
        "received_at": "2024-03-10T08:15:00+07:00",
        "channel": "hotline",
        "reporter": "Người dân tổ 4",
        "content": "Nghi vấn mua bán ma túy tại quán nước",
        "category": "drugs",
        **extra,
    }


def incident_data(ward, **extra):
    return {
        "ward": ward.pk,
        "occurred_at": "2024-03-11T22:30:00+07:00",
        "category": "drugs",
        "case_type": "criminal",
        "severity": "serious",
        "summary": "Bắt quả tang tàng trữ trái phép chất ma túy",
        "source": "patrol",
        **extra,
    }


class TestIncidentWritesByRoleAndScope(ServiceMatrix):
    cases = [
        Case(
            model=Tip,
            create=tip_create,
            update=tip_update,
            delete=tip_delete,
            factory=lambda ward: TipFactory(ward=ward),
            data=tip_data,
            change={"status": "verified"},
        ),
        Case(
            model=Incident,
            create=incident_create,
            update=incident_update,
            delete=incident_delete,
            factory=lambda ward: IncidentFactory(ward=ward),
            data=incident_data,
            change={"status": "resolved", "suspects": 2},
        ),
        Case(
            model=Hotspot,
            create=hotspot_create,
            update=hotspot_update,
            delete=hotspot_delete,
            factory=lambda ward: HotspotFactory(ward=ward),
            data=lambda ward: {"ward": ward.pk, "name": "Bến xe cũ", "designated_on": "2023-01-01"},
            change={"status": "transforming"},
        ),
    ]


def test_clerk_cannot_create_tip(clerk_a, ward_a):
    with pytest.raises(OutOfScope):
        tip_create(actor=clerk_a, data=tip_data(ward_a))
    assert not Tip.objects.exists()


def test_clerk_cannot_edit_or_delete_a_tip_of_own_ward(clerk_a, ward_a):
    tip = TipFactory(ward=ward_a)
    before = snapshot(Tip)
    with pytest.raises(OutOfScope):
        tip_update(actor=clerk_a, instance=tip, data={"status": "verified"})
    with pytest.raises(OutOfScope):
        tip_delete(actor=clerk_a, instance=tip)
    assert snapshot(Tip) == before


def test_incident_cannot_cite_another_wards_tip(officer_a, ward_a, ward_b):
    other = TipFactory(ward=ward_b)
    for tip in (other.pk, other, 10**9):
        with pytest.raises(ValidationError) as exc_info:
            incident_create(actor=officer_a, data=incident_data(ward_a, tip=tip))
        assert error_codes(exc_info, "tip") == ["other_ward"]
    assert not Incident.objects.exists()


def test_incident_cites_a_tip_of_its_ward(officer_a, ward_a):
    tip = TipFactory(ward=ward_a)
    incident = incident_create(actor=officer_a, data=incident_data(ward_a, tip=tip.pk))
    assert list(tip.incidents.all()) == [incident]


def test_tip_received_in_the_future_is_refused(officer_a, ward_a):
    later = timezone.localtime() + dt.timedelta(hours=2)
    with pytest.raises(ValidationError) as exc_info:
        tip_create(actor=officer_a, data=tip_data(ward_a, received_at=later))
    assert error_codes(exc_info, "received_at") == ["future"]
    assert not Tip.objects.exists()


def test_late_evening_local_time_stays_on_its_local_day(officer_a, ward_a):
    incident = incident_create(
        actor=officer_a, data=incident_data(ward_a, occurred_at="2024-03-11 23:30")
    )
    incident.refresh_from_db()
    assert timezone.localtime(incident.occurred_at).date() == dt.date(2024, 3, 11)


@pytest.mark.parametrize(
    ("extra", "field", "code"),
    [
        ({"occurred_at": "2024-02-30T10:00:00+07:00"}, "occurred_at", "invalid_datetime"),
        ({"occurred_at": "30/02/2024 10:00"}, "occurred_at", "invalid"),
        ({"suspects": -1}, "suspects", "min_value"),
        ({"latitude": "10.5"}, "__all__", "coordinates"),
        ({"latitude": "95", "longitude": "106"}, "latitude", "max_value"),
        ({"summary": "Tóm tắt\u202e"}, "summary", "invisible_characters"),
        ({"category": ["drugs"]}, "category", "invalid"),
    ],
)
def test_incident_create_refuses_bad_input(extra, field, code, officer_a, ward_a):
    with pytest.raises(ValidationError) as exc_info:
        incident_create(actor=officer_a, data=incident_data(ward_a, **extra))
    assert code in error_codes(exc_info, field)
    assert not Incident.objects.exists()


def test_transformed_hotspot_needs_its_date(clerk_a, ward_a):
    hotspot = HotspotFactory(ward=ward_a)
    before = snapshot(Hotspot)
    with pytest.raises(ValidationError) as exc_info:
        hotspot_update(actor=clerk_a, instance=hotspot, data={"status": "transformed"})
    assert error_codes(exc_info, "__all__") == ["transformed_on"]
    assert snapshot(Hotspot) == before
