"""REST resources of the cameras app: ``cameras``, ``recorders``, ``contributions`` and the
police-only footage access log ``video-extractions``."""

import datetime as dt

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from tests.api_matrix import (
    ApiMatrix,
    Link,
    Resource,
    body,
    ids,
    input_errors,
    patch,
    post,
    snapshot,
)
from tests.factories import (
    CameraFactory,
    ContributionFactory,
    HouseholdFactory,
    IncidentFactory,
    OrganisationFactory,
    RecorderFactory,
    ResidentialGroupFactory,
    SelfManagementModelFactory,
    VideoExtractionFactory,
)


def camera_data(ward):
    return {
        "ward": ward.pk,
        "code": "CAM-NEW-01",
        "location": "Ngã tư Lê Lợi",
        "owner_kind": "community",
        "funding": "contribution",
        "installed_on": "2024-03-01",
    }


def recorder_data(ward):
    return {
        "ward": ward.pk,
        "code": "DT-NEW-01",
        "location": "Nhà văn hóa tổ 3",
        "channels": 8,
        "installed_on": "2024-03-01",
    }


def contribution_data(ward):
    return {
        "ward": ward.pk,
        "contributor_name": "Nguyễn Thị Hằng",
        "amount_vnd": 1_500_000,
        "contributed_on": "2024-03-01",
        "purpose": "Lắp camera ngõ 5",
    }


def extraction_data(ward):
    return {
        "camera": CameraFactory(ward=ward).pk,
        "requested_at": "2024-03-10T09:00:00+07:00",
        "purpose": "Xác minh vụ trộm xe máy",
    }


def extraction(ward, **fields):
    return VideoExtractionFactory(camera=CameraFactory(ward=ward), **fields)


def rich_camera(ward):
    return CameraFactory(
        ward=ward,
        group=ResidentialGroupFactory(ward=ward),
        recorder=RecorderFactory(ward=ward),
        model=SelfManagementModelFactory(ward=ward),
    )


def rich_contribution(ward):
    return ContributionFactory(
        ward=ward,
        household=HouseholdFactory(group=ResidentialGroupFactory(ward=ward)),
        camera=CameraFactory(ward=ward),
    )


# Queries of one list page for a user signed in by session:
#   1. the session, 2. the user, 3. COUNT for the paginator, 4. the page (video extractions
#   join their camera for the ward), then for video extractions one INSERT into SensitiveRead.
RESOURCES = [
    Resource(
        name="cameras",
        model=Camera,
        factory=lambda ward, **fields: CameraFactory(ward=ward, **fields),
        data=camera_data,
        change={"status": "faulty", "signage": True},
        date_field="installed_on",
        search=({"location": "Ngõ 12 phố Huế"}, "pho hue"),
        list_queries=4,
        rich=rich_camera,
    ),
    Resource(
        name="recorders",
        model=Recorder,
        factory=lambda ward, **fields: RecorderFactory(ward=ward, **fields),
        data=recorder_data,
        change={"channels": 32},
        date_field="installed_on",
        search=({"location": "Nhà văn hóa tổ Đông Hải"}, "dong hai"),
        list_queries=4,
    ),
    Resource(
        name="contributions",
        model=Contribution,
        factory=lambda ward, **fields: ContributionFactory(ward=ward, **fields),
        data=contribution_data,
        change={"amount_vnd": 2_000_000, "purpose": "Sửa camera"},
        date_field="contributed_on",
        search=({"contributor_name": "Trần Thị Hường"}, "tran thi huong"),
        list_queries=4,
        rich=rich_contribution,
    ),
    Resource(
        name="video-extractions",
        model=VideoExtraction,
        factory=extraction,
        data=extraction_data,
        change={"useful": True, "notes": "Đã trích xuất 15 phút"},
        date_field="requested_at",
        search=({"purpose": "Truy tìm đối tượng cướp giật"}, "cuop giat"),
        list_queries=5,
        rich=lambda ward: extraction(ward, incident=IncidentFactory(ward=ward)),
    ),
]


class TestCamerasApi(ApiMatrix):
    resources = RESOURCES
    links = [
        Link("cameras", "recorder", lambda ward: RecorderFactory(ward=ward)),
        Link("cameras", "group", lambda ward: ResidentialGroupFactory(ward=ward)),
        Link("cameras", "model", lambda ward: SelfManagementModelFactory(ward=ward)),
        Link("contributions", "camera", lambda ward: CameraFactory(ward=ward)),
        Link(
            "contributions",
            "household",
            lambda ward: HouseholdFactory(group=ResidentialGroupFactory(ward=ward)),
        ),
        Link("contributions", "organisation", lambda ward: OrganisationFactory(ward=ward)),
        Link("video-extractions", "incident", lambda ward: IncidentFactory(ward=ward)),
    ]


# Video extractions: the requester is the actor, the ward is the camera's ----------------------


def test_extraction_requester_is_the_actor_and_cannot_be_sent(client, officer_a, ward_a):
    client.force_login(officer_a)
    someone_else = VideoExtractionFactory(camera=CameraFactory(ward=ward_a)).requested_by
    data = extraction_data(ward_a)

    response = post(client, "/api/v1/video-extractions/", {**data, "requested_by": someone_else.pk})
    assert response.status_code == 400
    assert list(input_errors(response)) == ["requested_by"]

    response = post(client, "/api/v1/video-extractions/", data)
    assert response.status_code == 201
    assert body(response)["requested_by"] == officer_a.pk
    assert body(response)["ward"] == ward_a.pk
    record = VideoExtraction.objects.get(pk=body(response)["id"])
    assert record.requested_by == officer_a

    url = f"/api/v1/video-extractions/{record.pk}/"
    for field, value in (("requested_by", someone_else.pk), ("ward", ward_a.pk)):
        response = patch(client, url, {field: value})
        assert response.status_code == 400
        assert list(input_errors(response)) == [field]
    record.refresh_from_db()
    assert (record.requested_by, record.version) == (officer_a, 1)


def test_extraction_filters_by_the_cameras_ward(client, admin_user, ward_a, ward_b):
    mine = extraction(ward_a, useful=True)
    other = extraction(ward_b)
    client.force_login(admin_user)
    url = "/api/v1/video-extractions/"
    assert ids(client.get(url, {"ward": ward_a.pk})) == [mine.pk]
    assert ids(client.get(url, {"ward_code": ward_b.code})) == [other.pk]
    assert ids(client.get(url, {"useful": "true"})) == [mine.pk]
    assert ids(client.get(url, {"camera": other.camera_id})) == [other.pk]
    rows = body(client.get(url, {"ordering": "id"}))["results"]
    assert [row["ward"] for row in rows] == [ward_a.pk, ward_b.pk]


def test_extraction_cannot_name_or_move_to_another_wards_camera(
    client, officer_a, admin_user, ward_a, ward_b
):
    record = extraction(ward_a)
    foreign = CameraFactory(ward=ward_b)
    missing = foreign.pk + 1000
    url = "/api/v1/video-extractions/"
    before = snapshot(VideoExtraction)

    client.force_login(officer_a)
    answers = [
        body(post(client, url, {**extraction_data(ward_a), "camera": camera}))
        for camera in (foreign.pk, missing)
    ]
    answers += [body(patch(client, f"{url}{record.pk}/", {"camera": foreign.pk}))]
    assert answers[0] == answers[1] == answers[2]
    assert list(answers[0]["fields"]) == ["camera"]

    # The administrator sees ward B, but an extraction still cannot move there.
    client.force_login(admin_user)
    response = patch(client, f"{url}{record.pk}/", {"camera": foreign.pk})
    assert response.status_code == 400
    assert list(input_errors(response)) == ["camera"]
    assert snapshot(VideoExtraction) == before


# Filters and input ---------------------------------------------------------------------------


def test_camera_filters(client, clerk_a, ward_a):
    recorder = RecorderFactory(ward=ward_a)
    model = SelfManagementModelFactory(ward=ward_a)
    public = CameraFactory(
        ward=ward_a,
        owner_kind="public",
        funding="budget",
        signage=True,
        connected_to_police=True,
        recorder=recorder,
        model=model,
    )
    removed = CameraFactory(ward=ward_a, status="removed", removed_on=dt.date(2024, 6, 1))
    client.force_login(clerk_a)

    def found(**params):
        response = client.get("/api/v1/cameras/", params)
        assert response.status_code == 200, body(response)
        return ids(response)

    assert found(owner_kind="public") == [public.pk]
    assert found(funding="contribution") == [removed.pk]
    assert found(status="removed") == [removed.pk]
    assert found(signage="true") == [public.pk]
    assert found(connected_to_police="false") == [removed.pk]
    assert found(recorder=recorder.pk) == [public.pk]
    assert found(model=model.pk) == [public.pk]
    assert found(search=public.code.lower()) == [public.pk]


def test_contribution_filters(client, clerk_a, ward_a):
    household = HouseholdFactory(group=ResidentialGroupFactory(ward=ward_a))
    camera = CameraFactory(ward=ward_a)
    from_household = ContributionFactory(ward=ward_a, household=household, camera=camera)
    organisation = OrganisationFactory(ward=ward_a)
    from_organisation = ContributionFactory(
        ward=ward_a, organisation=organisation, purpose="Quỹ an ninh"
    )
    client.force_login(clerk_a)
    url = "/api/v1/contributions/"
    assert ids(client.get(url, {"household": household.pk})) == [from_household.pk]
    assert ids(client.get(url, {"organisation": organisation.pk})) == [from_organisation.pk]
    assert ids(client.get(url, {"camera": camera.pk})) == [from_household.pk]
    assert ids(client.get(url, {"search": "quy an ninh"})) == [from_organisation.pk]


def test_amounts_with_separators_or_decimals_are_refused(client, clerk_a, ward_a):
    client.force_login(clerk_a)
    for amount in ("1.500.000", "1,5 triệu", 1500000.5, "１５００", True, 0, -5):
        data = {**contribution_data(ward_a), "amount_vnd": amount}
        response = post(client, "/api/v1/contributions/", data)
        assert response.status_code == 400, amount
        assert list(input_errors(response)) in (["amount_vnd"], ["non_field_errors"]), amount
    assert not Contribution.objects.exists()


def test_camera_code_is_unique_in_its_ward(client, clerk_a, ward_a):
    CameraFactory(ward=ward_a, code="CAM-NEW-01")
    client.force_login(clerk_a)
    response = post(client, "/api/v1/cameras/", camera_data(ward_a))
    assert response.status_code == 400
    assert Camera.objects.count() == 1
