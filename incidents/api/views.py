from django.db.models import Prefetch

from incidents import services
from incidents.api.serializers import HotspotSerializer, IncidentSerializer, TipSerializer
from incidents.filtersets import HotspotFilterSet, IncidentFilterSet, TipFilterSet
from incidents.models import Hotspot, Incident, Tip
from wardsecurity.api.viewsets import WardRecordViewSet


class IncidentViewSet(WardRecordViewSet):
    """Incidents (sensitive: police and admin only; every read is logged)."""

    model = Incident
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    services = (services.incident_create, services.incident_update, services.incident_delete)
    ordering_fields = ("id", "occurred_at", "created_at", "updated_at")
    ordering = ("-occurred_at", "-id")


class TipViewSet(WardRecordViewSet):
    """Tips and denunciations (sensitive; the informant is police-only; every read is logged)."""

    model = Tip
    serializer_class = TipSerializer
    filterset_class = TipFilterSet
    services = (services.tip_create, services.tip_update, services.tip_delete)
    # The ids of the incidents that name each tip, in one query for the whole page.
    list_prefetch_related = (
        Prefetch("incidents", queryset=Incident.objects.only("id", "tip_id").order_by("id")),
    )
    ordering_fields = ("id", "received_at", "created_at", "updated_at")
    ordering = ("-received_at", "-id")


class HotspotViewSet(WardRecordViewSet):
    model = Hotspot
    serializer_class = HotspotSerializer
    filterset_class = HotspotFilterSet
    services = (services.hotspot_create, services.hotspot_update, services.hotspot_delete)
    ordering_fields = ("id", "name", "designated_on", "created_at", "updated_at")
    ordering = ("-designated_on", "-id")


ROUTES = [
    ("incidents", IncidentViewSet),
    ("tips", TipViewSet),
    ("hotspots", HotspotViewSet),
]
