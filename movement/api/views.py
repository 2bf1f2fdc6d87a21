from rest_framework import viewsets

from movement import selectors, services
from movement.api.serializers import (
    AppraisalSerializer,
    AppraisalThresholdSerializer,
    CommendationSerializer,
    CommitmentSerializer,
    EidTallySerializer,
    MediationCaseSerializer,
    OutreachSessionSerializer,
    PatrolSerializer,
    ReintegrationCaseSerializer,
    SafetyRecognitionSerializer,
    SelfManagementModelSerializer,
    TeamAppraisalSerializer,
    TeamMemberSerializer,
    TeamSerializer,
    WeaponSurrenderSerializer,
)
from movement.fields import (
    APPRAISAL_ORDERING,
    APPRAISAL_SORTABLE,
    COMMENDATION_ORDERING,
    COMMENDATION_SORTABLE,
    COMMITMENT_ORDERING,
    COMMITMENT_SORTABLE,
    EID_TALLY_ORDERING,
    EID_TALLY_SORTABLE,
    MEDIATION_CASE_ORDERING,
    MEDIATION_CASE_SORTABLE,
    OUTREACH_SESSION_ORDERING,
    OUTREACH_SESSION_SORTABLE,
    PATROL_ORDERING,
    PATROL_SORTABLE,
    REINTEGRATION_CASE_ORDERING,
    REINTEGRATION_CASE_SORTABLE,
    SAFETY_RECOGNITION_ORDERING,
    SAFETY_RECOGNITION_SORTABLE,
    SELF_MANAGEMENT_MODEL_ORDERING,
    SELF_MANAGEMENT_MODEL_SORTABLE,
    TEAM_APPRAISAL_ORDERING,
    TEAM_APPRAISAL_SORTABLE,
    TEAM_MEMBER_ORDERING,
    TEAM_MEMBER_SORTABLE,
    TEAM_ORDERING,
    TEAM_SORTABLE,
    WEAPON_SURRENDER_ORDERING,
    WEAPON_SURRENDER_SORTABLE,
)
from movement.filtersets import (
    AppraisalFilterSet,
    AppraisalThresholdFilterSet,
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
    AppraisalThreshold,
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
from wardsecurity.api.viewsets import WardRecordViewSet


class SelfManagementModelViewSet(WardRecordViewSet):
    model = SelfManagementModel
    serializer_class = SelfManagementModelSerializer
    filterset_class = SelfManagementModelFilterSet
    selectors = (selectors.self_management_model_list, selectors.self_management_model_get)
    services = (
        services.self_management_model_create,
        services.self_management_model_update,
        services.self_management_model_delete,
    )
    ordering_fields = SELF_MANAGEMENT_MODEL_SORTABLE
    ordering = SELF_MANAGEMENT_MODEL_ORDERING


class TeamViewSet(WardRecordViewSet):
    model = Team
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet
    selectors = (selectors.team_list, selectors.team_get)
    services = (services.team_create, services.team_update, services.team_delete)
    ordering_fields = TEAM_SORTABLE
    ordering = TEAM_ORDERING


class TeamMemberViewSet(WardRecordViewSet):
    model = TeamMember
    serializer_class = TeamMemberSerializer
    filterset_class = TeamMemberFilterSet
    selectors = (selectors.team_member_list, selectors.team_member_get)
    services = (
        services.team_member_create,
        services.team_member_update,
        services.team_member_delete,
    )
    ordering_fields = TEAM_MEMBER_SORTABLE
    ordering = TEAM_MEMBER_ORDERING


class PatrolViewSet(WardRecordViewSet):
    model = Patrol
    serializer_class = PatrolSerializer
    filterset_class = PatrolFilterSet
    selectors = (selectors.patrol_list, selectors.patrol_get)
    services = (services.patrol_create, services.patrol_update, services.patrol_delete)
    ordering_fields = PATROL_SORTABLE
    ordering = PATROL_ORDERING


class TeamAppraisalViewSet(WardRecordViewSet):
    model = TeamAppraisal
    serializer_class = TeamAppraisalSerializer
    filterset_class = TeamAppraisalFilterSet
    selectors = (selectors.team_appraisal_list, selectors.team_appraisal_get)
    services = (
        services.team_appraisal_create,
        services.team_appraisal_update,
        services.team_appraisal_delete,
    )
    ordering_fields = TEAM_APPRAISAL_SORTABLE
    ordering = TEAM_APPRAISAL_ORDERING


class CommitmentViewSet(WardRecordViewSet):
    model = Commitment
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    selectors = (selectors.commitment_list, selectors.commitment_get)
    services = (
        services.commitment_create,
        services.commitment_update,
        services.commitment_delete,
    )
    ordering_fields = COMMITMENT_SORTABLE
    ordering = COMMITMENT_ORDERING


class MediationCaseViewSet(WardRecordViewSet):
    model = MediationCase
    serializer_class = MediationCaseSerializer
    filterset_class = MediationCaseFilterSet
    selectors = (selectors.mediation_case_list, selectors.mediation_case_get)
    services = (
        services.mediation_case_create,
        services.mediation_case_update,
        services.mediation_case_delete,
    )
    ordering_fields = MEDIATION_CASE_SORTABLE
    ordering = MEDIATION_CASE_ORDERING


class OutreachSessionViewSet(WardRecordViewSet):
    model = OutreachSession
    serializer_class = OutreachSessionSerializer
    filterset_class = OutreachSessionFilterSet
    selectors = (selectors.outreach_session_list, selectors.outreach_session_get)
    services = (
        services.outreach_session_create,
        services.outreach_session_update,
        services.outreach_session_delete,
    )
    ordering_fields = OUTREACH_SESSION_SORTABLE
    ordering = OUTREACH_SESSION_ORDERING


class CommendationViewSet(WardRecordViewSet):
    model = Commendation
    serializer_class = CommendationSerializer
    filterset_class = CommendationFilterSet
    selectors = (selectors.commendation_list, selectors.commendation_get)
    services = (
        services.commendation_create,
        services.commendation_update,
        services.commendation_delete,
    )
    ordering_fields = COMMENDATION_SORTABLE
    ordering = COMMENDATION_ORDERING


class WeaponSurrenderViewSet(WardRecordViewSet):
    model = WeaponSurrender
    serializer_class = WeaponSurrenderSerializer
    filterset_class = WeaponSurrenderFilterSet
    selectors = (selectors.weapon_surrender_list, selectors.weapon_surrender_get)
    services = (
        services.weapon_surrender_create,
        services.weapon_surrender_update,
        services.weapon_surrender_delete,
    )
    ordering_fields = WEAPON_SURRENDER_SORTABLE
    ordering = WEAPON_SURRENDER_ORDERING


class ReintegrationCaseViewSet(WardRecordViewSet):
    """Sensitive: police and administrators only (RolePermission reads ``model.sensitive``)."""

    model = ReintegrationCase
    serializer_class = ReintegrationCaseSerializer
    filterset_class = ReintegrationCaseFilterSet
    selectors = (selectors.reintegration_case_list, selectors.reintegration_case_get)
    services = (
        services.reintegration_case_create,
        services.reintegration_case_update,
        services.reintegration_case_delete,
    )
    ordering_fields = REINTEGRATION_CASE_SORTABLE
    ordering = REINTEGRATION_CASE_ORDERING


class EidTallyViewSet(WardRecordViewSet):
    model = EidTally
    serializer_class = EidTallySerializer
    filterset_class = EidTallyFilterSet
    selectors = (selectors.eid_tally_list, selectors.eid_tally_get)
    services = (services.eid_tally_create, services.eid_tally_update, services.eid_tally_delete)
    ordering_fields = EID_TALLY_SORTABLE
    ordering = EID_TALLY_ORDERING


class SafetyRecognitionViewSet(WardRecordViewSet):
    model = SafetyRecognition
    serializer_class = SafetyRecognitionSerializer
    filterset_class = SafetyRecognitionFilterSet
    selectors = (selectors.safety_recognition_list, selectors.safety_recognition_get)
    services = (
        services.safety_recognition_create,
        services.safety_recognition_update,
        services.safety_recognition_delete,
    )
    ordering_fields = SAFETY_RECOGNITION_SORTABLE
    ordering = SAFETY_RECOGNITION_ORDERING


class AppraisalViewSet(WardRecordViewSet):
    model = Appraisal
    serializer_class = AppraisalSerializer
    filterset_class = AppraisalFilterSet
    selectors = (selectors.appraisal_list, selectors.appraisal_get)
    services = (services.appraisal_create, services.appraisal_update, services.appraisal_delete)
    ordering_fields = APPRAISAL_SORTABLE
    ordering = APPRAISAL_ORDERING


class AppraisalThresholdViewSet(viewsets.ReadOnlyModelViewSet):
    """The grade thresholds: configuration without a ward, readable by every signed-in user.

    Administrators edit them in the admin site; the API only reads them.
    """

    model = AppraisalThreshold
    read_only_resource = True
    serializer_class = AppraisalThresholdSerializer
    filterset_class = AppraisalThresholdFilterSet
    ordering_fields = ("min_score", "grade")
    ordering = ("-min_score",)

    def get_queryset(self):
        return AppraisalThreshold.objects.all()


ROUTES = [
    ("self-management-models", SelfManagementModelViewSet),
    ("teams", TeamViewSet),
    ("team-members", TeamMemberViewSet),
    ("patrols", PatrolViewSet),
    ("team-appraisals", TeamAppraisalViewSet),
    ("commitments", CommitmentViewSet),
    ("mediation-cases", MediationCaseViewSet),
    ("outreach-sessions", OutreachSessionViewSet),
    ("commendations", CommendationViewSet),
    ("weapon-surrenders", WeaponSurrenderViewSet),
    ("reintegration-cases", ReintegrationCaseViewSet),
    ("eid-tallies", EidTallyViewSet),
    ("safety-recognitions", SafetyRecognitionViewSet),
    ("appraisals", AppraisalViewSet),
    ("appraisal-thresholds", AppraisalThresholdViewSet),
]
