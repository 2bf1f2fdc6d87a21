"""The portal's forms for cameras, recorders, contributions and video extractions."""

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.portal.forms import RecordForm


class RecorderForm(RecordForm):
    class Meta:
        model = Recorder
        fields = ("ward", "code", "location", "channels", "installed_on")


class CameraForm(RecordForm):
    class Meta:
        model = Camera
        fields = (
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


class ContributionForm(RecordForm):
    class Meta:
        model = Contribution
        fields = (
            "ward",
            "contributor_name",
            "household",
            "organisation",
            "amount_vnd",
            "contributed_on",
            "purpose",
            "camera",
        )


class VideoExtractionForm(RecordForm):
    # ``requested_by`` is always the signed-in user (the service sets it).
    class Meta:
        model = VideoExtraction
        fields = ("camera", "requested_at", "purpose", "incident", "useful", "notes")
