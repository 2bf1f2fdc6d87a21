from cameras import services
from cameras.api.serializers import (
    CameraSerializer,
    ContributionSerializer,
    RecorderSerializer,
    VideoExtractionSerializer,
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
    services = (services.recorder_create, services.recorder_update, services.recorder_delete)
    ordering_fields = ("id", "code", "installed_on", "created_at", "updated_at")
    ordering = ("code", "id")


class CameraViewSet(WardRecordViewSet):
    model = Camera
    serializer_class = CameraSerializer
    filterset_class = CameraFilterSet
    services = (services.camera_create, services.camera_update, services.camera_delete)
    ordering_fields = ("id", "code", "installed_on", "created_at", "updated_at")
    ordering = ("code", "id")


class ContributionViewSet(WardRecordViewSet):
    model = Contribution
    serializer_class = ContributionSerializer
    filterset_class = ContributionFilterSet
    services = (
        services.contribution_create,
        services.contribution_update,
        services.contribution_delete,
    )
    ordering_fields = (
        "id",
        "contributed_on",
        "contributor_name",
        "amount_vnd",
        "created_at",
        "updated_at",
    )
    ordering = ("-contributed_on", "-id")


class VideoExtractionViewSet(WardRecordViewSet):
    """The footage access log (sensitive: police and admin only; every read is logged)."""

    model = VideoExtraction
    serializer_class = VideoExtractionSerializer
    filterset_class = VideoExtractionFilterSet
    services = (
        services.video_extraction_create,
        services.video_extraction_update,
        services.video_extraction_delete,
    )
    # The ward shown on each row is the camera's.
    list_select_related = ("camera",)
    ordering_fields = ("id", "requested_at", "created_at", "updated_at")
    ordering = ("-requested_at", "-id")


ROUTES = [
    ("cameras", CameraViewSet),
    ("recorders", RecorderViewSet),
    ("contributions", ContributionViewSet),
    ("video-extractions", VideoExtractionViewSet),
]
