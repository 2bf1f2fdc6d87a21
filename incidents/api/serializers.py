from incidents.fields import HOTSPOT_FIELDS, INCIDENT_FIELDS, TIP_FIELDS
from incidents.models import Hotspot, Incident, Tip
from wardsecurity.api.serializers import ScopedRelatedField, WardRecordSerializer

RECORD_FIELDS = ("id", "version", "created_at", "updated_at")


class TipSerializer(WardRecordSerializer):
    """A tip, with the informant (``reporter``): the resource is police-only (sensitive).

    Tip has no link to its incidents; ``incidents`` lists the ids of the incidents that name it.
    """

    incidents = ScopedRelatedField(many=True, read_only=True)

    class Meta:
        model = Tip
        fields = (*RECORD_FIELDS, *TIP_FIELDS, "incidents")
        read_only_fields = (*RECORD_FIELDS, "incidents")


class IncidentSerializer(WardRecordSerializer):
    """An incident; its ``tip`` is an id only, never the tip's content or informant."""

    class Meta:
        model = Incident
        fields = (*RECORD_FIELDS, *INCIDENT_FIELDS)
        read_only_fields = RECORD_FIELDS


class HotspotSerializer(WardRecordSerializer):
    class Meta:
        model = Hotspot
        fields = (*RECORD_FIELDS, *HOTSPOT_FIELDS)
        read_only_fields = RECORD_FIELDS
