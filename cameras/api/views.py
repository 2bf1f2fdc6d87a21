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
    model = Recorder
    serializer_class = RecorderSerializer
    filterset_class = RecorderFilterSet
    selectors = (selectors.recorder_list, selectors.recorder_get)
    services = (services.recorder_create, services.recorder_update, services.recorder_delete)
    ordering_fields = RECORDER_SORTABLE
    ordering = RECORDER_ORDERING


class CameraViewSet(WardRecordViewSet):
    model = Camera
    serializer_class = CameraSerializer
    filterset_class = CameraFilterSet
    selectors = (selectors.camera_list, selectors.camera_get)
    services = (services.camera_create, services.camera_update, services.camera_delete)
    ordering_fields = CAMERA_SORTABLE
    ordering = CAMERA_ORDERING


class ContributionViewSet(WardRecordViewSet):
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
    """The footage access log (sensitive: police and admin only; every read is logged)."""

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
