"""The portal's pages for residential groups, households and organisations."""

from households import selectors, services
from households.fields import (
    HOUSEHOLD_FIELDS,
    HOUSEHOLD_ORDERING,
    HOUSEHOLD_SORTABLE,
    ORGANISATION_FIELDS,
    ORGANISATION_ORDERING,
    ORGANISATION_SORTABLE,
    RESIDENTIAL_GROUP_FIELDS,
    RESIDENTIAL_GROUP_ORDERING,
    RESIDENTIAL_GROUP_SORTABLE,
)
from households.filtersets import (
    HouseholdFilterSet,
    OrganisationFilterSet,
    ResidentialGroupFilterSet,
)
from households.models import Household, Organisation, ResidentialGroup
from wardsecurity.portal import NAV_TERRITORY, Entity

RESIDENTIAL_GROUPS = Entity(
    ResidentialGroup,
    prefix="groups",
    filterset_class=ResidentialGroupFilterSet,
    services=(
        services.residential_group_create,
        services.residential_group_update,
        services.residential_group_delete,
    ),
    selectors=(selectors.residential_group_list, selectors.residential_group_get),
    fields=RESIDENTIAL_GROUP_FIELDS,
    sortable=RESIDENTIAL_GROUP_SORTABLE,
    ordering=RESIDENTIAL_GROUP_ORDERING,
    columns=("name", "kind", "former_ward", "ward"),
    nav=NAV_TERRITORY,
)

HOUSEHOLDS = Entity(
    Household,
    prefix="households",
    filterset_class=HouseholdFilterSet,
    services=(services.household_create, services.household_update, services.household_delete),
    selectors=(selectors.household_list, selectors.household_get),
    fields=HOUSEHOLD_FIELDS,
    sortable=HOUSEHOLD_SORTABLE,
    ordering=HOUSEHOLD_ORDERING,
    columns=("code", "head_name", "address", "group", "member_count", "residence", "active"),
    nav=NAV_TERRITORY,
)

ORGANISATIONS = Entity(
    Organisation,
    prefix="organisations",
    filterset_class=OrganisationFilterSet,
    services=(
        services.organisation_create,
        services.organisation_update,
        services.organisation_delete,
    ),
    selectors=(selectors.organisation_list, selectors.organisation_get),
    fields=ORGANISATION_FIELDS,
    sortable=ORGANISATION_SORTABLE,
    ordering=ORGANISATION_ORDERING,
    columns=("name", "kind", "group", "ward"),
    nav=NAV_TERRITORY,
)

ENTITIES = (
    RESIDENTIAL_GROUPS,
    HOUSEHOLDS,
    ORGANISATIONS,
)
