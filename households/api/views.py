from rest_framework import viewsets

from households import services
from households.api.serializers import (
    HouseholdSerializer,
    OrganisationSerializer,
    ProvinceSerializer,
    ResidentialGroupSerializer,
    WardClusterSerializer,
    WardSerializer,
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

    read_only_resource = True
    ordering_fields = ("code", "name")

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).order_by(*self.ordering)


class ProvinceViewSet(TerritoryViewSet):
    model = Province
    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilterSet
    ordering = ("code",)


class WardViewSet(TerritoryViewSet):
    model = Ward
    serializer_class = WardSerializer
    filterset_class = WardFilterSet
    ordering = ("code",)

    def get_queryset(self):
        return super().get_queryset().select_related("province")


class WardClusterViewSet(TerritoryViewSet):
    model = WardCluster
    serializer_class = WardClusterSerializer
    filterset_class = WardClusterFilterSet
    ordering_fields = ("name",)
    ordering = ("name",)

    def get_queryset(self):
        return super().get_queryset().prefetch_related("wards")


class ResidentialGroupViewSet(WardRecordViewSet):
    model = ResidentialGroup
    serializer_class = ResidentialGroupSerializer
    filterset_class = ResidentialGroupFilterSet
    services = (
        services.residential_group_create,
        services.residential_group_update,
        services.residential_group_delete,
    )
    ordering_fields = ("id", "name", "created_at", "updated_at")


class HouseholdViewSet(WardRecordViewSet):
    model = Household
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
    services = (services.household_create, services.household_update, services.household_delete)
    ordering_fields = ("id", "code", "head_name", "member_count", "created_at", "updated_at")


class OrganisationViewSet(WardRecordViewSet):
    model = Organisation
    serializer_class = OrganisationSerializer
    filterset_class = OrganisationFilterSet
    services = (
        services.organisation_create,
        services.organisation_update,
        services.organisation_delete,
    )
    ordering_fields = ("id", "name", "created_at", "updated_at")


ROUTES = [
    ("provinces", ProvinceViewSet),
    ("wards", WardViewSet),
    ("ward-clusters", WardClusterViewSet),
    ("groups", ResidentialGroupViewSet),
    ("households", HouseholdViewSet),
    ("organisations", OrganisationViewSet),
]
