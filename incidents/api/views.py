from incidents import selectors, services
from incidents.api.serializers import HotspotSerializer, IncidentSerializer, TipSerializer
from incidents.fields import (
    HOTSPOT_ORDERING,
    HOTSPOT_SORTABLE,
    INCIDENT_ORDERING,
    INCIDENT_SORTABLE,
    TIP_ORDERING,
    TIP_SORTABLE,
)
from incidents.filtersets import HotspotFilterSet, IncidentFilterSet, TipFilterSet
from incidents.models import Hotspot, Incident, Tip
from wardsecurity.api.viewsets import WardRecordViewSet


class IncidentViewSet(WardRecordViewSet):
    """Incidents (sensitive: police and admin only; every read is logged)."""

    model = Incident
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    selectors = (selectors.incident_list, selectors.incident_get)
    services = (services.incident_create, services.incident_update, services.incident_delete)
    ordering_fields = INCIDENT_SORTABLE
    ordering = INCIDENT_ORDERING


class TipViewSet(WardRecordViewSet):
    """Tips and denunciations (sensitive; the informant is police-only; every read is logged)."""

    model = Tip
    serializer_class = TipSerializer
    filterset_class = TipFilterSet
    selectors = (selectors.tip_list, selectors.tip_get)
    services = (services.tip_create, services.tip_update, services.tip_delete)
    ordering_fields = TIP_SORTABLE
    ordering = TIP_ORDERING


class HotspotViewSet(WardRecordViewSet):
    model = Hotspot
    serializer_class = HotspotSerializer
    filterset_class = HotspotFilterSet
    selectors = (selectors.hotspot_list, selectors.hotspot_get)
    services = (services.hotspot_create, services.hotspot_update, services.hotspot_delete)
    ordering_fields = HOTSPOT_SORTABLE
    ordering = HOTSPOT_ORDERING


ROUTES = [
    ("incidents", IncidentViewSet),
    ("tips", TipViewSet),
    ("hotspots", HotspotViewSet),
]
