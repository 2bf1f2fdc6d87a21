"""Incidents, tips and hotspots (SPEC §7); counts of sensitive records are figures for everyone."""

from django.utils.translation import gettext_lazy as _

from incidents.models import CaseType, Category, Hotspot, Incident, Severity, Tip
from reports.statistics.metrics import FLOW, RATIO, STOCK, Metric, Source, family, register

CRIMINAL = {"case_type": CaseType.CRIMINAL.value}
# "Không để xảy ra án rất nghiêm trọng, đặc biệt nghiêm trọng": the two gravest classes of art. 9.
GRAVE = [Severity.VERY_SERIOUS.value, Severity.PARTICULARLY_SERIOUS.value]
ACCIDENT = {"case_type": CaseType.TRAFFIC_ACCIDENT.value}
FIRE = {"case_type": CaseType.FIRE_EXPLOSION.value}

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
    # Police statistics (docs/statistics.md, "Incidents"; docs/domain.md).
    *family(
        "incident_cases",
        _("Incidents by case type"),
        "count",
        FLOW,
        CaseType,
        definition=_("Incidents of the case type that occurred in the period."),
    ),
    Metric(
        "criminal_cases",
        _("Criminal cases"),
        "count",
        FLOW,
        definition=_("Criminal cases that occurred in the period."),
    ),
    *family(
        "criminal_cases",
        _("Criminal cases"),
        "count",
        FLOW,
        Severity,
        definition=_(
            "Criminal cases of the severity (Penal Code 2015, article 9) that occurred in the "
            "period."
        ),
    ),
    Metric(
        "criminal_cases_grave",
        _("Very serious and particularly serious criminal cases"),
        "count",
        FLOW,
        definition=_(
            "Criminal cases that occurred in the period whose severity is very serious or "
            "particularly serious (Penal Code 2015, article 9)."
        ),
    ),
    Metric(
        "criminal_cases_cleared",
        _("Criminal cases cleared"),
        "count",
        FLOW,
        definition=_("Criminal cases that occurred in the period and are now cleared."),
    ),
    Metric(
        "criminal_clearance_pct",
        _("Clearance rate of criminal cases"),
        "percent",
        RATIO,
        parts=("criminal_cases_cleared", "criminal_cases"),
        activity="criminal_cases",
        definition=_(
            "Criminal cases that occurred in the period and are now cleared, as a share of the "
            "criminal cases that occurred in the period."
        ),
    ),
    Metric(
        "suspects_handled",
        _("Suspects handled"),
        "people",
        FLOW,
        definition=_("Sum of the suspects handled of the incidents that occurred in the period."),
    ),
    Metric(
        "traffic_accident_deaths",
        _("Traffic accidents: deaths"),
        "people",
        FLOW,
        definition=_("People killed in the traffic accidents that occurred in the period."),
    ),
    Metric(
        "traffic_accident_injuries",
        _("Traffic accidents: injuries"),
        "people",
        FLOW,
        definition=_("People injured in the traffic accidents that occurred in the period."),
    ),
    Metric(
        "traffic_accident_damage_vnd",
        _("Traffic accidents: damage"),
        "vnd",
        FLOW,
        definition=_("Damage of the traffic accidents that occurred in the period, in đồng."),
    ),
    Metric(
        "fire_deaths",
        _("Fires and explosions: deaths"),
        "people",
        FLOW,
        definition=_("People killed in the fires and explosions that occurred in the period."),
    ),
    Metric(
        "fire_injuries",
        _("Fires and explosions: injuries"),
        "people",
        FLOW,
        definition=_("People injured in the fires and explosions that occurred in the period."),
    ),
    Metric(
        "fire_damage_vnd",
        _("Fires and explosions: damage"),
        "vnd",
        FLOW,
        definition=_("Damage of the fires and explosions that occurred in the period, in đồng."),
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
    # "Tin báo … qua đó giải quyết được … vụ việc": the cases a tip led to (issue 14, item 8).
    Metric(
        "incidents_from_tips",
        _("Cases from residents' tips"),
        "count",
        FLOW,
        definition=_("Incidents recorded from a tip (source “tip”) that occurred in the period."),
    ),
    Metric(
        "incidents_from_tips_resolved",
        _("Cases from tips resolved"),
        "count",
        FLOW,
        definition=_(
            "Incidents recorded from a tip that occurred in the period and whose status is now "
            "“resolved”."
        ),
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
    Source(Incident, "incident_cases", date="occurred_at", by="case_type"),
    Source(Incident, "criminal_cases", date="occurred_at", where=CRIMINAL),
    Source(Incident, "criminal_cases", date="occurred_at", by="severity", where=CRIMINAL),
    Source(
        Incident,
        "criminal_cases_grave",
        date="occurred_at",
        where={**CRIMINAL, "severity__in": GRAVE},
    ),
    Source(
        Incident, "criminal_cases_cleared", date="occurred_at", where={**CRIMINAL, "cleared": True}
    ),
    Source(Incident, "suspects_handled", date="occurred_at", value="suspects_handled"),
    Source(Incident, "traffic_accident_deaths", date="occurred_at", value="deaths", where=ACCIDENT),
    Source(
        Incident, "traffic_accident_injuries", date="occurred_at", value="injuries", where=ACCIDENT
    ),
    Source(
        Incident,
        "traffic_accident_damage_vnd",
        date="occurred_at",
        value="damage_vnd",
        where=ACCIDENT,
    ),
    Source(Incident, "fire_deaths", date="occurred_at", value="deaths", where=FIRE),
    Source(Incident, "fire_injuries", date="occurred_at", value="injuries", where=FIRE),
    Source(Incident, "fire_damage_vnd", date="occurred_at", value="damage_vnd", where=FIRE),
    Source(Tip, "tips_received", date="received_at"),
    Source(Tip, "tips_verified", date="received_at", where={"status": "verified"}),
    Source(Incident, "incidents_from_tips", date="occurred_at", where={"source": "tip"}),
    Source(
        Incident,
        "incidents_from_tips_resolved",
        date="occurred_at",
        where={"source": "tip", "status": "resolved"},
    ),
    Source(Hotspot, "hotspots_active", date="designated_on", end="transformed_on"),
    Source(Hotspot, "hotspots_transformed", date="transformed_on"),
)
