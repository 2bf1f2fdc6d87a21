from rest_framework import serializers

from cameras.fields import (
    CAMERA_FIELDS,
    CONTRIBUTION_FIELDS,
    RECORDER_FIELDS,
    VIDEO_EXTRACTION_FIELDS,
)
from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.api.serializers import WardRecordSerializer

RECORD_FIELDS = ("id", "version", "created_at", "updated_at")


class RecorderSerializer(WardRecordSerializer):
    class Meta:
        model = Recorder
        fields = (*RECORD_FIELDS, *RECORDER_FIELDS)
        read_only_fields = RECORD_FIELDS


class CameraSerializer(WardRecordSerializer):
    class Meta:
        model = Camera
        fields = (*RECORD_FIELDS, *CAMERA_FIELDS)
        read_only_fields = RECORD_FIELDS


class ContributionSerializer(WardRecordSerializer):
    class Meta:
        model = Contribution
        fields = (*RECORD_FIELDS, *CONTRIBUTION_FIELDS)
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
            # Who asked is shown after when: the service sets it to the requesting user.
            *VIDEO_EXTRACTION_FIELDS[:2],
            "requested_by",
            *VIDEO_EXTRACTION_FIELDS[2:],
        )
        read_only_fields = (*RECORD_FIELDS, "ward", "requested_by")
