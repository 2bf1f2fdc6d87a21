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
    """Incidents (vụ việc: tội phạm, vi phạm hành chính): crimes, administrative violations and
    other security events in the ward, with time, category, summary, source (a tip, a patrol, a
    camera, a victim), suspects, status and an optional position.

    Sensitive: for ward police officers of the ward and administrators only. Every other role gets
    403 on every operation, whatever the id, and every read (list, record, history) is logged. Ward
    clerks and steering viewers see incident counts through the statistics only.

    Refused: a tip or group of another ward (400), a time in the future or in a closed period
    (400).
    """

    model = Incident
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilterSet
    selectors = (selectors.incident_list, selectors.incident_get)
    services = (services.incident_create, services.incident_update, services.incident_delete)
    ordering_fields = INCIDENT_SORTABLE
    ordering = INCIDENT_ORDERING


class TipViewSet(WardRecordViewSet):
    """Tips and denunciations (tin báo, tố giác): what people report to the ward police, by channel
    (in person, phone, hotline, app, security team, anonymous), with the informant (optional),
    content, category, status and the incident it led to.

    Sensitive: for ward police officers of the ward and administrators only. Every other role gets
    403 on every operation, whatever the id, and every read (list, record, history) is logged. The
    informant's identity never leaves the police.

    Refused: an incident of another ward (400), a time in the future or in a closed period (400).
    """

    model = Tip
    serializer_class = TipSerializer
    filterset_class = TipFilterSet
    selectors = (selectors.tip_list, selectors.tip_get)
    services = (services.tip_create, services.tip_update, services.tip_delete)
    ordering_fields = TIP_SORTABLE
    ordering = TIP_ORDERING


class HotspotViewSet(WardRecordViewSet):
    """Hotspots (địa bàn trọng điểm, phức tạp về ANTT): areas designated for complex security and
    order, with the reasons, the designation date and the status, until they are transformed
    (chuyển hóa).

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a group of another ward (400), a transformation before the designation, dates in a
    closed period (400), writes by steering viewers and province reviewers (403).
    """

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
