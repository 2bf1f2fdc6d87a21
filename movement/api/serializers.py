from rest_framework import serializers

from households.api.serializers import RECORD_FIELDS
from movement.fields import (
    APPRAISAL_FIELDS,
    COMMENDATION_FIELDS,
    COMMITMENT_FIELDS,
    EID_TALLY_FIELDS,
    MEDIATION_CASE_FIELDS,
    OUTREACH_SESSION_FIELDS,
    PATROL_FIELDS,
    REINTEGRATION_CASE_FIELDS,
    SAFETY_RECOGNITION_FIELDS,
    SELF_MANAGEMENT_MODEL_FIELDS,
    TEAM_APPRAISAL_FIELDS,
    TEAM_FIELDS,
    TEAM_MEMBER_FIELDS,
    WEAPON_SURRENDER_FIELDS,
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
from wardsecurity.api.serializers import WardRecordSerializer


class SelfManagementModelSerializer(WardRecordSerializer):
    class Meta:
        model = SelfManagementModel
        fields = (*RECORD_FIELDS, *SELF_MANAGEMENT_MODEL_FIELDS)
        read_only_fields = RECORD_FIELDS


class TeamSerializer(WardRecordSerializer):
    class Meta:
        model = Team
        fields = (*RECORD_FIELDS, *TEAM_FIELDS)
        read_only_fields = RECORD_FIELDS


class TeamMemberSerializer(WardRecordSerializer):
    class Meta:
        model = TeamMember
        fields = (*RECORD_FIELDS, *TEAM_MEMBER_FIELDS)
        read_only_fields = RECORD_FIELDS


class PatrolSerializer(WardRecordSerializer):
    class Meta:
        model = Patrol
        fields = (*RECORD_FIELDS, "ward", *PATROL_FIELDS)
        # The ward follows the team.
        read_only_fields = (*RECORD_FIELDS, "ward")


class TeamAppraisalSerializer(WardRecordSerializer):
    class Meta:
        model = TeamAppraisal
        fields = (*RECORD_FIELDS, "ward", *TEAM_APPRAISAL_FIELDS)
        # The ward follows the team.
        read_only_fields = (*RECORD_FIELDS, "ward")


class CommitmentSerializer(WardRecordSerializer):
    class Meta:
        model = Commitment
        fields = (*RECORD_FIELDS, "ward", *COMMITMENT_FIELDS)
        # The ward follows the signer.
        read_only_fields = (*RECORD_FIELDS, "ward")


class MediationCaseSerializer(WardRecordSerializer):
    class Meta:
        model = MediationCase
        fields = (*RECORD_FIELDS, *MEDIATION_CASE_FIELDS)
        read_only_fields = RECORD_FIELDS


class OutreachSessionSerializer(WardRecordSerializer):
    class Meta:
        model = OutreachSession
        fields = (*RECORD_FIELDS, *OUTREACH_SESSION_FIELDS)
        read_only_fields = RECORD_FIELDS


class CommendationSerializer(WardRecordSerializer):
    class Meta:
        model = Commendation
        fields = (*RECORD_FIELDS, *COMMENDATION_FIELDS)
        read_only_fields = RECORD_FIELDS


class WeaponSurrenderSerializer(WardRecordSerializer):
    class Meta:
        model = WeaponSurrender
        fields = (*RECORD_FIELDS, *WEAPON_SURRENDER_FIELDS)
        read_only_fields = RECORD_FIELDS


class ReintegrationCaseSerializer(WardRecordSerializer):
    class Meta:
        model = ReintegrationCase
        fields = (*RECORD_FIELDS, *REINTEGRATION_CASE_FIELDS)
        read_only_fields = RECORD_FIELDS


class EidTallySerializer(WardRecordSerializer):
    class Meta:
        model = EidTally
        fields = (*RECORD_FIELDS, *EID_TALLY_FIELDS)
        read_only_fields = RECORD_FIELDS


class SafetyRecognitionSerializer(WardRecordSerializer):
    class Meta:
        model = SafetyRecognition
        fields = (*RECORD_FIELDS, *SAFETY_RECOGNITION_FIELDS)
        read_only_fields = RECORD_FIELDS


class AppraisalSerializer(WardRecordSerializer):
    # Blank when no configured threshold covers the score.
    grade = serializers.ChoiceField(
        choices=Appraisal.Grade.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Appraisal
        fields = (*RECORD_FIELDS, *APPRAISAL_FIELDS, "grade")
        # The grade follows the configured thresholds.
        read_only_fields = (*RECORD_FIELDS, "grade")


class AppraisalThresholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppraisalThreshold
        fields = ("id", "grade", "min_score")
        read_only_fields = fields
