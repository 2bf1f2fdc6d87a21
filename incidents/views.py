"""The portal's pages for incidents and tips (police only) and hotspots."""

from incidents import selectors, services
from incidents.fields import (
    HOTSPOT_FIELDS,
    HOTSPOT_ORDERING,
    HOTSPOT_SORTABLE,
    INCIDENT_FIELDS,
    INCIDENT_ORDERING,
    INCIDENT_SORTABLE,
    TIP_FIELDS,
    TIP_ORDERING,
    TIP_SORTABLE,
)
from incidents.filtersets import (
    HotspotFilterSet,
    IncidentFilterSet,
    TipFilterSet,
)
from incidents.forms import IncidentForm
from incidents.models import (
    Hotspot,
    Incident,
    Tip,
)
from wardsecurity.portal import NAV_SECURITY, Entity

INCIDENTS = Entity(
    Incident,
    prefix="incidents",
    filterset_class=IncidentFilterSet,
    services=(services.incident_create, services.incident_update, services.incident_delete),
    selectors=(selectors.incident_list, selectors.incident_get),
    fields=INCIDENT_FIELDS,
    form=IncidentForm,
    sortable=INCIDENT_SORTABLE,
    ordering=INCIDENT_ORDERING,
    columns=(
        "occurred_at",
        "category",
        "case_type",
        "severity",
        "summary",
        "status",
        "cleared",
        "group",
        "suspects",
    ),
    nav=NAV_SECURITY,
)

TIPS = Entity(
    Tip,
    prefix="tips",
    filterset_class=TipFilterSet,
    services=(services.tip_create, services.tip_update, services.tip_delete),
    selectors=(selectors.tip_list, selectors.tip_get),
    fields=TIP_FIELDS,
    sortable=TIP_SORTABLE,
    ordering=TIP_ORDERING,
    # The informant (``reporter``) is on the detail page only, not in lists.
    columns=("received_at", "channel", "category", "status"),
    nav=NAV_SECURITY,
)

HOTSPOTS = Entity(
    Hotspot,
    prefix="hotspots",
    filterset_class=HotspotFilterSet,
    services=(services.hotspot_create, services.hotspot_update, services.hotspot_delete),
    selectors=(selectors.hotspot_list, selectors.hotspot_get),
    fields=HOTSPOT_FIELDS,
    sortable=HOTSPOT_SORTABLE,
    ordering=HOTSPOT_ORDERING,
    columns=("name", "status", "designated_on", "transformed_on", "group"),
    nav=NAV_SECURITY,
)

ENTITIES = (
    INCIDENTS,
    TIPS,
    HOTSPOTS,
)
