"""What the period report shows, in the order wards write it by hand (SPEC §10)."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import pgettext_lazy

from cameras.models import Camera
from incidents.models import CaseType, Category, Severity
from movement.models import AppraisalThreshold, Team, TeamAppraisal, WeaponSurrender
from reports.figures.numbers import Unit
from reports.figures.units import (
    ACCOUNT,
    APPLICATION,
    AREA,
    ATTENDANCE,
    CAMERA,
    CARD,
    CASE,
    COLLECTIVE,
    EXTRACTION,
    GROUP,
    GUN,
    HOUSEHOLD,
    INCIDENT,
    INDIVIDUAL,
    KG,
    MEMBER,
    MODEL,
    MONEY,
    ORGANISATION,
    PERCENT,
    PERSON,
    PIECE,
    RECORDER,
    RESIDENT,
    ROUND,
    SESSION,
    SHIFT,
    SPOT,
    SUSPECT,
    TEAM,
    TIP,
    WARD,
)

WEAPON_UNITS = {
    WeaponSurrender.Item.GUN: GUN,
    WeaponSurrender.Item.HOMEMADE_GUN: GUN,
    WeaponSurrender.Item.AMMUNITION: ROUND,
    WeaponSurrender.Item.EXPLOSIVE: KG,
    WeaponSurrender.Item.FIRECRACKER: KG,
}


@dataclass(frozen=True)
class Item:
    """One figure: a metric key, or a prefix (``incidents.``) that expands to one line per kind."""

    key: str
    label: object
    unit: Unit
    choices: type[models.TextChoices] | None = None  # a prefix's kinds, named by TextChoices
    units: dict | None = None  # for a prefix: a unit per kind, else ``unit``
    always: bool = False  # shown even when nil in both periods ("no incident" is news)
    nested: bool = True  # a prefix's lines sit under a total ("of which"), else stand alone
    # The sentence of a nil figure, instead of "Label: 0 vụ" ("Không để xảy ra án …").
    zero_text: object = None
    # A metric whose figure in the period, when not nil, makes that sentence unsafe to say: it
    # is then "Label: 0 vụ" (cases not yet classified may be of the gravest classes).
    zero_text_unless: str | None = None


@dataclass(frozen=True)
class Heading:
    title: object
    items: tuple


@dataclass(frozen=True)
class SectionLayout:
    number: str
    title: object
    headings: tuple


# The movement's grading (Quyết định 510/QĐ-BCA-V05): how many subjects got each grade.
GRADING = Heading(
    pgettext_lazy("report", "Grading of the movement"),
    (
        Item(
            "grades_group.",
            pgettext_lazy("report", "Residential groups graded"),
            GROUP,
            choices=AppraisalThreshold.Grade,
            nested=False,
        ),
        Item(
            "grades_ward.",
            pgettext_lazy("report", "Wards graded"),
            WARD,
            choices=AppraisalThreshold.Grade,
            nested=False,
        ),
        Item(
            "grades_organisation.",
            pgettext_lazy("report", "Organisations graded"),
            ORGANISATION,
            choices=AppraisalThreshold.Grade,
            nested=False,
        ),
    ),
)

# Section I: the situation, by category, each figure beside the same period last year.
SITUATION = SectionLayout(
    "I",
    pgettext_lazy("report", "Security and order situation"),
    (
        Heading(
            pgettext_lazy("report", "Incidents"),
            (
                Item(
                    "incidents",
                    pgettext_lazy("report", "Incidents recorded"),
                    INCIDENT,
                    always=True,
                ),
                Item("incidents.", pgettext_lazy("report", "of which"), INCIDENT, choices=Category),
                Item("suspects", pgettext_lazy("report", "Suspects involved"), SUSPECT),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Cases by type"),
            (
                Item(
                    "incident_cases.",
                    pgettext_lazy("report", "Cases"),
                    INCIDENT,
                    choices=CaseType,
                    nested=False,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Criminal cases and their clearance"),
            (
                Item("criminal_cases", pgettext_lazy("report", "Criminal cases"), INCIDENT),
                Item(
                    "criminal_cases.",
                    pgettext_lazy("report", "Criminal cases"),
                    INCIDENT,
                    choices=Severity,
                ),
                # Always said: "no very serious or particularly serious case" is the news.
                Item(
                    "criminal_cases_grave",
                    pgettext_lazy("report", "Very serious and particularly serious cases"),
                    INCIDENT,
                    always=True,
                    zero_text=pgettext_lazy(
                        "report",
                        "No very serious or particularly serious criminal case occurred",
                    ),
                    zero_text_unless="criminal_cases.unclassified",
                ),
                Item(
                    "criminal_cases_cleared",
                    pgettext_lazy("report", "Criminal cases cleared by investigation"),
                    INCIDENT,
                ),
                Item(
                    "criminal_clearance_pct",
                    pgettext_lazy("report", "Clearance rate of criminal cases"),
                    PERCENT,
                ),
                Item("suspects_handled", pgettext_lazy("report", "Suspects handled"), SUSPECT),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Traffic accidents, fires and explosions"),
            (
                Item(
                    "traffic_accident_deaths",
                    pgettext_lazy("report", "People killed in traffic accidents"),
                    PERSON,
                ),
                Item(
                    "traffic_accident_injuries",
                    pgettext_lazy("report", "People injured in traffic accidents"),
                    PERSON,
                ),
                Item(
                    "traffic_accident_damage_vnd",
                    pgettext_lazy("report", "Damage from traffic accidents"),
                    MONEY,
                ),
                Item(
                    "fire_deaths",
                    pgettext_lazy("report", "People killed in fires and explosions"),
                    PERSON,
                ),
                Item(
                    "fire_injuries",
                    pgettext_lazy("report", "People injured in fires and explosions"),
                    PERSON,
                ),
                Item(
                    "fire_damage_vnd",
                    pgettext_lazy("report", "Damage from fires and explosions"),
                    MONEY,
                ),
            ),
        ),
    ),
)


# Section II follows a ward's movement report (issue 14, item 8): commitments, self-management
# models, cameras, tips and the cases they solved, extractions, weapons surrendered, mediation,
# reintegration, the Law 30/2023 force and its appraisal, recognition and grading, hotspots, e-ID,
# commendations. A heading with no figure in either period is left out (documents.content).
MOVEMENT = SectionLayout(
    "II",
    pgettext_lazy("report", "Results of the movement"),
    (
        Heading(
            pgettext_lazy("report", "Territory and population"),
            (
                Item("residential_groups", pgettext_lazy("report", "Residential groups"), GROUP),
                Item("households", pgettext_lazy("report", "Households"), HOUSEHOLD),
                Item("residents", pgettext_lazy("report", "Residents"), RESIDENT),
                Item(
                    "organisations",
                    pgettext_lazy("report", "Agencies, enterprises and schools"),
                    ORGANISATION,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Outreach"),
            (
                Item(
                    "outreach_sessions", pgettext_lazy("report", "Outreach sessions held"), SESSION
                ),
                Item("outreach_attendees", pgettext_lazy("report", "Attendances"), ATTENDANCE),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Safe-area commitments"),
            (
                Item(
                    "commitments_signed",
                    pgettext_lazy("report", "Households that signed the commitment"),
                    HOUSEHOLD,
                ),
                Item(
                    "commitment_coverage_pct",
                    pgettext_lazy("report", "Share of households committed"),
                    PERCENT,
                ),
                Item(
                    "organisation_staff_signed",
                    pgettext_lazy("report", "Staff of agencies and schools who signed"),
                    PERSON,
                ),
                Item(
                    "organisation_staff_signed_pct",
                    pgettext_lazy("report", "Share of their staff who signed"),
                    PERCENT,
                ),
                Item(
                    "organisations_all_signed",
                    pgettext_lazy("report", "Organisations where every member of staff signed"),
                    ORGANISATION,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Self-management models on security and order"),
            (
                Item(
                    "self_management_models",
                    pgettext_lazy("report", "Self-management models"),
                    MODEL,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Security cameras"),
            (
                Item("cameras_active", pgettext_lazy("report", "Cameras in operation"), CAMERA),
                Item(
                    "cameras.",
                    pgettext_lazy("report", "by owner"),
                    CAMERA,
                    choices=Camera.OwnerKind,
                ),
                Item(
                    "cameras_installed",
                    pgettext_lazy("report", "Cameras installed in the period"),
                    CAMERA,
                ),
                Item("recorders", pgettext_lazy("report", "Recorders"), RECORDER),
                Item(
                    "contributions_vnd",
                    pgettext_lazy("report", "Contributions from residents"),
                    MONEY,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Tips from residents and the cases solved through them"),
            (
                Item("tips_received", pgettext_lazy("report", "Tips received"), TIP),
                Item("tips_verified", pgettext_lazy("report", "Tips verified"), TIP),
                Item(
                    "incidents_from_tips",
                    pgettext_lazy("report", "Cases recorded from tips"),
                    CASE,
                ),
                Item(
                    "incidents_from_tips_resolved",
                    pgettext_lazy("report", "Cases from tips resolved"),
                    CASE,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Footage extractions for investigations"),
            (
                Item(
                    "video_extractions", pgettext_lazy("report", "Footage extractions"), EXTRACTION
                ),
                Item(
                    "video_extractions_useful",
                    pgettext_lazy("report", "Extractions useful to a case"),
                    EXTRACTION,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Weapons, explosives and firecrackers surrendered"),
            (
                Item(
                    "weapons.",
                    pgettext_lazy("report", "Surrendered"),
                    PIECE,
                    choices=WeaponSurrender.Item,
                    units=WEAPON_UNITS,
                    nested=False,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Grassroots mediation"),
            (
                Item("mediation_received", pgettext_lazy("report", "Cases received"), CASE),
                Item("mediation_resolved", pgettext_lazy("report", "Cases resolved"), CASE),
                Item("mediation_success_pct", pgettext_lazy("report", "Success rate"), PERCENT),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Reintegration of people who erred"),
            (
                Item(
                    "reintegration_managed",
                    pgettext_lazy("report", "People managed and educated in the period"),
                    PERSON,
                ),
                Item(
                    "reintegration_started",
                    pgettext_lazy("report", "People taken into management in the period"),
                    PERSON,
                ),
                Item(
                    "reintegration_active", pgettext_lazy("report", "People being helped"), PERSON
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "The grassroots security and order force"),
            (
                Item(
                    "teams.",
                    pgettext_lazy("report", "Teams"),
                    TEAM,
                    choices=Team.Kind,
                    nested=False,
                ),
                Item(
                    "team_members.",
                    pgettext_lazy("report", "Members"),
                    MEMBER,
                    choices=Team.Kind,
                    nested=False,
                ),
                Item("patrols", pgettext_lazy("report", "Patrols and duty shifts"), SHIFT),
                Item(
                    "patrol_member_shifts",
                    pgettext_lazy("report", "Member shifts on patrol"),
                    ATTENDANCE,
                ),
                Item(
                    "patrol_incidents_found",
                    pgettext_lazy("report", "Incidents found on patrol"),
                    INCIDENT,
                ),
                Item(
                    "team_appraisals.",
                    pgettext_lazy("report", "Teams appraised"),
                    TEAM,
                    choices=TeamAppraisal.Level,
                    nested=False,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Safe-area recognition"),
            (
                Item(
                    "safe_groups_recognised",
                    pgettext_lazy("report", "Areas recognised as safe"),
                    AREA,
                ),
                Item(
                    "recognised_groups_pct",
                    pgettext_lazy("report", "Share of residential groups recognised as safe"),
                    PERCENT,
                ),
                Item(
                    "recognised_organisations",
                    pgettext_lazy("report", "Agencies, enterprises and schools recognised as safe"),
                    ORGANISATION,
                ),
                Item(
                    "recognised_organisations_pct",
                    pgettext_lazy("report", "Share of organisations recognised as safe"),
                    PERCENT,
                ),
            ),
        ),
        GRADING,
        Heading(
            pgettext_lazy("report", "Crime and social-evil hotspots"),
            (
                Item("hotspots_active", pgettext_lazy("report", "Hotspots being dealt with"), SPOT),
                Item("hotspots_transformed", pgettext_lazy("report", "Hotspots transformed"), SPOT),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Chip ID cards and electronic identification"),
            (
                Item("chip_cards", pgettext_lazy("report", "Chip ID cards issued"), CARD),
                Item("vneid_level1", pgettext_lazy("report", "Level 1 e-ID accounts"), ACCOUNT),
                Item(
                    "vneid_level2_collected",
                    pgettext_lazy("report", "Level 2 e-ID applications"),
                    APPLICATION,
                ),
                Item(
                    "vneid_level2_activated",
                    pgettext_lazy("report", "Level 2 e-ID accounts activated"),
                    ACCOUNT,
                ),
            ),
        ),
        Heading(
            pgettext_lazy("report", "Commendations"),
            (
                Item(
                    "commendations_collective",
                    pgettext_lazy("report", "Collectives commended"),
                    COLLECTIVE,
                ),
                Item(
                    "commendations_individual",
                    pgettext_lazy("report", "Individuals commended"),
                    INDIVIDUAL,
                ),
            ),
        ),
    ),
)

SECTIONS = (SITUATION, MOVEMENT)
