"""The portal's forms for the territory's records (the fields the API lets a client write)."""

from households.models import Household, Organisation, ResidentialGroup
from wardsecurity.portal.forms import RecordForm


class ResidentialGroupForm(RecordForm):
    class Meta:
        model = ResidentialGroup
        fields = ("ward", "name", "kind")


class HouseholdForm(RecordForm):
    # No ward: a household takes the ward of its residential group.
    class Meta:
        model = Household
        fields = (
            "group",
            "code",
            "address",
            "head_name",
            "member_count",
            "phone",
            "residence",
            "active",
        )


class OrganisationForm(RecordForm):
    class Meta:
        model = Organisation
        fields = ("ward", "group", "name", "kind")
