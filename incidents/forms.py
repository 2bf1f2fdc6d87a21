"""The portal's forms for incidents, tips and hotspots."""

from incidents.models import Hotspot, Incident, Tip
from wardsecurity.portal.forms import RecordForm


class IncidentForm(RecordForm):
    class Meta:
        model = Incident
        fields = (
            "ward",
            "group",
            "occurred_at",
            "category",
            "subcategory",
            "summary",
            "source",
            "tip",
            "suspects",
            "status",
            "latitude",
            "longitude",
        )


class TipForm(RecordForm):
    class Meta:
        model = Tip
        fields = ("ward", "received_at", "channel", "reporter", "content", "category", "status")


class HotspotForm(RecordForm):
    class Meta:
        model = Hotspot
        fields = ("ward", "group", "name", "reasons", "designated_on", "status", "transformed_on")
