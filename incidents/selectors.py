"""Reads of incidents, tips (sensitive: police and administrators only) and hotspots.

See ``wardsecurity.selectors``: each list starts from ``visible_to(user)`` and joins what the API,
the portal and the admin show of a row; ``filters`` are the app's FilterSet parameters.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from incidents.filtersets import HotspotFilterSet, IncidentFilterSet, TipFilterSet
from incidents.models import Hotspot, Incident, Tip
from wardsecurity.models import User
from wardsecurity.selectors import filtered, one

Filters = Mapping[str, Any] | None


def tip_list(*, user: User, filters: Filters = None) -> QuerySet[Tip]:
    """The tips the user may see, with their ward and the ids of the incidents that name each
    (the API shows them; one query a page)."""
    incident_ids = Prefetch(
        "incidents", queryset=Incident.objects.only("id", "tip_id").order_by("id")
    )
    queryset: QuerySet[Tip] = (
        Tip.objects.visible_to(user).select_related("ward").prefetch_related(incident_ids)
    )
    return filtered(TipFilterSet, queryset, filters)


def tip_get(*, user: User, pk: int) -> Tip:
    return one(tip_list(user=user), pk)


def incident_list(*, user: User, filters: Filters = None) -> QuerySet[Incident]:
    """The incidents the user may see, with their ward, group and tip."""
    queryset: QuerySet[Incident] = Incident.objects.visible_to(user).select_related(
        "ward", "group", "tip"
    )
    return filtered(IncidentFilterSet, queryset, filters)


def incident_get(*, user: User, pk: int) -> Incident:
    return one(incident_list(user=user), pk)


def unclassified_cases(*, user: User) -> int:
    """How many criminal cases the user may see are still "not yet classified" (entered before
    severity was recorded, migration 0009): the ward's to-do asks an officer to classify them.
    Nought for a user who may not see incidents."""
    return (
        Incident.objects.visible_to(user)
        .filter(case_type=Incident.CaseType.CRIMINAL, severity=Incident.Severity.UNCLASSIFIED)
        .count()
    )


def hotspot_list(*, user: User, filters: Filters = None) -> QuerySet[Hotspot]:
    """The hotspots the user may see, with their ward and group."""
    queryset: QuerySet[Hotspot] = Hotspot.objects.visible_to(user).select_related("ward", "group")
    return filtered(HotspotFilterSet, queryset, filters)


def hotspot_get(*, user: User, pk: int) -> Hotspot:
    return one(hotspot_list(user=user), pk)
