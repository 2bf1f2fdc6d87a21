"""Writes for residential groups, households and organisations (every entry point calls these)."""

from households.models import Household, Organisation, ResidentialGroup
from wardsecurity.services import make_services

residential_group_create, residential_group_update, residential_group_delete = make_services(
    ResidentialGroup, "residential_group"
)
household_create, household_update, household_delete = make_services(Household, "household")
organisation_create, organisation_update, organisation_delete = make_services(
    Organisation, "organisation"
)
