import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from cameras.services import (
    camera_create,
    camera_delete,
    camera_update,
    contribution_create,
    contribution_delete,
    contribution_update,
    recorder_create,
    recorder_delete,
    recorder_update,
    video_extraction_create,
    video_extraction_delete,
    video_extraction_update,
)
from tests.factories import (
    CameraFactory,
    ContributionFactory,
    HouseholdFactory,
    IncidentFactory,
    OrganisationFactory,
    RecorderFactory,
    ResidentialGroupFactory,
    VideoExtractionFactory,
)
from tests.service_matrix import Case, ServiceMatrix, error_codes, snapshot
from wardsecurity.services import OutOfScope


def camera_data(ward, **extra):
    return {
        "ward": ward.pk,
        "code": "CAM-01",
        "location": "Ngã tư Lê Lợi - Trần Phú",
        "owner_kind": "community",
        "funding": "contribution",
        "installed_on": "2023-06-01",
        **extra,
    }


def contribution_data(ward, **extra):
    return {
        "ward": ward.pk,
        "contributor_name": "Hộ ông Nguyễn Văn An",
        "amount_vnd": 1_500_000,
        "contributed_on": "2024-01-05",
        **extra,
    }


def extraction_data(ward, **extra):
    return {
        "camera": CameraFactory(ward=ward).pk,
        "requested_at": "2024-03-12T09:00:00+07:00",
        "purpose": "Xác minh vụ trộm xe máy",
        **extra,
    }


class TestCameraWritesByRoleAndScope(ServiceMatrix):
    cases = [
        Case(
            model=Recorder,
            create=recorder_create,
            update=recorder_update,
            delete=recorder_delete,
            factory=lambda ward: RecorderFactory(ward=ward),
            data=lambda ward: {
                "ward": ward.pk,
                "code": "DT-01",
                "location": "Nhà văn hóa tổ 2",
                "channels": 8,
                "installed_on": "2023-01-01",
            },
            change={"channels": 16},
        ),
        Case(
            model=Camera,
            create=camera_create,
            update=camera_update,
            delete=camera_delete,
            factory=lambda ward: CameraFactory(ward=ward),
            data=camera_data,
            change={"signage": True, "status": "faulty"},
        ),
        Case(
            model=Contribution,
            create=contribution_create,
            update=contribution_update,
            delete=contribution_delete,
            factory=lambda ward: ContributionFactory(ward=ward),
            data=contribution_data,
            change={"amount_vnd": "2000000"},
        ),
        Case(
            model=VideoExtraction,
            create=video_extraction_create,
            update=video_extraction_update,
            delete=video_extraction_delete,
            factory=lambda ward: VideoExtractionFactory(camera=CameraFactory(ward=ward)),
            data=extraction_data,
            change={"useful": True, "notes": "Nhận dạng được biển số"},
            owner_target=lambda ward: CameraFactory(ward=ward).pk,
        ),
    ]


def test_extraction_is_requested_by_the_actor(officer_a, ward_a):
    extraction = video_extraction_create(actor=officer_a, data=extraction_data(ward_a))
    assert extraction.requested_by == officer_a


def test_extraction_requester_cannot_be_typed(officer_a, officer_b, ward_a):
    data = extraction_data(ward_a, requested_by=officer_b.pk)
    with pytest.raises(ValidationError) as exc_info:
        video_extraction_create(actor=officer_a, data=data)
    assert error_codes(exc_info, "requested_by") == ["not_writable"]
    assert not VideoExtraction.objects.exists()


def test_clerk_cannot_request_footage(clerk_a, ward_a):
    with pytest.raises(OutOfScope):
        video_extraction_create(actor=clerk_a, data=extraction_data(ward_a))
    assert not VideoExtraction.objects.exists()


def test_extraction_cannot_cite_another_wards_incident(officer_a, ward_a, ward_b):
    other = IncidentFactory(ward=ward_b)
    for incident in (other.pk, 10**9):
        with pytest.raises(ValidationError) as exc_info:
            video_extraction_create(
                actor=officer_a, data=extraction_data(ward_a, incident=incident)
            )
        assert error_codes(exc_info, "incident") == ["other_ward"]
    assert not VideoExtraction.objects.exists()


def test_extraction_for_another_wards_camera_is_not_found(officer_a, ward_b):
    with pytest.raises(OutOfScope):
        video_extraction_create(actor=officer_a, data=extraction_data(ward_b))


def test_camera_cannot_use_another_wards_recorder_or_group(clerk_a, ward_a, ward_b):
    links = {
        "recorder": RecorderFactory(ward=ward_b).pk,
        "group": ResidentialGroupFactory(ward=ward_b).pk,
    }
    with pytest.raises(ValidationError) as exc_info:
        camera_create(actor=clerk_a, data=camera_data(ward_a, **links))
    assert {key: error_codes(exc_info, key) for key in links} == {
        "recorder": ["other_ward"],
        "group": ["other_ward"],
    }
    assert not Camera.objects.exists()


def test_camera_code_with_foreign_digits_is_refused(clerk_a, ward_a):
    for code in ("CAM-０１", "CAM-٠١"):
        with pytest.raises(ValidationError) as exc_info:
            camera_create(actor=clerk_a, data=camera_data(ward_a, code=code))
        assert error_codes(exc_info, "code") == ["invalid_code"]
    assert not Camera.objects.exists()


def test_removed_camera_needs_its_removal_date(clerk_a, ward_a):
    camera = CameraFactory(ward=ward_a)
    before = snapshot(Camera)
    with pytest.raises(ValidationError) as exc_info:
        camera_update(actor=clerk_a, instance=camera, data={"status": "removed"})
    assert error_codes(exc_info, NON_FIELD_ERRORS) == ["removed_on"]
    assert snapshot(Camera) == before


@pytest.mark.parametrize(
    ("amount", "field", "code"),
    [
        (0, "amount_vnd", "min_value"),
        (-500_000, "amount_vnd", "min_value"),
        ("1.500.000", "amount_vnd", "invalid"),
        ("1,5 triệu", "amount_vnd", "invalid"),
        (1500.5, "amount_vnd", "invalid"),
        ("１５００", "amount_vnd", "invalid"),
        (10**20, "amount_vnd", "max_value"),
    ],
)
def test_contribution_amount_must_be_whole_dong_above_zero(amount, field, code, clerk_a, ward_a):
    with pytest.raises(ValidationError) as exc_info:
        contribution_create(actor=clerk_a, data=contribution_data(ward_a, amount_vnd=amount))
    assert code in error_codes(exc_info, field)
    assert not Contribution.objects.exists()


def test_contribution_from_both_a_household_and_an_organisation_is_refused(clerk_a, ward_a):
    links = {
        "household": HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a)).pk,
        "organisation": OrganisationFactory(ward=ward_a).pk,
    }
    with pytest.raises(ValidationError) as exc_info:
        contribution_create(actor=clerk_a, data=contribution_data(ward_a, **links))
    assert error_codes(exc_info, NON_FIELD_ERRORS) == ["contributor"]
    assert not Contribution.objects.exists()


def test_contribution_in_future_is_refused(clerk_a, ward_a):
    with pytest.raises(ValidationError) as exc_info:
        contribution_create(
            actor=clerk_a, data=contribution_data(ward_a, contributed_on="2999-01-01")
        )
    assert error_codes(exc_info, "contributed_on") == ["future"]
