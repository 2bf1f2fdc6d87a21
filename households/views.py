"""The portal's pages for residential groups, households and organisations."""

from households.api.views import HouseholdViewSet, OrganisationViewSet, ResidentialGroupViewSet
from wardsecurity.portal import NAV_TERRITORY, Entity

RESIDENTIAL_GROUPS = Entity(
    ResidentialGroupViewSet,
    prefix="groups",
    columns=("name", "kind", "ward"),
    nav=NAV_TERRITORY,
)
HOUSEHOLDS = Entity(
    HouseholdViewSet,
    prefix="households",
    columns=("code", "head_name", "address", "group", "member_count", "residence", "active"),
    nav=NAV_TERRITORY,
)
ORGANISATIONS = Entity(
    OrganisationViewSet,
    prefix="organisations",
    columns=("name", "kind", "group", "ward"),
    nav=NAV_TERRITORY,
)

ENTITIES = (RESIDENTIAL_GROUPS, HOUSEHOLDS, ORGANISATIONS)
