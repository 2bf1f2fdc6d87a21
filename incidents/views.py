"""The portal's pages for incidents and tips (police only) and hotspots."""

from incidents.api.views import HotspotViewSet, IncidentViewSet, TipViewSet
from wardsecurity.portal import NAV_SECURITY, Entity

INCIDENTS = Entity(
    IncidentViewSet,
    prefix="incidents",
    columns=("occurred_at", "category", "summary", "status", "group", "suspects"),
    nav=NAV_SECURITY,
)
TIPS = Entity(
    TipViewSet,
    prefix="tips",
    # The informant (``reporter``) is on the detail page only, not in lists.
    columns=("received_at", "channel", "category", "status"),
    nav=NAV_SECURITY,
)
HOTSPOTS = Entity(
    HotspotViewSet,
    prefix="hotspots",
    columns=("name", "status", "designated_on", "transformed_on", "group"),
    nav=NAV_SECURITY,
)

ENTITIES = (INCIDENTS, TIPS, HOTSPOTS)
