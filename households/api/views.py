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
    # No docstring: each resource publishes its own (wardsecurity.api.descriptions).
    # The territory is reference data: read-only, limited to the caller's scope. Subclasses set
    # ``list_selector``, the app's ``<noun>_list``.

    read_only_resource = True
    ordering_fields: tuple[str, ...] = ("code", "name")

    def get_queryset(self):
        return self.list_selector(user=self.request.user).order_by(*self.ordering)


class ProvinceViewSet(TerritoryViewSet):
    """Provinces (tỉnh / thành phố trực thuộc trung ương): the 34 provinces of the post-July-2025
    map, keyed on their 2-digit official code.

    Reference data from the `vietnam-provinces` package. Every signed-in user reads the provinces
    that hold a ward of their scope; nobody writes them through the API (403 for every role);
    administrators reload the territory with `manage.py load_territory`.
    """

    model = Province
    serializer_class = ProvinceSerializer
    filterset_class = ProvinceFilterSet
    ordering = ("code",)
    list_selector = staticmethod(selectors.province_list)


class WardViewSet(TerritoryViewSet):
    """Wards (xã / phường / đặc khu): the 3,321 communes, wards and special zones of the
    post-July-2025 map, keyed on their 5-digit official code, each in one province.

    Reference data: every signed-in user reads the wards of their scope (ward police and clerks
    their own ward); nobody writes them through the API (403 for every role).
    """

    model = Ward
    serializer_class = WardSerializer
    filterset_class = WardFilterSet
    ordering = ("code",)
    list_selector = staticmethod(selectors.ward_list)


class WardClusterViewSet(TerritoryViewSet):
    """Ward clusters: named sets of wards overseen together, such as a former city whose steering
    committee (Ban Chỉ đạo 138) still follows its wards; a steering viewer's or province reviewer's
    scope may be one.

    Every signed-in user reads the clusters of their scope; administrators keep them in the admin
    site, and every write through the API is refused (403).
    """

    model = WardCluster
    serializer_class = WardClusterSerializer
    filterset_class = WardClusterFilterSet
    ordering_fields = ("name",)
    ordering = ("name",)
    list_selector = staticmethod(selectors.ward_cluster_list)


class ResidentialGroupViewSet(WardRecordViewSet):
    """Residential groups (khu dân cư: tổ dân phố, thôn, khu phố, tiểu khu, ấp, bản): the
    neighbourhoods of a ward, entered by the ward itself; households, organisations, teams and most
    records name one.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a ward outside the caller's scope (404), writes by steering viewers and province
    reviewers (403).
    """

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
    """Households (hộ gia đình) of a residential group: code (unique in the ward), address, head of
    household (chủ hộ), number of members (nhân khẩu, at least 1), phone, residence (permanent or
    temporary) and whether they still live there. The national population database is the register
    of record: this is only what the movement needs.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope, with the personal fields
    (address, head_name, phone) null; they cannot search or sort on them; administrators read and
    write all.

    Refused: a group of another ward (400, the same message as a missing one), a code already used
    in the ward, fewer than one member (400), writes by steering viewers and province reviewers
    (403).
    """

    model = Household
    serializer_class = HouseholdSerializer
    filterset_class = HouseholdFilterSet
    selectors = (selectors.household_list, selectors.household_get)
    services = (services.household_create, services.household_update, services.household_delete)
    ordering_fields = HOUSEHOLD_SORTABLE
    ordering = HOUSEHOLD_ORDERING


class OrganisationViewSet(WardRecordViewSet):
    """Organisations (cơ quan, doanh nghiệp, cơ sở giáo dục): the agencies, enterprises, schools,
    markets and religious establishments of a ward, which sign commitments and are appraised.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: a ward outside the caller's scope (404), a group of another ward (400), writes by
    steering viewers and province reviewers (403).
    """

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
