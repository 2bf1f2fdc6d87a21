"""Reads of the territory, residential groups, households and organisations (every entry point).

See ``wardsecurity.selectors``: each list starts from ``visible_to(user)`` and joins what the API,
the portal and the admin show of a row; ``filters`` are the app's FilterSet parameters.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from households.filtersets import (
    HouseholdFilterSet,
    OrganisationFilterSet,
    ProvinceFilterSet,
    ResidentialGroupFilterSet,
    WardClusterFilterSet,
    WardFilterSet,
)
from households.models import (
    Household,
    Organisation,
    Province,
    ResidentialGroup,
    Ward,
    WardCluster,
    WardSuccession,
)
from wardsecurity.models import User
from wardsecurity.selectors import filtered, one

# The territory: reference data, read-only everywhere but the admin.


def province_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Province]:
    """The provinces in the user's scope."""
    queryset: QuerySet[Province] = Province.objects.visible_to(user)
    return filtered(ProvinceFilterSet, queryset, filters)


def ward_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Ward]:
    """The wards in the user's scope, with their province (the API shows its code) and their
    predecessors of the map before July 2025 (one query for the page)."""
    queryset: QuerySet[Ward] = (
        Ward.objects.visible_to(user)
        .select_related("province")
        .prefetch_related(predecessors_prefetch())
    )
    return filtered(WardFilterSet, queryset, filters)


def predecessors_prefetch() -> "Prefetch[Any, Any]":
    """A ward's ``successions`` with their former ward, in the official order of codes."""
    successions = WardSuccession.objects.select_related("former_ward").order_by("former_ward__code")
    return Prefetch("successions", queryset=successions)


def ward_cluster_list(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[WardCluster]:
    """The ward clusters in the user's scope, with their wards (the API lists their ids)."""
    queryset: QuerySet[WardCluster] = WardCluster.objects.visible_to(user).prefetch_related("wards")
    return filtered(WardClusterFilterSet, queryset, filters)


# Ward records.


def residential_group_list(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[ResidentialGroup]:
    """The residential groups the user may see, with their ward and former ward."""
    queryset: QuerySet[ResidentialGroup] = ResidentialGroup.objects.visible_to(user).select_related(
        "ward", "former_ward"
    )
    return filtered(ResidentialGroupFilterSet, queryset, filters)


def residential_group_get(*, user: User, pk: int) -> ResidentialGroup:
    return one(residential_group_list(user=user), pk)


def household_list(*, user: User, filters: Mapping[str, Any] | None = None) -> QuerySet[Household]:
    """The households the user may see, with their ward and group."""
    queryset: QuerySet[Household] = Household.objects.visible_to(user).select_related(
        "ward", "group"
    )
    return filtered(HouseholdFilterSet, queryset, filters)


def household_get(*, user: User, pk: int) -> Household:
    return one(household_list(user=user), pk)


def organisation_list(
    *, user: User, filters: Mapping[str, Any] | None = None
) -> QuerySet[Organisation]:
    """The organisations the user may see, with their ward and group."""
    queryset: QuerySet[Organisation] = Organisation.objects.visible_to(user).select_related(
        "ward", "group"
    )
    return filtered(OrganisationFilterSet, queryset, filters)


def organisation_get(*, user: User, pk: int) -> Organisation:
    return one(organisation_list(user=user), pk)
