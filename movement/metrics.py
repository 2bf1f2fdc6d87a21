"""The movement's figures (SPEC §7): commitments, models, teams, mediation, outreach and more."""

from django.utils.translation import gettext_lazy as _

from movement.models import (
    Commendation,
    Commitment,
    EidTally,
    MediationCase,
    OutreachSession,
    ReintegrationCase,
    SafetyRecognition,
    SelfManagementModel,
    Team,
    WeaponSurrender,
)
from reports.statistics.metrics import FLOW, RATIO, STOCK, Metric, Source, family, register

SAFE_AREA = Commitment.Kind.SAFE_AREA_REGISTRATION.value


def eid(key, label):
    return (
        Metric(key, label, "count", FLOW, definition=_("Sum of the e-ID tallies of the period.")),
        Source(EidTally, key, date="recorded_on", value=key),
    )


register(
    Metric(
        "commitments_signed",
        _("Households committed"),
        "households",
        FLOW,
        definition=_("Safe-area registration commitments signed by households in the period."),
    ),
    Metric(
        "commitment_coverage_pct",
        _("Commitment coverage"),
        "percent",
        RATIO,
        ratio=("commitments_signed", "households"),
        definition=_("Households committed × 100 / households at the end of the period."),
    ),
    Metric(
        "self_management_models",
        _("Self-management models"),
        "count",
        STOCK,
        definition=_("Models founded by the end of the period and not dissolved."),
    ),
    *family(
        "teams",
        _("Teams"),
        "count",
        STOCK,
        Team.Kind,
        definition=_("Teams established by the end of the period and not dissolved by then."),
    ),
    *family(
        "team_members",
        _("Team members"),
        "people",
        STOCK,
        Team.Kind,
        definition=_("Headcount of the teams counted in “Teams”."),
    ),
    Metric(
        "mediation_received",
        _("Mediation cases received"),
        "count",
        FLOW,
        definition=_("Mediation cases received in the period."),
    ),
    Metric(
        "mediation_resolved",
        _("Mediation cases resolved"),
        "count",
        FLOW,
        definition=_("Mediation cases closed as resolved in the period."),
    ),
    Metric(
        "mediation_success_pct",
        _("Mediation success rate"),
        "percent",
        RATIO,
        ratio=("mediation_resolved", "mediation_received"),
        definition=_("Cases resolved × 100 / cases received in the period."),
    ),
    Metric(
        "outreach_sessions",
        _("Outreach sessions"),
        "count",
        FLOW,
        definition=_("Outreach sessions held in the period."),
    ),
    Metric(
        "outreach_attendees",
        _("Outreach attendees"),
        "people",
        FLOW,
        definition=_("Sum of the attendees of the sessions held in the period."),
    ),
    *family(
        "weapons",
        _("Weapons surrendered"),
        "quantity",
        FLOW,
        WeaponSurrender.Item,
        definition=_("Sum of the quantities of the item received in the period, in its unit."),
    ),
    Metric(
        "reintegration_active",
        _("People being reintegrated"),
        "people",
        STOCK,
        definition=_("Cases started by the end of the period and not ended by then."),
    ),
    Metric(
        "commendations_collective",
        _("Collectives commended"),
        "count",
        FLOW,
        definition=_("Commendations of collectives awarded in the period."),
    ),
    Metric(
        "commendations_individual",
        _("Individuals commended"),
        "count",
        FLOW,
        definition=_("Commendations of individuals awarded in the period."),
    ),
    Metric(
        "safe_groups_recognised",
        _("Groups recognised as safe"),
        "count",
        FLOW,
        definition=_(
            "Residential groups recognised as safe for a year whose 1 January is in the period."
        ),
    ),
    Source(
        Commitment,
        "commitments_signed",
        date="signed_on",
        where={"kind": SAFE_AREA, "household__isnull": False},
    ),
    Source(
        SelfManagementModel,
        "self_management_models",
        date="founded_on",
        where={"status__in": ["active", "paused"]},
    ),
    Source(Team, "teams", date="established_on", end="dissolved_on", by="kind"),
    Source(
        Team,
        "team_members",
        date="established_on",
        end="dissolved_on",
        by="kind",
        value="headcount",
    ),
    Source(MediationCase, "mediation_received", date="received_on"),
    Source(MediationCase, "mediation_resolved", date="closed_on", where={"outcome": "resolved"}),
    Source(OutreachSession, "outreach_sessions", date="held_on"),
    Source(OutreachSession, "outreach_attendees", date="held_on", value="attendees"),
    Source(WeaponSurrender, "weapons", date="received_on", by="item", value="quantity"),
    Source(ReintegrationCase, "reintegration_active", date="started_on", end="ended_on"),
    Source(
        Commendation,
        "commendations_collective",
        date="awarded_on",
        where={"recipient_kind": "collective"},
    ),
    Source(
        Commendation,
        "commendations_individual",
        date="awarded_on",
        where={"recipient_kind": "individual"},
    ),
    Source(
        SafetyRecognition,
        "safe_groups_recognised",
        year="year",
        where={"subject": "group", "recognised": True},
    ),
    *eid("chip_cards", _("Chip ID cards")),
    *eid("vneid_level1", _("VNeID level 1 accounts")),
    *eid("vneid_level2_collected", _("VNeID level 2 applications collected")),
    *eid("vneid_level2_activated", _("VNeID level 2 accounts activated")),
)
