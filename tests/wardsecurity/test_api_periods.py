"""Closed periods (SPEC §6, GUARANTEES G8): closing and reopening through the API; records dated
inside a closed period are read-only for everyone until a ward police officer reopens it with a
reason, and the reopening is in the period's history.

The API resources that exist so far (households, groups, organisations) carry no period date, so
the edits are made through the named services every entry point calls (movement, incidents,
cameras); they raise the ``period_closed`` error the API turns into a 400.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cameras import services as camera_services
from incidents import services as incident_services
from movement import services as movement_services
from tests import factories as f
from wardsecurity.api.exceptions import exception_handler
from wardsecurity.models import ClosedPeriod
from wardsecurity.periods import PERIOD_CLOSED

CLOSE_URL = "/api/v1/periods/close/"
REOPEN_URL = "/api/v1/periods/reopen/"
LIST_URL = "/api/v1/periods/"
JANUARY = {"start": "2024-01-01", "end": "2024-01-31"}
INSIDE = dt.date(2024, 1, 15)
OUTSIDE = dt.date(2024, 2, 15)


def close(client, ward, **dates):
    return client.post(
        CLOSE_URL, {"ward": ward.pk, **(dates or JANUARY)}, content_type="application/json"
    )


def reopen(client, period, reason=None):
    data = {"period": period.pk}
    if reason is not None:
        data["reason"] = reason
    return client.post(REOPEN_URL, data, content_type="application/json")


@pytest.fixture
def officer(client, officer_a):
    client.force_login(officer_a)
    return client


@pytest.fixture
def january(officer, ward_a):
    response = close(officer, ward_a)
    assert response.status_code == 201, response.content
    return ClosedPeriod.objects.get(pk=response.json()["id"])


def snapshot(obj):
    return type(obj).objects.filter(pk=obj.pk).values().get()


def assert_period_closed(excinfo, field):
    error = excinfo.value
    assert field in error.error_dict
    assert [e.code for e in error.error_dict[field]] == ["period_closed"]


# Closing ------------------------------------------------------------------------------------


def test_a_ward_police_officer_closes_a_period_of_the_ward(officer, officer_a, ward_a):
    response = close(officer, ward_a)

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["ward"] == ward_a.pk
    assert (body["start"], body["end"]) == ("2024-01-01", "2024-01-31")
    assert body["closed_by"] == officer_a.pk
    assert body["reopened_at"] is None
    period = ClosedPeriod.objects.get(pk=body["id"])
    assert period.closed_by == officer_a
    (event,) = ClosedPeriod.pgh_event_model.objects.filter(pgh_obj_id=period.pk)
    assert event.pgh_label == "insert"
    assert event.pgh_context.metadata["user"] == officer_a.pk
    assert event.pgh_context.metadata["service"] == "period_close"
    # The ward's periods are listed for the ward.
    assert [p["id"] for p in officer.get(LIST_URL).json()] == [period.pk]


def test_a_clerk_cannot_close_a_period(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    response = close(client, ward_a)
    assert response.status_code == 403
    assert not ClosedPeriod.objects.exists()


@pytest.mark.parametrize("persona", ["viewer_province", "viewer_all"])
def test_a_steering_viewer_cannot_close_a_period(client, request, ward_a, persona):
    client.force_login(request.getfixturevalue(persona))
    assert close(client, ward_a).status_code == 403
    assert not ClosedPeriod.objects.exists()


def test_anonymous_cannot_close_a_period(client, ward_a):
    assert close(client, ward_a).status_code == 401
    assert not ClosedPeriod.objects.exists()


def test_another_wards_officer_cannot_close_the_ward(client, officer_b, ward_a):
    """Ward A is outside officer B's scope: 400 on the ``ward`` field, the same answer as a
    ward id that does not exist (nothing says whether ward A exists)."""
    client.force_login(officer_b)

    response = close(client, ward_a)
    missing = client.post(CLOSE_URL, {"ward": 10**9, **JANUARY}, content_type="application/json")

    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["ward"]
    assert response.json() == missing.json()
    assert not ClosedPeriod.objects.exists()


def test_an_administrator_closes_any_ward(client, admin_user, ward_c):
    client.force_login(admin_user)
    assert close(client, ward_c).status_code == 201
    assert ClosedPeriod.objects.filter(ward=ward_c).count() == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [
        ("2024-01-01", "2024-01-31"),  # the same
        ("2024-01-31", "2024-02-28"),  # shares the last day
        ("2023-12-01", "2024-01-01"),  # shares the first day
        ("2024-01-10", "2024-01-20"),  # inside
        ("2023-12-01", "2024-03-01"),  # around
    ],
)
def test_an_overlapping_close_is_refused(officer, january, ward_a, start, end):
    response = close(officer, ward_a, start=start, end=end)
    assert response.status_code == 400
    assert "start" in response.json()["fields"]
    assert ClosedPeriod.objects.count() == 1


def test_adjacent_periods_and_other_wards_do_not_overlap(
    officer, january, ward_a, admin_user, ward_b, client
):
    assert close(officer, ward_a, start="2024-02-01", end="2024-02-29").status_code == 201
    client.force_login(admin_user)
    assert close(client, ward_b).status_code == 201
    assert ClosedPeriod.objects.count() == 3


@pytest.mark.parametrize(
    "data",
    [
        {"start": "2024-02-01", "end": "2024-01-01"},  # end before start
        {"start": "2024-02-30", "end": "2024-03-01"},  # no such day
        {"start": "01/02/2024", "end": "2024-03-01"},
        {"start": "2024-01-01"},
        {"start": None, "end": "2024-01-01"},
        {"start": ["2024-01-01"], "end": "2024-01-31"},
        {"start": "2024-01-01T00:00:00", "end": 20240131},
    ],
)
def test_a_bad_close_request_answers_400(officer, ward_a, data):
    response = officer.post(CLOSE_URL, {"ward": ward_a.pk, **data}, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()
    assert not ClosedPeriod.objects.exists()


def test_unknown_fields_in_a_close_request_are_refused(officer, officer_b, ward_a):
    """SPEC §8: unknown fields are rejected (400), never silently ignored (G5).

    wardsecurity/api/views.py PeriodCloseSerializer is a plain serializers.Serializer: it
    drops ``closed_by`` (and any other unknown name) without a word and answers 201.
    """
    response = officer.post(
        CLOSE_URL,
        {"ward": ward_a.pk, **JANUARY, "closed_by": officer_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "closed_by" in response.json()["fields"]
    assert not ClosedPeriod.objects.exists()


def test_unknown_fields_in_a_reopen_request_are_refused(officer, officer_b, january):
    """Same as above for PeriodReopenSerializer (``reopened_by`` silently dropped)."""
    response = officer.post(
        REOPEN_URL,
        {"period": january.pk, "reason": "Sửa số liệu", "reopened_by": officer_b.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "reopened_by" in response.json()["fields"]
    january.refresh_from_db()
    assert january.reopened_at is None


def test_the_period_list_is_limited_to_the_scope(client, january, officer_b):
    client.force_login(officer_b)
    assert client.get(LIST_URL).json() == []


# Writes inside a closed period --------------------------------------------------------------


# (factory, update service, delete service, date field, a change)
DATED = {
    "outreach": (
        f.OutreachSessionFactory,
        movement_services.outreach_session_update,
        movement_services.outreach_session_delete,
        "held_on",
        {"topic": "Phòng chống ma túy"},
    ),
    "commendation": (
        f.CommendationFactory,
        movement_services.commendation_update,
        movement_services.commendation_delete,
        "awarded_on",
        {"issuer": "UBND tỉnh"},
    ),
    "mediation": (
        f.MediationCaseFactory,
        movement_services.mediation_case_update,
        movement_services.mediation_case_delete,
        "received_on",
        {"parties": "Hộ C và hộ D"},
    ),
    "weapon": (
        f.WeaponSurrenderFactory,
        movement_services.weapon_surrender_update,
        movement_services.weapon_surrender_delete,
        "received_on",
        {"quantity": "2.5"},
    ),
    "hotspot": (
        f.HotspotFactory,
        incident_services.hotspot_update,
        incident_services.hotspot_delete,
        "designated_on",
        {"name": "Khu chợ cũ"},
    ),
    "recorder": (
        f.RecorderFactory,
        camera_services.recorder_update,
        camera_services.recorder_delete,
        "installed_on",
        {"location": "Nhà văn hóa tổ 2"},
    ),
}


@pytest.mark.parametrize("kind", DATED)
@pytest.mark.parametrize("actor", ["officer_a", "clerk_a", "admin_user"])
def test_a_record_dated_in_a_closed_period_cannot_be_changed(request, january, ward_a, kind, actor):
    factory, update, delete, date_field, change = DATED[kind]
    user = request.getfixturevalue(actor)
    record = factory(ward=ward_a, **{date_field: INSIDE})
    before = snapshot(record)

    with pytest.raises(ValidationError) as excinfo:
        update(actor=user, instance=record, data=change)
    assert_period_closed(excinfo, date_field)
    with pytest.raises(ValidationError) as excinfo:
        delete(actor=user, instance=record)
    assert_period_closed(excinfo, date_field)
    # Moving it out of the period is a change too.
    with pytest.raises(ValidationError) as excinfo:
        update(actor=user, instance=record, data={date_field: OUTSIDE.isoformat()})
    assert_period_closed(excinfo, date_field)

    assert snapshot(record) == before


@pytest.mark.parametrize("kind", DATED)
def test_a_record_dated_outside_the_closed_period_can_be_changed(officer_a, january, ward_a, kind):
    factory, update, _delete, date_field, change = DATED[kind]
    record = factory(ward=ward_a, **{date_field: OUTSIDE})
    updated = update(actor=officer_a, instance=record, data=change)
    assert updated.version == record.version + 1


@pytest.mark.parametrize("kind", DATED)
def test_a_record_cannot_be_moved_into_a_closed_period(officer_a, january, ward_a, kind):
    factory, update, _delete, date_field, _change = DATED[kind]
    record = factory(ward=ward_a, **{date_field: OUTSIDE})
    before = snapshot(record)
    with pytest.raises(ValidationError) as excinfo:
        update(actor=officer_a, instance=record, data={date_field: INSIDE.isoformat()})
    assert_period_closed(excinfo, date_field)
    assert snapshot(record) == before


def test_another_wards_records_are_not_affected(officer_b, january, ward_b):
    record = f.OutreachSessionFactory(ward=ward_b, held_on=INSIDE)
    movement_services.outreach_session_update(actor=officer_b, instance=record, data={"topic": "X"})


def test_creating_a_record_dated_inside_a_closed_period_is_refused(officer_a, january, ward_a):
    from movement.models import OutreachSession

    data = {"ward": ward_a.pk, "topic": "Tuyên truyền", "attendees": 30}

    with pytest.raises(ValidationError) as excinfo:
        movement_services.outreach_session_create(
            actor=officer_a, data={**data, "held_on": INSIDE.isoformat()}
        )
    assert_period_closed(excinfo, "held_on")
    assert not OutreachSession.objects.exists()

    created = movement_services.outreach_session_create(
        actor=officer_a, data={**data, "held_on": OUTSIDE.isoformat()}
    )
    assert created.pk
    # Boundaries: the first and last days are inside.
    for day in ("2024-01-01", "2024-01-31"):
        with pytest.raises(ValidationError):
            movement_services.outreach_session_create(
                actor=officer_a, data={**data, "held_on": day}
            )
    movement_services.outreach_session_create(
        actor=officer_a, data={**data, "held_on": "2023-12-31"}
    )
    movement_services.outreach_session_create(
        actor=officer_a, data={**data, "held_on": "2024-02-01"}
    )
    assert OutreachSession.objects.count() == 3


@pytest.mark.parametrize(
    ("local", "inside"),
    [
        (dt.datetime(2024, 1, 31, 23, 30), True),  # 16:30 UTC, still 31 January in Vietnam
        (dt.datetime(2024, 2, 1, 0, 30), False),  # 31 January 17:30 UTC, but 1 February here
        (dt.datetime(2024, 1, 1, 0, 15), True),  # 31 December UTC
    ],
)
def test_a_timestamped_record_falls_in_the_period_of_its_local_day(
    officer_a, january, ward_a, local, inside
):
    occurred = timezone.make_aware(local)
    incident = f.IncidentFactory(ward=ward_a, occurred_at=occurred)
    if inside:
        with pytest.raises(ValidationError) as excinfo:
            incident_services.incident_update(
                actor=officer_a, instance=incident, data={"suspects": 2}
            )
        assert_period_closed(excinfo, "occurred_at")
    else:
        incident_services.incident_update(actor=officer_a, instance=incident, data={"suspects": 2})


def test_the_api_answers_a_closed_period_with_400(officer_a, january, ward_a):
    record = f.OutreachSessionFactory(ward=ward_a, held_on=INSIDE)
    with pytest.raises(ValidationError) as excinfo:
        movement_services.outreach_session_update(actor=officer_a, instance=record, data={})
    response = exception_handler(excinfo.value, {})
    assert response.status_code == 400
    assert list(response.data["fields"]) == ["held_on"]
    (message,) = response.data["fields"]["held_on"]
    assert str(message) == str(PERIOD_CLOSED)


OUTREACH_URL = "/api/v1/outreach-sessions/"


@pytest.fixture
def outreach_api(officer):
    """The outreach-sessions resource, when the movement API is installed."""
    if officer.get(OUTREACH_URL).status_code == 404:
        pytest.skip("no outreach-sessions resource in the API yet")
    return officer


def test_through_the_api_a_closed_period_is_read_only_until_reopened(outreach_api, january, ward_a):
    from movement.models import OutreachSession

    record = f.OutreachSessionFactory(ward=ward_a, held_on=INSIDE)
    url = f"{OUTREACH_URL}{record.pk}/"
    before = snapshot(record)
    etag = outreach_api.get(url).headers["ETag"]

    patch = outreach_api.patch(
        url, {"topic": "Đổi chủ đề"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    delete = outreach_api.delete(url, HTTP_IF_MATCH=etag)
    create = outreach_api.post(
        OUTREACH_URL,
        {"ward": ward_a.pk, "held_on": INSIDE.isoformat(), "topic": "Mới", "attendees": 5},
        content_type="application/json",
    )

    for response in (patch, delete, create):
        assert response.status_code == 400, response.content
        assert list(response.json()["fields"]) == ["held_on"]
        assert response.json()["fields"]["held_on"] == [str(PERIOD_CLOSED)]
    assert snapshot(record) == before
    assert OutreachSession.objects.count() == 1
    outside = outreach_api.post(
        OUTREACH_URL,
        {"ward": ward_a.pk, "held_on": OUTSIDE.isoformat(), "topic": "Mới", "attendees": 5},
        content_type="application/json",
    )
    assert outside.status_code == 201, outside.content

    assert reopen(outreach_api, january, "Nhập bổ sung").status_code == 200
    patch = outreach_api.patch(
        url, {"topic": "Đổi chủ đề"}, content_type="application/json", HTTP_IF_MATCH=etag
    )
    assert patch.status_code == 200, patch.content
    assert patch.json()["topic"] == "Đổi chủ đề"


# Reopening ----------------------------------------------------------------------------------


@pytest.mark.parametrize("reason", [None, "", "   ", "\n\t"])
def test_reopening_without_a_reason_is_refused(officer, january, reason):
    response = reopen(officer, january, reason)
    assert response.status_code == 400
    assert "reason" in response.json()["fields"]
    january.refresh_from_db()
    assert january.reopened_at is None
    assert january.version == 1


def test_a_clerk_cannot_reopen(client, clerk_a, january):
    client.force_login(clerk_a)
    assert reopen(client, january, "Sai số liệu").status_code == 403
    january.refresh_from_db()
    assert january.reopened_at is None


def test_another_wards_officer_cannot_reopen(client, officer_b, january):
    client.force_login(officer_b)
    response = reopen(client, january, "Sai số liệu")
    missing = client.post(
        REOPEN_URL, {"period": 10**9, "reason": "Sai số liệu"}, content_type="application/json"
    )
    assert response.status_code in {400, 404}
    assert response.json() == missing.json()
    january.refresh_from_db()
    assert january.reopened_at is None


def test_reopening_with_a_reason_lets_the_edit_through_and_is_in_the_history(
    officer, officer_a, january, ward_a
):
    record = f.CommendationFactory(ward=ward_a, awarded_on=INSIDE)
    with pytest.raises(ValidationError):
        movement_services.commendation_update(
            actor=officer_a, instance=record, data={"issuer": "UBND tỉnh"}
        )

    reason = "Bổ sung khen thưởng bị sót trong tháng 1"
    response = reopen(officer, january, reason)

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["reopen_reason"] == reason
    assert body["reopened_by"] == officer_a.pk
    assert body["reopened_at"] is not None
    updated = movement_services.commendation_update(
        actor=officer_a, instance=record, data={"issuer": "UBND tỉnh"}
    )
    assert updated.issuer == "UBND tỉnh"

    events = ClosedPeriod.pgh_event_model.objects.filter(pgh_obj_id=january.pk).order_by("pgh_id")
    assert [e.pgh_label for e in events] == ["insert", "update"]
    reopening = events.last()
    assert reopening.reopen_reason == reason
    assert reopening.reopened_by_id == officer_a.pk
    assert reopening.reopened_at is not None
    metadata = reopening.pgh_context.metadata
    assert metadata["reason"] == reason
    assert metadata["user"] == officer_a.pk
    assert metadata["service"] == "period_reopen"
    assert metadata["url"] == REOPEN_URL


def test_an_administrator_can_reopen(client, admin_user, january):
    client.force_login(admin_user)
    assert reopen(client, january, "Yêu cầu của tỉnh").status_code == 200


def test_a_reopened_period_cannot_be_reopened_again_and_can_be_closed_again(
    officer, january, ward_a
):
    assert reopen(officer, january, "Sửa số liệu").status_code == 200
    again = reopen(officer, january, "Lần nữa")
    assert again.status_code == 400
    january.refresh_from_db()
    assert january.reopen_reason == "Sửa số liệu"
    # Reopened periods do not block a new closing of the same span.
    assert close(officer, ward_a).status_code == 201
    listed = officer.get(LIST_URL).json()
    assert len(listed) == 2


def test_a_reopen_reason_longer_than_2000_characters_is_refused(officer, january):
    assert reopen(officer, january, "x" * 2001).status_code == 400
    january.refresh_from_db()
    assert january.reopened_at is None


def test_a_reopen_reason_with_a_nul_byte_is_refused_not_a_500(officer, january):
    response = reopen(officer, january, "Sửa\x00số liệu")
    assert response.status_code == 400
    january.refresh_from_db()
    assert january.reopened_at is None


def test_periods_cannot_be_written_through_the_list_endpoint(officer, january):
    for method in ("put", "patch", "delete"):
        response = getattr(officer, method)(LIST_URL, {}, content_type="application/json")
        assert response.status_code == 405
    assert officer.post(LIST_URL, {}, content_type="application/json").status_code == 405
    assert ClosedPeriod.objects.count() == 1
