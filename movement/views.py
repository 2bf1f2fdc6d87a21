"""The portal's pages for the movement: models, teams, commitments, mediation, outreach …"""

from movement import selectors, services
from movement.fields import (
    APPRAISAL_FIELDS,
    APPRAISAL_ORDERING,
    APPRAISAL_SORTABLE,
    COMMENDATION_FIELDS,
    COMMENDATION_ORDERING,
    COMMENDATION_SORTABLE,
    COMMITMENT_FIELDS,
    COMMITMENT_ORDERING,
    COMMITMENT_SORTABLE,
    EID_TALLY_FIELDS,
    EID_TALLY_ORDERING,
    EID_TALLY_SORTABLE,
    MEDIATION_CASE_FIELDS,
    MEDIATION_CASE_ORDERING,
    MEDIATION_CASE_SORTABLE,
    OUTREACH_SESSION_FIELDS,
    OUTREACH_SESSION_ORDERING,
    OUTREACH_SESSION_SORTABLE,
    PATROL_FIELDS,
    PATROL_ORDERING,
    PATROL_SORTABLE,
    REINTEGRATION_CASE_FIELDS,
    REINTEGRATION_CASE_ORDERING,
    REINTEGRATION_CASE_SORTABLE,
    SAFETY_RECOGNITION_FIELDS,
    SAFETY_RECOGNITION_ORDERING,
    SAFETY_RECOGNITION_SORTABLE,
    SELF_MANAGEMENT_MODEL_FIELDS,
    SELF_MANAGEMENT_MODEL_ORDERING,
    SELF_MANAGEMENT_MODEL_SORTABLE,
    TEAM_APPRAISAL_FIELDS,
    TEAM_APPRAISAL_ORDERING,
    TEAM_APPRAISAL_SORTABLE,
    TEAM_FIELDS,
    TEAM_MEMBER_FIELDS,
    TEAM_MEMBER_ORDERING,
    TEAM_MEMBER_SORTABLE,
    TEAM_ORDERING,
    TEAM_SORTABLE,
    WEAPON_SURRENDER_FIELDS,
    WEAPON_SURRENDER_ORDERING,
    WEAPON_SURRENDER_SORTABLE,
)
from movement.filtersets import (
    AppraisalFilterSet,
    CommendationFilterSet,
    CommitmentFilterSet,
    EidTallyFilterSet,
    MediationCaseFilterSet,
    OutreachSessionFilterSet,
    PatrolFilterSet,
    ReintegrationCaseFilterSet,
    SafetyRecognitionFilterSet,
    SelfManagementModelFilterSet,
    TeamAppraisalFilterSet,
    TeamFilterSet,
    TeamMemberFilterSet,
    WeaponSurrenderFilterSet,
)
from movement.models import (
    Appraisal,
    Commendation,
    Commitment,
    EidTally,
    MediationCase,
    OutreachSession,
    Patrol,
    ReintegrationCase,
    SafetyRecognition,
    SelfManagementModel,
    Team,
    TeamAppraisal,
    TeamMember,
    WeaponSurrender,
)
from wardsecurity.portal import NAV_MOVEMENT, NAV_SECURITY, Entity

SELF_MANAGEMENT_MODELS = Entity(
    SelfManagementModel,
    prefix="self-management-models",
    filterset_class=SelfManagementModelFilterSet,
    services=(
        services.self_management_model_create,
        services.self_management_model_update,
        services.self_management_model_delete,
    ),
    selectors=(selectors.self_management_model_list, selectors.self_management_model_get),
    fields=SELF_MANAGEMENT_MODEL_FIELDS,
    sortable=SELF_MANAGEMENT_MODEL_SORTABLE,
    ordering=SELF_MANAGEMENT_MODEL_ORDERING,
    columns=("name", "kind", "founded_on", "status", "exemplary", "ward"),
    nav=NAV_MOVEMENT,
)

TEAMS = Entity(
    Team,
    prefix="teams",
    filterset_class=TeamFilterSet,
    services=(services.team_create, services.team_update, services.team_delete),
    selectors=(selectors.team_list, selectors.team_get),
    fields=TEAM_FIELDS,
    sortable=TEAM_SORTABLE,
    ordering=TEAM_ORDERING,
    columns=("name", "kind", "established_on", "headcount", "dissolved_on", "ward"),
    nav=NAV_MOVEMENT,
)

TEAM_MEMBERS = Entity(
    TeamMember,
    prefix="team-members",
    filterset_class=TeamMemberFilterSet,
    services=(
        services.team_member_create,
        services.team_member_update,
        services.team_member_delete,
    ),
    selectors=(selectors.team_member_list, selectors.team_member_get),
    fields=TEAM_MEMBER_FIELDS,
    sortable=TEAM_MEMBER_SORTABLE,
    ordering=TEAM_MEMBER_ORDERING,
    columns=("full_name", "team", "role", "joined_on", "left_on"),
    nav=NAV_MOVEMENT,
)

PATROLS = Entity(
    Patrol,
    prefix="patrols",
    filterset_class=PatrolFilterSet,
    services=(services.patrol_create, services.patrol_update, services.patrol_delete),
    selectors=(selectors.patrol_list, selectors.patrol_get),
    fields=PATROL_FIELDS,
    sortable=PATROL_SORTABLE,
    ordering=PATROL_ORDERING,
    columns=("patrolled_on", "shift", "team", "area", "members_on_duty", "incidents_found"),
    nav=NAV_MOVEMENT,
)

TEAM_APPRAISALS = Entity(
    TeamAppraisal,
    prefix="team-appraisals",
    filterset_class=TeamAppraisalFilterSet,
    services=(
        services.team_appraisal_create,
        services.team_appraisal_update,
        services.team_appraisal_delete,
    ),
    selectors=(selectors.team_appraisal_list, selectors.team_appraisal_get),
    fields=TEAM_APPRAISAL_FIELDS,
    sortable=TEAM_APPRAISAL_SORTABLE,
    ordering=TEAM_APPRAISAL_ORDERING,
    columns=("year", "team", "level", "decision_no", "ward"),
    nav=NAV_MOVEMENT,
)

COMMITMENTS = Entity(
    Commitment,
    prefix="commitments",
    filterset_class=CommitmentFilterSet,
    services=(services.commitment_create, services.commitment_update, services.commitment_delete),
    selectors=(selectors.commitment_list, selectors.commitment_get),
    fields=COMMITMENT_FIELDS,
    sortable=COMMITMENT_SORTABLE,
    ordering=COMMITMENT_ORDERING,
    columns=("household", "organisation", "year", "kind", "signed_on"),
    nav=NAV_MOVEMENT,
)

MEDIATION_CASES = Entity(
    MediationCase,
    prefix="mediation-cases",
    filterset_class=MediationCaseFilterSet,
    services=(
        services.mediation_case_create,
        services.mediation_case_update,
        services.mediation_case_delete,
    ),
    selectors=(selectors.mediation_case_list, selectors.mediation_case_get),
    fields=MEDIATION_CASE_FIELDS,
    sortable=MEDIATION_CASE_SORTABLE,
    ordering=MEDIATION_CASE_ORDERING,
    columns=("received_on", "subject", "parties", "outcome", "closed_on", "group"),
    nav=NAV_MOVEMENT,
)

OUTREACH_SESSIONS = Entity(
    OutreachSession,
    prefix="outreach-sessions",
    filterset_class=OutreachSessionFilterSet,
    services=(
        services.outreach_session_create,
        services.outreach_session_update,
        services.outreach_session_delete,
    ),
    selectors=(selectors.outreach_session_list, selectors.outreach_session_get),
    fields=OUTREACH_SESSION_FIELDS,
    sortable=OUTREACH_SESSION_SORTABLE,
    ordering=OUTREACH_SESSION_ORDERING,
    columns=("held_on", "topic", "attendees", "partners", "group"),
    nav=NAV_MOVEMENT,
)

COMMENDATIONS = Entity(
    Commendation,
    prefix="commendations",
    filterset_class=CommendationFilterSet,
    services=(
        services.commendation_create,
        services.commendation_update,
        services.commendation_delete,
    ),
    selectors=(selectors.commendation_list, selectors.commendation_get),
    fields=COMMENDATION_FIELDS,
    sortable=COMMENDATION_SORTABLE,
    ordering=COMMENDATION_ORDERING,
    columns=("awarded_on", "recipient_name", "recipient_kind", "level", "issuer"),
    nav=NAV_MOVEMENT,
)

WEAPON_SURRENDERS = Entity(
    WeaponSurrender,
    prefix="weapon-surrenders",
    filterset_class=WeaponSurrenderFilterSet,
    services=(
        services.weapon_surrender_create,
        services.weapon_surrender_update,
        services.weapon_surrender_delete,
    ),
    selectors=(selectors.weapon_surrender_list, selectors.weapon_surrender_get),
    fields=WEAPON_SURRENDER_FIELDS,
    sortable=WEAPON_SURRENDER_SORTABLE,
    ordering=WEAPON_SURRENDER_ORDERING,
    columns=("received_on", "item", "quantity", "unit"),
    nav=NAV_SECURITY,
)

REINTEGRATION_CASES = Entity(
    ReintegrationCase,
    prefix="reintegration-cases",
    filterset_class=ReintegrationCaseFilterSet,
    services=(
        services.reintegration_case_create,
        services.reintegration_case_update,
        services.reintegration_case_delete,
    ),
    selectors=(selectors.reintegration_case_list, selectors.reintegration_case_get),
    fields=REINTEGRATION_CASE_FIELDS,
    sortable=REINTEGRATION_CASE_SORTABLE,
    ordering=REINTEGRATION_CASE_ORDERING,
    columns=("person_name", "birth_year", "category", "started_on", "status", "group"),
    nav=NAV_SECURITY,
)

EID_TALLIES = Entity(
    EidTally,
    prefix="eid-tallies",
    filterset_class=EidTallyFilterSet,
    services=(services.eid_tally_create, services.eid_tally_update, services.eid_tally_delete),
    selectors=(selectors.eid_tally_list, selectors.eid_tally_get),
    fields=EID_TALLY_FIELDS,
    sortable=EID_TALLY_SORTABLE,
    ordering=EID_TALLY_ORDERING,
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
    SafetyRecognition,
    prefix="safety-recognitions",
    filterset_class=SafetyRecognitionFilterSet,
    services=(
        services.safety_recognition_create,
        services.safety_recognition_update,
        services.safety_recognition_delete,
    ),
    selectors=(selectors.safety_recognition_list, selectors.safety_recognition_get),
    fields=SAFETY_RECOGNITION_FIELDS,
    sortable=SAFETY_RECOGNITION_SORTABLE,
    ordering=SAFETY_RECOGNITION_ORDERING,
    columns=("year", "subject", "group", "organisation", "recognised", "decision_no"),
    nav=NAV_MOVEMENT,
)

APPRAISALS = Entity(
    Appraisal,
    prefix="appraisals",
    filterset_class=AppraisalFilterSet,
    services=(services.appraisal_create, services.appraisal_update, services.appraisal_delete),
    selectors=(selectors.appraisal_list, selectors.appraisal_get),
    fields=APPRAISAL_FIELDS,
    sortable=APPRAISAL_SORTABLE,
    ordering=APPRAISAL_ORDERING,
    columns=("year", "subject", "group", "organisation", "team", "score", "grade"),
    nav=NAV_MOVEMENT,
    export_fields=("subject", "group", "organisation", "team", "year", "score", "grade"),
)

ENTITIES = (
    SELF_MANAGEMENT_MODELS,
    TEAMS,
    TEAM_MEMBERS,
    PATROLS,
    TEAM_APPRAISALS,
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
