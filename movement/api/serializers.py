from rest_framework import serializers

from households.api.serializers import RECORD_FIELDS
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
from wardsecurity.api.serializers import WardRecordSerializer


class SelfManagementModelSerializer(WardRecordSerializer):
    class Meta:
        model = SelfManagementModel
        fields = (
            *RECORD_FIELDS,
            "ward",
            "groups",
            "name",
            "kind",
            "founded_on",
            "status",
            "exemplary",
            "lead_org",
        )
        read_only_fields = RECORD_FIELDS


class TeamSerializer(WardRecordSerializer):
    class Meta:
        model = Team
        fields = (
            *RECORD_FIELDS,
            "ward",
            "groups",
            "kind",
            "name",
            "model",
            "established_on",
            "dissolved_on",
            "decision_no",
            "roster_kept",
            # Writable: the service refuses a typed value that disagrees with a kept roster.
            "headcount",
        )
        read_only_fields = RECORD_FIELDS


class TeamMemberSerializer(WardRecordSerializer):
    class Meta:
        model = TeamMember
        fields = (
            *RECORD_FIELDS,
            "team",
            "full_name",
            "role",
            "phone",
            "birth_year",
            "joined_on",
            "left_on",
        )
        read_only_fields = RECORD_FIELDS


class CommitmentSerializer(WardRecordSerializer):
    class Meta:
        model = Commitment
        fields = (*RECORD_FIELDS, "ward", "household", "organisation", "year", "kind", "signed_on")
        # The ward follows the signer.
        read_only_fields = (*RECORD_FIELDS, "ward")


class MediationCaseSerializer(WardRecordSerializer):
    class Meta:
        model = MediationCase
        fields = (
            *RECORD_FIELDS,
            "ward",
            "group",
            "received_on",
            "subject",
            "parties",
            "security_related",
            "outcome",
            "closed_on",
        )
        read_only_fields = RECORD_FIELDS


class OutreachSessionSerializer(WardRecordSerializer):
    class Meta:
        model = OutreachSession
        fields = (*RECORD_FIELDS, "ward", "group", "held_on", "topic", "attendees", "partners")
        read_only_fields = RECORD_FIELDS


class CommendationSerializer(WardRecordSerializer):
    class Meta:
        model = Commendation
        fields = (
            *RECORD_FIELDS,
            "ward",
            "recipient_kind",
            "recipient_name",
            "level",
            "issuer",
            "awarded_on",
            "reason",
        )
        read_only_fields = RECORD_FIELDS


class WeaponSurrenderSerializer(WardRecordSerializer):
    class Meta:
        model = WeaponSurrender
        fields = (*RECORD_FIELDS, "ward", "received_on", "item", "quantity", "unit")
        read_only_fields = RECORD_FIELDS


class ReintegrationCaseSerializer(WardRecordSerializer):
    class Meta:
        model = ReintegrationCase
        fields = (
            *RECORD_FIELDS,
            "ward",
            "group",
            "person_name",
            "birth_year",
            "category",
            "started_on",
            "ended_on",
            "sponsor",
            "status",
        )
        read_only_fields = RECORD_FIELDS


class EidTallySerializer(WardRecordSerializer):
    class Meta:
        model = EidTally
        fields = (
            *RECORD_FIELDS,
            "ward",
            "group",
            "recorded_on",
            "chip_cards",
            "vneid_level1",
            "vneid_level2_collected",
            "vneid_level2_activated",
        )
        read_only_fields = RECORD_FIELDS


class SafetyRecognitionSerializer(WardRecordSerializer):
    class Meta:
        model = SafetyRecognition
        fields = (
            *RECORD_FIELDS,
            "ward",
            "subject",
            "group",
            "organisation",
            "year",
            "recognised",
            "decision_no",
        )
        read_only_fields = RECORD_FIELDS


class AppraisalSerializer(WardRecordSerializer):
    # Blank when no configured threshold covers the score.
    grade = serializers.ChoiceField(
        choices=Appraisal.Grade.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = Appraisal
        fields = (
            *RECORD_FIELDS,
            "ward",
            "subject",
            "group",
            "organisation",
            "team",
            "year",
            "score",
            "grade",
        )
        # The grade follows the configured thresholds.
        read_only_fields = (*RECORD_FIELDS, "grade")


class AppraisalThresholdSerializer(serializers.ModelSerializer):
    class Meta:
        model = AppraisalThreshold
        fields = ("id", "grade", "min_score")
        read_only_fields = fields
