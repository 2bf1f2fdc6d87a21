from rest_framework import serializers

from households.api.serializers import RECORD_FIELDS
from movement.fields import (
    APPRAISAL_FIELDS,
    COMMENDATION_FIELDS,
    COMMITMENT_FIELDS,
    EID_TALLY_FIELDS,
    MEDIATION_CASE_FIELDS,
    ORGANISATION_COMMITMENT_TALLY_FIELDS,
    OUTREACH_SESSION_FIELDS,
    PATROL_FIELDS,
    REINTEGRATION_CASE_FIELDS,
    SAFETY_RECOGNITION_COMPUTED,
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
    GradingCriterion,
    GradingDeadline,
    MediationCase,
    OrganisationCommitmentTally,
    OutreachSession,
    Patrol,
    RecognitionCriterion,
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
        fields = (*RECORD_FIELDS, *SAFETY_RECOGNITION_FIELDS, *SAFETY_RECOGNITION_COMPUTED)
        # Criterion 1 is computed from the records when the recognition is saved.
        read_only_fields = (*RECORD_FIELDS, *SAFETY_RECOGNITION_COMPUTED)


class AppraisalSerializer(WardRecordSerializer):
    # Blank only for an appraisal typed before the thresholds covered its score.
    grade = serializers.ChoiceField(
        choices=Appraisal.Grade.choices, allow_blank=True, read_only=True
    )
    # Criterion code → points; each is checked against the sheet by the service, which names
    # the criterion and its maximum.
    points = serializers.DictField(child=serializers.JSONField(), required=False)

    class Meta:
        model = Appraisal
        fields = (*RECORD_FIELDS, *APPRAISAL_FIELDS, "score", "grade")
        # The total of the points and the grade the thresholds give it.
        read_only_fields = (*RECORD_FIELDS, "score", "grade")


class OrganisationCommitmentTallySerializer(WardRecordSerializer):
    class Meta:
        model = OrganisationCommitmentTally
        fields = (*RECORD_FIELDS, "ward", *ORGANISATION_COMMITMENT_TALLY_FIELDS, "all_signed")
        # The ward follows the organisation; "all signed" follows the counts.
        read_only_fields = (*RECORD_FIELDS, "ward", "all_signed")


class AppraisalThresholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppraisalThreshold
        fields = ("id", "grade", "min_score", "source")
        read_only_fields = fields


class RecognitionCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RecognitionCriterion
        fields = ("id", "subject", "number", "text", "minimum", "source", "active")
        read_only_fields = fields


class GradingCriterionSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradingCriterion
        fields = ("id", "subject", "code", "position", "text", "max_points", "source", "active")
        read_only_fields = fields


class GradingDeadlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = GradingDeadline
        fields = ("id", "subject", "day", "month", "source")
        read_only_fields = fields
