"""The portal's forms for the movement's records (the fields the API lets a client write)."""

from movement.models import (
    Appraisal,
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
from wardsecurity.portal.forms import RecordForm


class SelfManagementModelForm(RecordForm):
    class Meta:
        model = SelfManagementModel
        fields = ("ward", "groups", "name", "kind", "founded_on", "status", "exemplary", "lead_org")


class TeamForm(RecordForm):
    class Meta:
        model = Team
        fields = (
            "ward",
            "groups",
            "kind",
            "name",
            "model",
            "established_on",
            "dissolved_on",
            "decision_no",
            "roster_kept",
            "headcount",
        )


class TeamMemberForm(RecordForm):
    class Meta:
        model = TeamMember
        fields = ("team", "full_name", "role", "phone", "birth_year", "joined_on", "left_on")


class CommitmentForm(RecordForm):
    class Meta:
        model = Commitment
        fields = ("household", "organisation", "year", "kind", "signed_on")


class MediationCaseForm(RecordForm):
    class Meta:
        model = MediationCase
        fields = (
            "ward",
            "group",
            "received_on",
            "subject",
            "parties",
            "security_related",
            "outcome",
            "closed_on",
        )


class OutreachSessionForm(RecordForm):
    class Meta:
        model = OutreachSession
        fields = ("ward", "group", "held_on", "topic", "attendees", "partners")


class CommendationForm(RecordForm):
    class Meta:
        model = Commendation
        fields = (
            "ward",
            "recipient_kind",
            "recipient_name",
            "level",
            "issuer",
            "awarded_on",
            "reason",
        )


class WeaponSurrenderForm(RecordForm):
    class Meta:
        model = WeaponSurrender
        fields = ("ward", "received_on", "item", "quantity", "unit")


class ReintegrationCaseForm(RecordForm):
    class Meta:
        model = ReintegrationCase
        fields = (
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


class EidTallyForm(RecordForm):
    class Meta:
        model = EidTally
        fields = (
            "ward",
            "group",
            "recorded_on",
            "chip_cards",
            "vneid_level1",
            "vneid_level2_collected",
            "vneid_level2_activated",
        )


class SafetyRecognitionForm(RecordForm):
    class Meta:
        model = SafetyRecognition
        fields = ("ward", "subject", "group", "organisation", "year", "recognised", "decision_no")


class AppraisalForm(RecordForm):
    # The grade follows from the score and the thresholds (the service sets it).
    class Meta:
        model = Appraisal
        fields = ("ward", "subject", "group", "organisation", "team", "year", "score")
