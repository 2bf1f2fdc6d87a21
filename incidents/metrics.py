"""Incidents, tips and hotspots (SPEC §7); counts of sensitive records are figures for everyone."""

from django.utils.translation import gettext_lazy as _

from incidents.models import Category, Hotspot, Incident, Tip
from reports.statistics.metrics import FLOW, STOCK, Metric, Source, family, register

register(
    Metric(
        "incidents",
        _("Incidents"),
        "count",
        FLOW,
        definition=_("Incidents that occurred in the period (local date of “occurred at”)."),
    ),
    *family(
        "incidents",
        _("Incidents"),
        "count",
        FLOW,
        Category,
        definition=_("Incidents of the category that occurred in the period."),
    ),
    Metric(
        "suspects",
        _("Suspects"),
        "people",
        FLOW,
        definition=_("Sum of the suspects of the incidents that occurred in the period."),
    ),
    Metric(
        "tips_received",
        _("Tips received"),
        "count",
        FLOW,
        definition=_("Tips received in the period (local date of “received at”)."),
    ),
    Metric(
        "tips_verified",
        _("Tips verified"),
        "count",
        FLOW,
        definition=_("Tips received in the period whose status is now “verified”."),
    ),
    Metric(
        "hotspots_active",
        _("Hotspots not yet transformed"),
        "count",
        STOCK,
        definition=_("Hotspots designated by the end of the period and not transformed by then."),
    ),
    Metric(
        "hotspots_transformed",
        _("Hotspots transformed"),
        "count",
        FLOW,
        definition=_("Hotspots whose transformation date falls in the period."),
    ),
    Source(Incident, "incidents", date="occurred_at"),
    Source(Incident, "incidents", date="occurred_at", by="category"),
    Source(Incident, "suspects", date="occurred_at", value="suspects"),
    Source(Tip, "tips_received", date="received_at"),
    Source(Tip, "tips_verified", date="received_at", where={"status": "verified"}),
    Source(Hotspot, "hotspots_active", date="designated_on", end="transformed_on"),
    Source(Hotspot, "hotspots_transformed", date="transformed_on"),
)
