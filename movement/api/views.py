from django.db.models import Prefetch
from rest_framework import viewsets

from households.models import ResidentialGroup
from movement import services
from movement.api.serializers import (
    AppraisalSerializer,
    AppraisalThresholdSerializer,
    CommendationSerializer,
    CommitmentSerializer,
    EidTallySerializer,
    MediationCaseSerializer,
    OutreachSessionSerializer,
    ReintegrationCaseSerializer,
    SafetyRecognitionSerializer,
    SelfManagementModelSerializer,
    TeamMemberSerializer,
    TeamSerializer,
    WeaponSurrenderSerializer,
)
from movement.filtersets import (
    AppraisalFilterSet,
    AppraisalThresholdFilterSet,
    CommendationFilterSet,
    CommitmentFilterSet,
    EidTallyFilterSet,
    MediationCaseFilterSet,
    OutreachSessionFilterSet,
    ReintegrationCaseFilterSet,
    SafetyRecognitionFilterSet,
    SelfManagementModelFilterSet,
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
    ReintegrationCase,
    SafetyRecognition,
    SelfManagementModel,
    Team,
    TeamMember,
    WeaponSurrender,
)
from wardsecurity.api.viewsets import WardRecordViewSet

# Serializers write links as ids, so a list needs no joins; only many-to-many groups are
# prefetched (one query a page, whatever its size), and only their ids are read.
GROUP_IDS = Prefetch("groups", queryset=ResidentialGroup.objects.only("id"))


class SelfManagementModelViewSet(WardRecordViewSet):
    model = SelfManagementModel
    serializer_class = SelfManagementModelSerializer
    filterset_class = SelfManagementModelFilterSet
    services = (
        services.self_management_model_create,
        services.self_management_model_update,
        services.self_management_model_delete,
    )
    list_prefetch_related = (GROUP_IDS,)
    ordering_fields = ("id", "founded_on", "name", "created_at", "updated_at")


class TeamViewSet(WardRecordViewSet):
    model = Team
    serializer_class = TeamSerializer
    filterset_class = TeamFilterSet
    services = (services.team_create, services.team_update, services.team_delete)
    list_prefetch_related = (GROUP_IDS,)
    ordering_fields = (
        "id",
        "established_on",
        "name",
        "headcount",
        "created_at",
        "updated_at",
    )


class TeamMemberViewSet(WardRecordViewSet):
    model = TeamMember
    serializer_class = TeamMemberSerializer
    filterset_class = TeamMemberFilterSet
    services = (
        services.team_member_create,
        services.team_member_update,
        services.team_member_delete,
    )
    # Not by phone or birth year: personal data is shown, never sorted on.
    ordering_fields = ("id", "joined_on", "full_name", "created_at", "updated_at")


class CommitmentViewSet(WardRecordViewSet):
    model = Commitment
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilterSet
    services = (
        services.commitment_create,
        services.commitment_update,
        services.commitment_delete,
    )
    ordering_fields = ("id", "signed_on", "year", "kind", "created_at", "updated_at")


class MediationCaseViewSet(WardRecordViewSet):
    model = MediationCase
    serializer_class = MediationCaseSerializer
    filterset_class = MediationCaseFilterSet
    services = (
        services.mediation_case_create,
        services.mediation_case_update,
        services.mediation_case_delete,
    )
    ordering_fields = ("id", "received_on", "closed_on", "created_at", "updated_at")


class OutreachSessionViewSet(WardRecordViewSet):
    model = OutreachSession
    serializer_class = OutreachSessionSerializer
    filterset_class = OutreachSessionFilterSet
    services = (
        services.outreach_session_create,
        services.outreach_session_update,
        services.outreach_session_delete,
    )
    ordering_fields = ("id", "held_on", "topic", "attendees", "created_at", "updated_at")


class CommendationViewSet(WardRecordViewSet):
    model = Commendation
    serializer_class = CommendationSerializer
    filterset_class = CommendationFilterSet
    services = (
        services.commendation_create,
        services.commendation_update,
        services.commendation_delete,
    )
    ordering_fields = ("id", "awarded_on", "recipient_name", "level", "created_at", "updated_at")


class WeaponSurrenderViewSet(WardRecordViewSet):
    model = WeaponSurrender
    serializer_class = WeaponSurrenderSerializer
    filterset_class = WeaponSurrenderFilterSet
    services = (
        services.weapon_surrender_create,
        services.weapon_surrender_update,
        services.weapon_surrender_delete,
    )
    ordering_fields = ("id", "received_on", "item", "quantity", "created_at", "updated_at")


class ReintegrationCaseViewSet(WardRecordViewSet):
    """Sensitive: police and administrators only (RolePermission reads ``model.sensitive``)."""

    model = ReintegrationCase
    serializer_class = ReintegrationCaseSerializer
    filterset_class = ReintegrationCaseFilterSet
    services = (
        services.reintegration_case_create,
        services.reintegration_case_update,
        services.reintegration_case_delete,
    )
    # Never by the person's name or birth year.
    ordering_fields = ("id", "started_on", "ended_on", "created_at", "updated_at")


class EidTallyViewSet(WardRecordViewSet):
    model = EidTally
    serializer_class = EidTallySerializer
    filterset_class = EidTallyFilterSet
    services = (services.eid_tally_create, services.eid_tally_update, services.eid_tally_delete)
    ordering_fields = ("id", "recorded_on", "created_at", "updated_at")


class SafetyRecognitionViewSet(WardRecordViewSet):
    model = SafetyRecognition
    serializer_class = SafetyRecognitionSerializer
    filterset_class = SafetyRecognitionFilterSet
    services = (
        services.safety_recognition_create,
        services.safety_recognition_update,
        services.safety_recognition_delete,
    )
    ordering_fields = ("id", "year", "created_at", "updated_at")


class AppraisalViewSet(WardRecordViewSet):
    model = Appraisal
    serializer_class = AppraisalSerializer
    filterset_class = AppraisalFilterSet
    services = (services.appraisal_create, services.appraisal_update, services.appraisal_delete)
    ordering_fields = ("id", "year", "score", "created_at", "updated_at")


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
