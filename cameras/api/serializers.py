from rest_framework import serializers

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.api.serializers import WardRecordSerializer

RECORD_FIELDS = ("id", "version", "created_at", "updated_at")


class RecorderSerializer(WardRecordSerializer):
    class Meta:
        model = Recorder
        fields = (*RECORD_FIELDS, "ward", "code", "location", "channels", "installed_on")
        read_only_fields = RECORD_FIELDS


class CameraSerializer(WardRecordSerializer):
    class Meta:
        model = Camera
        fields = (
            *RECORD_FIELDS,
            "ward",
            "group",
            "code",
            "location",
            "latitude",
            "longitude",
            "owner_kind",
            "funding",
            "installed_on",
            "removed_on",
            "status",
            "recorder",
            "model",
            "signage",
            "retention_days",
            "connected_to_police",
        )
        read_only_fields = RECORD_FIELDS


class ContributionSerializer(WardRecordSerializer):
    class Meta:
        model = Contribution
        fields = (
            *RECORD_FIELDS,
            "ward",
            "contributor_name",
            "household",
            "organisation",
            "amount_vnd",
            "contributed_on",
            "purpose",
            "camera",
        )
        read_only_fields = RECORD_FIELDS


class VideoExtractionSerializer(WardRecordSerializer):
    """A footage request (police only). ``requested_by`` is always the user who asked; the
    ward is the camera's."""

    ward = serializers.IntegerField(source="camera.ward_id", read_only=True)

    class Meta:
        model = VideoExtraction
        fields = (
            *RECORD_FIELDS,
            "ward",
            "camera",
            "requested_at",
            "requested_by",
            "purpose",
            "incident",
            "useful",
            "notes",
        )
        read_only_fields = (*RECORD_FIELDS, "ward", "requested_by")
