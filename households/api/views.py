from rest_framework import viewsets

from households import selectors, services
from households.api.serializers import (
    HouseholdSerializer,
    OrganisationSerializer,
    ProvinceSerializer,
    ResidentialGroupSerializer,
    WardClusterSerializer,
    WardSerializer,
)
from households.fields import (
    HOUSEHOLD_ORDERING,
    HOUSEHOLD_SORTABLE,
    ORGANISATION_ORDERING,
    ORGANISATION_SORTABLE,
    RESIDENTIAL_GROUP_ORDERING,
    RESIDENTIAL_GROUP_SORTABLE,
)
from households.filtersets import (
    HouseholdFilterSet,
    OrganisationFilterSet,
    ProvinceFilterSet,
    ResidentialGroupFilterSet,
    WardClusterFilterSet,
    WardFilterSet,
)
from households.models import Household, Organisation, Province, ResidentialGroup, Ward, WardCluster
from wardsecurity.api.viewsets import WardRecordViewSet


class TerritoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The territory is reference data: read-only, limited to the caller's scope."""

    # (The docstring is the resources' published description.) Subclasses set ``list_selector``,
    # the app's ``<noun>_list``.

    read_only_resource = True
    ordering_fields: tuple[str, ...] = ("code", "name")

    def get_queryset(self):
        return self.list_selector(user=self.request.user).order_by(*self.ordering)


class ProvinceViewSet(TerritoryViewSet):
    model = Province
    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilterSet
    ordering = ("code",)
    list_selector = staticmethod(selectors.province_list)


class WardViewSet(TerritoryViewSet):
    model = Ward
    serializer_class = WardSerializer
    filterset_class = WardFilterSet
    ordering = ("code",)
    list_selector = staticmethod(selectors.ward_list)


class WardClusterViewSet(TerritoryViewSet):
    model = WardCluster
    serializer_class = WardClusterSerializer
    filterset_class = WardClusterFilterSet
    ordering_fields = ("name",)
    ordering = ("name",)
    list_selector = staticmethod(selectors.ward_cluster_list)


class ResidentialGroupViewSet(WardRecordViewSet):
    model = ResidentialGroup
    serializer_class = ResidentialGroupSerializer
    filterset_class = ResidentialGroupFilterSet
    selectors = (selectors.residential_group_list, selectors.residential_group_get)
    services = (
        services.residential_group_create,
        services.residential_group_update,
        services.residential_group_delete,
    )
    ordering_fields = RESIDENTIAL_GROUP_SORTABLE
    ordering = RESIDENTIAL_GROUP_ORDERING


class HouseholdViewSet(WardRecordViewSet):
    model = Household
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
    selectors = (selectors.household_list, selectors.household_get)
    services = (services.household_create, services.household_update, services.household_delete)
    ordering_fields = HOUSEHOLD_SORTABLE
    ordering = HOUSEHOLD_ORDERING


class OrganisationViewSet(WardRecordViewSet):
    model = Organisation
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    selectors = (selectors.organisation_list, selectors.organisation_get)
    services = (
        services.organisation_create,
        services.organisation_update,
        services.organisation_delete,
    )
    ordering_fields = ORGANISATION_SORTABLE
    ordering = ORGANISATION_ORDERING


ROUTES = [
    ("provinces", ProvinceViewSet),
    ("wards", WardViewSet),
    ("ward-clusters", WardClusterViewSet),
    ("groups", ResidentialGroupViewSet),
    ("households", HouseholdViewSet),
    ("organisations", OrganisationViewSet),
]
