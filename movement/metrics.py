"""The movement's figures (SPEC §7): commitments, models, teams, mediation, outreach and more."""

from django.utils.translation import gettext_lazy as _

from movement.models import (
    Appraisal,
    AppraisalThreshold,
    Commendation,
    Commitment,
    EidTally,
    MediationCase,
    OrganisationCommitmentTally,
    OutreachSession,
    Patrol,
    ReintegrationCase,
    SafetyRecognition,
    SelfManagementModel,
    Team,
    TeamAppraisal,
    WeaponSurrender,
)
from reports.statistics.metrics import (
    ANNUAL,
    FLOW,
    RATIO,
    SPAN,
    STOCK,
    Metric,
    Source,
    family,
    register,
)

SAFE_AREA = Commitment.Kind.SAFE_AREA_REGISTRATION.value


def eid(key: str, label) -> tuple[Metric, Source]:
    """An e-ID counter: wards enter running totals ("đến nay"), so a tally replaces the one
    before it of the same group, and the figure is the latest of each group, summed."""
    return (
        Metric(
            key,
            label,
            "count",
            STOCK,
            definition=_(
                "Sum of the latest e-ID tally of each residential group (and of the ward as a "
                "whole) recorded by the end of the period."
            ),
        ),
        Source(EidTally, key, date="recorded_on", value=key, latest_per="group"),
    )


GRADES = list(AppraisalThreshold.Grade.values)
# The subjects graded by the movement's sheet (a team is appraised in its own record).
GRADED = ("group", "ward", "organisation")
GRADED_LABELS = {
    "group": _("Residential groups graded"),
    "ward": _("Ward graded"),
    "organisation": _("Organisations graded"),
}

register(
    Metric(
        "commitments_signed",
        _("Households committed"),
        "households",
        ANNUAL,
        definition=_(
            "Households counted in “Households” at the end of the period with a safe-area "
            "registration commitment for the year the period ends in."
        ),
    ),
    Metric(
        "commitment_coverage_pct",
        _("Commitment coverage"),
        "percent",
        RATIO,
        parts=("commitments_signed", "households"),
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
        "patrols",
        _("Patrols and duty shifts"),
        "count",
        FLOW,
        definition=_("Duty shifts and patrols of teams logged for a day in the period."),
    ),
    Metric(
        "patrol_member_shifts",
        _("Member shifts on patrol"),
        "people",
        FLOW,
        definition=_("Members on duty, summed over the patrols counted in “Patrols”."),
    ),
    Metric(
        "patrol_incidents_found",
        _("Incidents found on patrol"),
        "count",
        FLOW,
        definition=_("Incidents found, summed over the patrols counted in “Patrols”."),
    ),
    *family(
        "team_appraisals",
        _("Teams appraised"),
        "count",
        FLOW,
        TeamAppraisal.Level,
        definition=_(
            "Grassroots security and order teams appraised at the level for an appraisal year "
            "(15 November to 14 November) whose end year's 1 January is in the period."
        ),
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
        "mediation_received_resolved",
        _("Mediation cases received and resolved"),
        "count",
        FLOW,
        definition=_("Mediation cases received in the period and closed as resolved."),
    ),
    Metric(
        "mediation_success_pct",
        _("Mediation success rate"),
        "percent",
        RATIO,
        parts=("mediation_received_resolved", "mediation_received"),
        activity="mediation_received",
        definition=_(
            "Cases received in the period and resolved × 100 / cases received in the period."
        ),
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
        "reintegration_started",
        _("People taken into reintegration"),
        "people",
        FLOW,
        definition=_("Cases started in the period."),
    ),
    Metric(
        "reintegration_managed",
        _("People managed and educated in the period"),
        "people",
        SPAN,
        parts=("reintegration_active", "reintegration_started"),
        definition=_(
            "Cases under management at any time in the period: people being reintegrated the "
            "day before it starts, plus the cases started in it."
        ),
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
    Metric(
        "recognised_groups",
        _("Residential groups recognised as safe (year)"),
        "count",
        ANNUAL,
        definition=_(
            "Residential groups recognised as safe on security and order for the year the "
            "period ends in."
        ),
    ),
    Metric(
        "recognised_groups_pct",
        _("Share of residential groups recognised as safe"),
        "percent",
        RATIO,
        parts=("recognised_groups", "residential_groups"),
        definition=_(
            "Residential groups recognised as safe for the year × 100 / residential groups at "
            "the end of the period."
        ),
    ),
    Metric(
        "recognised_organisations",
        _("Organisations recognised as safe (year)"),
        "count",
        ANNUAL,
        definition=_(
            "Agencies, enterprises and schools recognised as safe on security and order for the "
            "year the period ends in."
        ),
    ),
    Metric(
        "recognised_organisations_pct",
        _("Share of organisations recognised as safe"),
        "percent",
        RATIO,
        parts=("recognised_organisations", "organisations"),
        definition=_(
            "Organisations recognised as safe for the year × 100 / organisations at the end of "
            "the period."
        ),
    ),
    *(
        metric
        for subject in GRADED
        for metric in family(
            f"grades_{subject}",
            GRADED_LABELS[subject],
            "count",
            ANNUAL,
            AppraisalThreshold.Grade,
            definition=_(
                "Gradings of the movement with that grade for the year the period ends in."
            ),
        )
    ),
    Metric(
        "organisation_staff",
        _("Staff of organisations with a commitment tally"),
        "people",
        ANNUAL,
        definition=_("Sum of the staff counts of the organisations' tallies for the year."),
    ),
    Metric(
        "organisation_staff_signed",
        _("Staff of organisations who signed the commitment"),
        "people",
        ANNUAL,
        definition=_("Sum of the staff who signed, in the organisations' tallies for the year."),
    ),
    Metric(
        "organisation_staff_signed_pct",
        _("Share of organisations' staff who signed the commitment"),
        "percent",
        RATIO,
        parts=("organisation_staff_signed", "organisation_staff"),
        definition=_(
            "Staff who signed × 100 / staff, over the organisations' tallies for the year."
        ),
    ),
    Metric(
        "organisations_all_signed",
        _("Organisations where all staff signed"),
        "count",
        ANNUAL,
        definition=_("Organisations whose tally for the year has every member of staff signed."),
    ),
    # Counted in the household's ward and group, for the year it is for, from the day the
    # household was entered (so never more households than "Households" counts).
    Source(
        Commitment,
        "commitments_signed",
        year="year",
        not_before="household__created_at",
        ward="household__ward",
        group="household__group",
        where={"kind": SAFE_AREA, "household__isnull": False, "household__active": True},
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
    Source(Patrol, "patrols", date="patrolled_on"),
    Source(Patrol, "patrol_member_shifts", date="patrolled_on", value="members_on_duty"),
    Source(Patrol, "patrol_incidents_found", date="patrolled_on", value="incidents_found"),
    Source(TeamAppraisal, "team_appraisals", year="year", by="level"),
    Source(MediationCase, "mediation_received", date="received_on"),
    Source(MediationCase, "mediation_resolved", date="closed_on", where={"outcome": "resolved"}),
    Source(
        MediationCase,
        "mediation_received_resolved",
        date="received_on",
        where={"outcome": "resolved"},
    ),
    Source(OutreachSession, "outreach_sessions", date="held_on"),
    Source(OutreachSession, "outreach_attendees", date="held_on", value="attendees"),
    Source(WeaponSurrender, "weapons", date="received_on", by="item", value="quantity"),
    Source(ReintegrationCase, "reintegration_active", date="started_on", end="ended_on"),
    Source(ReintegrationCase, "reintegration_started", date="started_on"),
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
    # Safe-area recognition (Thông tư 124/2021/TT-BCA), for the year the period ends in: a
    # recognition counts from the later of 1 January and the day its subject was entered, so
    # never more subjects than "Residential groups"/"Organisations" count at the period's end.
    Source(
        SafetyRecognition,
        "recognised_groups",
        year="year",
        not_before="group__created_at",
        where={"subject": "group", "recognised": True},
    ),
    Source(
        SafetyRecognition,
        "recognised_organisations",
        year="year",
        not_before="organisation__created_at",
        where={"subject": "organisation", "recognised": True},
    ),
    # Movement grading (Quyết định 510/QĐ-BCA-V05): the grades given for the year.
    *(
        Source(
            Appraisal,
            f"grades_{subject}",
            year="year",
            by="grade",
            where={"subject": subject, "grade__in": GRADES},
        )
        for subject in GRADED
    ),
    # Organisations' commitments: their staff and signatures for the year, in the group of
    # the organisation (a recognition or a grading counts under its own group, if any).
    Source(
        OrganisationCommitmentTally,
        "organisation_staff",
        year="year",
        value="staff_count",
        group="organisation__group",
    ),
    Source(
        OrganisationCommitmentTally,
        "organisation_staff_signed",
        year="year",
        value="signed_count",
        group="organisation__group",
    ),
    Source(
        OrganisationCommitmentTally,
        "organisations_all_signed",
        year="year",
        group="organisation__group",
        where={"all_signed": True},
    ),
    *eid("chip_cards", _("Chip ID cards")),
    *eid("vneid_level1", _("VNeID level 1 accounts")),
    *eid("vneid_level2_collected", _("VNeID level 2 applications collected")),
    *eid("vneid_level2_activated", _("VNeID level 2 accounts activated")),
)
