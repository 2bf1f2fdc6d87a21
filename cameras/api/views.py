from cameras import selectors, services
from cameras.api.serializers import (
    CameraSerializer,
    ContributionSerializer,
    RecorderSerializer,
    VideoExtractionSerializer,
)
from cameras.fields import (
    CAMERA_ORDERING,
    CAMERA_SORTABLE,
    CONTRIBUTION_ORDERING,
    CONTRIBUTION_SORTABLE,
    RECORDER_ORDERING,
    RECORDER_SORTABLE,
    VIDEO_EXTRACTION_ORDERING,
    VIDEO_EXTRACTION_SORTABLE,
)
from cameras.filtersets import (
    CameraFilterSet,
    ContributionFilterSet,
    RecorderFilterSet,
    VideoExtractionFilterSet,
)
from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.api.viewsets import WardRecordViewSet


class RecorderViewSet(WardRecordViewSet):
    """Recorders (đầu thu): the video recorders that security cameras feed, with code, location,
    number of channels and installation date.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a ward outside the caller's scope (404), a date in a closed period (400), writes by
    steering viewers and province reviewers (403).
    """

    model = Recorder
    serializer_class = RecorderSerializer
    filterset_class = RecorderFilterSet
    selectors = (selectors.recorder_list, selectors.recorder_get)
    services = (services.recorder_create, services.recorder_update, services.recorder_delete)
    ordering_fields = RECORDER_SORTABLE
    ordering = RECORDER_ORDERING


class CameraViewSet(WardRecordViewSet):
    """Security cameras (camera an ninh): code (unique in the ward), location and position, owner
    (public, community, agency, business, household), funding, dates, status, recorder, signage,
    retention and whether the police can view it.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a code already used in the ward, a recorder or group of another ward (400), a date in
    a closed period (400), writes by steering viewers and province reviewers (403).
    """

    model = Camera
    serializer_class = CameraSerializer
    filterset_class = CameraFilterSet
    selectors = (selectors.camera_list, selectors.camera_get)
    services = (services.camera_create, services.camera_update, services.camera_delete)
    ordering_fields = CAMERA_SORTABLE
    ordering = CAMERA_ORDERING


class ContributionViewSet(WardRecordViewSet):
    """Funding contributions (xã hội hóa, đóng góp kinh phí) to the movement, mostly for cameras:
    the contributor, a household or organisation, the amount in whole VND, the date, the purpose
    and the camera.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope, with the contributor's name
    null; administrators read and write all.

    Refused: an amount that is not a whole number above 0, a household, organisation or camera of
    another ward (400), a date in a closed period (400), writes by steering viewers and province
    reviewers (403).
    """

    model = Contribution
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilterSet
    selectors = (selectors.contribution_list, selectors.contribution_get)
    services = (
        services.contribution_create,
        services.contribution_update,
        services.contribution_delete,
    )
    ordering_fields = CONTRIBUTION_SORTABLE
    ordering = CONTRIBUTION_ORDERING


class VideoExtractionViewSet(WardRecordViewSet):
    """Video extractions (trích xuất camera): requests for a camera's footage, which are also the
    footage access log — who asked (the caller: set by the API, never sent), when, why, for which
    incident, and whether it was useful.

    Sensitive: for ward police officers of the ward and administrators only. Every other role gets
    403 on every operation, whatever the id, and every read (list, record, history) is logged.

    Refused: a camera of another ward (404), an incident of another ward (400), a time in a closed
    period (400).
    """

    model = VideoExtraction
    serializer_class = VideoExtractionSerializer
    filterset_class = VideoExtractionFilterSet
    selectors = (selectors.video_extraction_list, selectors.video_extraction_get)
    services = (
        services.video_extraction_create,
        services.video_extraction_update,
        services.video_extraction_delete,
    )
    ordering_fields = VIDEO_EXTRACTION_SORTABLE
    ordering = VIDEO_EXTRACTION_ORDERING


ROUTES = [
    ("cameras", CameraViewSet),
    ("recorders", RecorderViewSet),
    ("contributions", ContributionViewSet),
    ("video-extractions", VideoExtractionViewSet),
]
