"""The territory's figures (SPEC §7): households, residents, residential groups, organisations."""

from django.utils.translation import gettext_lazy as _

from households.models import Household, Organisation, ResidentialGroup
from reports.statistics.metrics import STOCK, Metric, Source, register

# Households, groups and organisations carry no date of their own: each counts from the local day
# it was entered (``created_at``) for as long as it exists (and, for a household, is resident).
register(
    Metric(
        "households",
        _("Households"),
        "households",
        STOCK,
        definition=_("Households still resident, counted from the day they were entered."),
    ),
    Metric(
        "residents",
        _("Residents"),
        "people",
        STOCK,
        definition=_("Sum of the members of the households counted in “Households”."),
    ),
    Metric(
        "residential_groups",
        _("Residential groups"),
        "count",
        STOCK,
        definition=_("Residential groups, counted from the day they were entered."),
    ),
    Metric(
        "organisations",
        _("Agencies and organisations"),
        "count",
        STOCK,
        definition=_("Organisations, counted from the day they were entered."),
    ),
    Source(Household, "households", date="created_at", where={"active": True}),
    Source(Household, "residents", date="created_at", value="member_count", where={"active": True}),
    Source(ResidentialGroup, "residential_groups", date="created_at", group="id"),
    Source(Organisation, "organisations", date="created_at"),
)
