"""Filters for incidents, tips and hotspots: one definition for the API, UI lists and exports.

Links are filtered by id with plain number filters, never ``ModelChoiceFilter``: a choice filter
answers "not a valid choice" for a missing id but not for another ward's, which would leak
whether that record exists (SPEC §4).
"""

from django.utils.translation import gettext_lazy as _

from incidents.models import Hotspot, Incident, Tip
from wardsecurity.filters import IdFilter, WardRecordFilterSet, date_range


class IncidentFilterSet(WardRecordFilterSet):
    group = IdFilter(field_name="group_id", label=_("residential group (id)"))
    tip = IdFilter(field_name="tip_id", label=_("tip (id)"))
    occurred_at = date_range("occurred_at", _("occurred at"))

    search_fields = ("summary", "subcategory")

    class Meta:
        model = Incident
        fields = [
            "ward",
            "ward_code",
            "group",
            "category",
            "case_type",
            "severity",
            "cleared",
            "source",
            "status",
            "tip",
        ]


class TipFilterSet(WardRecordFilterSet):
    received_at = date_range("received_at", _("received at"))

    # Police only, like the whole resource; the reporter's identity is not searchable.
    search_fields = ("content",)

    class Meta:
        model = Tip
        fields = ["ward", "ward_code", "channel", "category", "status"]


class HotspotFilterSet(WardRecordFilterSet):
    group = IdFilter(field_name="group_id", label=_("residential group (id)"))
    designated_on = date_range("designated_on", _("designated on"))

    search_fields = ("name",)

    class Meta:
        model = Hotspot
        fields = ["ward", "ward_code", "group", "status"]
