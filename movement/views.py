"""The portal's pages for the movement: models, teams, commitments, mediation, outreach …"""

from movement.api.views import (
    AppraisalViewSet,
    CommendationViewSet,
    CommitmentViewSet,
    EidTallyViewSet,
    MediationCaseViewSet,
    OutreachSessionViewSet,
    ReintegrationCaseViewSet,
    SafetyRecognitionViewSet,
    SelfManagementModelViewSet,
    TeamMemberViewSet,
    TeamViewSet,
    WeaponSurrenderViewSet,
)
from wardsecurity.portal import NAV_MOVEMENT, NAV_SECURITY, Entity

SELF_MANAGEMENT_MODELS = Entity(
    SelfManagementModelViewSet,
    prefix="self-management-models",
    columns=("name", "kind", "founded_on", "status", "exemplary", "ward"),
    nav=NAV_MOVEMENT,
)
TEAMS = Entity(
    TeamViewSet,
    prefix="teams",
    columns=("name", "kind", "established_on", "headcount", "dissolved_on", "ward"),
    nav=NAV_MOVEMENT,
)
TEAM_MEMBERS = Entity(
    TeamMemberViewSet,
    prefix="team-members",
    columns=("full_name", "team", "role", "joined_on", "left_on"),
    nav=NAV_MOVEMENT,
)
COMMITMENTS = Entity(
    CommitmentViewSet,
    prefix="commitments",
    columns=("household", "organisation", "year", "kind", "signed_on"),
    nav=NAV_MOVEMENT,
)
MEDIATION_CASES = Entity(
    MediationCaseViewSet,
    prefix="mediation-cases",
    columns=("received_on", "subject", "parties", "outcome", "closed_on", "group"),
    nav=NAV_MOVEMENT,
)
OUTREACH_SESSIONS = Entity(
    OutreachSessionViewSet,
    prefix="outreach-sessions",
    columns=("held_on", "topic", "attendees", "partners", "group"),
    nav=NAV_MOVEMENT,
)
COMMENDATIONS = Entity(
    CommendationViewSet,
    prefix="commendations",
    columns=("awarded_on", "recipient_name", "recipient_kind", "level", "issuer"),
    nav=NAV_MOVEMENT,
)
WEAPON_SURRENDERS = Entity(
    WeaponSurrenderViewSet,
    prefix="weapon-surrenders",
    columns=("received_on", "item", "quantity", "unit"),
    nav=NAV_SECURITY,
)
REINTEGRATION_CASES = Entity(
    ReintegrationCaseViewSet,
    prefix="reintegration-cases",
    columns=("person_name", "birth_year", "category", "started_on", "status", "group"),
    nav=NAV_SECURITY,
)
EID_TALLIES = Entity(
    EidTallyViewSet,
    prefix="eid-tallies",
    columns=(
        "recorded_on",
        "group",
        "chip_cards",
        "vneid_level1",
        "vneid_level2_collected",
        "vneid_level2_activated",
    ),
    nav=NAV_MOVEMENT,
)
SAFETY_RECOGNITIONS = Entity(
    SafetyRecognitionViewSet,
    prefix="safety-recognitions",
    columns=("year", "subject", "group", "organisation", "recognised", "decision_no"),
    nav=NAV_MOVEMENT,
)
APPRAISALS = Entity(
    AppraisalViewSet,
    prefix="appraisals",
    columns=("year", "subject", "group", "organisation", "team", "score", "grade"),
    nav=NAV_MOVEMENT,
    export_fields=("subject", "group", "organisation", "team", "year", "score", "grade"),
)

ENTITIES = (
    SELF_MANAGEMENT_MODELS,
    TEAMS,
    TEAM_MEMBERS,
    COMMITMENTS,
    MEDIATION_CASES,
    OUTREACH_SESSIONS,
    COMMENDATIONS,
    WEAPON_SURRENDERS,
    REINTEGRATION_CASES,
    EID_TALLIES,
    SAFETY_RECOGNITIONS,
    APPRAISALS,
)
