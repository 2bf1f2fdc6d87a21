"""Admin of the movement's records: models, teams, commitments, mediation, outreach and more."""

from django import forms
from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from movement import selectors, services
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
    TeamAppraisalRule,
    TeamMember,
    TeamSizeNorm,
    WeaponSurrender,
)
from wardsecurity.admin import (
    AdministratorMixin,
    ScopedInline,
    WardRecordAdmin,
    ward_filters,
)


def subject_record(obj):
    """The group, organisation, team or ward that a recognition or appraisal is about."""
    return getattr(obj, obj.subject, None) or obj.ward


@admin.register(SelfManagementModel)
class SelfManagementModelAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.self_management_model_list)
    services = (
        services.self_management_model_create,
        services.self_management_model_update,
        services.self_management_model_delete,
    )
    list_display = ("name", "kind", "status", "exemplary", "founded_on", "lead_org", "ward")
    list_filter = (*ward_filters(), "kind", "status", "exemplary")
    search_fields = ("name__ws_fold__contains",)
    autocomplete_fields = ("ward", "groups", "lead_org")
    date_hierarchy = "founded_on"
    ordering = ("ward__code", "name")


class TeamMemberInline(ScopedInline):
    model = TeamMember
    selector = staticmethod(selectors.team_member_list)
    services = (
        services.team_member_create,
        services.team_member_update,
        services.team_member_delete,
    )
    fields = ("full_name", "role", "phone", "birth_year", "joined_on", "left_on")
    ordering = ("role", "full_name")


@admin.register(Team)
class TeamAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.team_list)
    services = (services.team_create, services.team_update, services.team_delete)
    list_display = (
        "name",
        "kind",
        "established_on",
        "dissolved_on",
        "headcount",
        "roster_kept",
        "model",
        "ward",
    )
    list_filter = (*ward_filters(), "kind", "roster_kept")
    search_fields = ("name__ws_fold__contains", "decision_no")
    autocomplete_fields = ("ward", "groups", "model")
    date_hierarchy = "established_on"
    ordering = ("ward__code", "kind", "name")
    inlines = (TeamMemberInline,)


@admin.register(TeamMember)
class TeamMemberAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.team_member_list)
    services = (
        services.team_member_create,
        services.team_member_update,
        services.team_member_delete,
    )
    list_display = ("full_name", "role", "team", "team_ward", "phone", "joined_on", "left_on")
    list_filter = (*ward_filters("team__ward"), "role", "team__kind")
    search_fields = ("full_name__ws_fold__contains", "phone", "team__name__ws_fold__contains")
    autocomplete_fields = ("team",)
    ordering = ("team__ward__code", "team__name", "role", "full_name")

    @admin.display(description=_("ward"), ordering="team__ward__code")
    def team_ward(self, obj):
        return obj.team.ward


@admin.register(TeamSizeNorm)
class TeamSizeNormAdmin(AdministratorMixin, admin.ModelAdmin):
    """Configuration, not code: each province's team size, with its legal source beside it."""

    list_display = ("__str__", "min_members", "max_members", "source")
    autocomplete_fields = ("province",)
    ordering = ("province__code",)


@admin.register(TeamAppraisalRule)
class TeamAppraisalRuleAdmin(AdministratorMixin, admin.ModelAdmin):
    """Configuration, not code: the cap on the top level and the months a team must have worked."""

    list_display = ("from_year", "top_level_cap_pct", "min_months_operating", "source")
    ordering = ("-from_year",)


@admin.register(Patrol)
class PatrolAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.patrol_list)
    services = (services.patrol_create, services.patrol_update, services.patrol_delete)
    list_display = (
        "patrolled_on",
        "shift",
        "team",
        "area",
        "members_on_duty",
        "incidents_found",
        "ward",
    )
    list_filter = (*ward_filters(), "shift")
    search_fields = ("area__ws_fold__contains", "team__name__ws_fold__contains")
    autocomplete_fields = ("team",)
    # The ward follows the team (Patrol.derive_fields).
    derived_fields = ("ward",)
    date_hierarchy = "patrolled_on"
    ordering = ("ward__code", "-patrolled_on")


@admin.register(TeamAppraisal)
class TeamAppraisalAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.team_appraisal_list)
    services = (
        services.team_appraisal_create,
        services.team_appraisal_update,
        services.team_appraisal_delete,
    )
    list_display = ("year", "team", "level", "decision_no", "ward")
    list_filter = (*ward_filters(), "year", "level")
    search_fields = ("team__name__ws_fold__contains", "decision_no")
    autocomplete_fields = ("team",)
    # The ward follows the team (TeamAppraisal.derive_fields).
    derived_fields = ("ward",)
    ordering = ("-year", "ward__code")


@admin.register(Commitment)
class CommitmentAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.commitment_list)
    services = (services.commitment_create, services.commitment_update, services.commitment_delete)
    list_display = ("kind", "year", "household", "organisation", "signed_on", "ward")
    list_filter = (*ward_filters(), "year", "kind")
    search_fields = (
        "household__code",
        "household__head_name__ws_fold__contains",
        "organisation__name__ws_fold__contains",
    )
    autocomplete_fields = ("household", "organisation")
    # The ward follows the signer (Commitment.derive_fields); a signer of another ward is refused.
    derived_fields = ("ward",)
    date_hierarchy = "signed_on"
    ordering = ("ward__code", "-year", "kind")


@admin.register(MediationCase)
class MediationCaseAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.mediation_case_list)
    services = (
        services.mediation_case_create,
        services.mediation_case_update,
        services.mediation_case_delete,
    )
    list_display = (
        "__str__",
        "subject",
        "received_on",
        "outcome",
        "closed_on",
        "security_related",
        "group",
        "ward",
    )
    list_filter = (*ward_filters(), "subject", "outcome", "security_related")
    search_fields = ("parties__ws_fold__contains",)
    autocomplete_fields = ("ward", "group")
    date_hierarchy = "received_on"
    ordering = ("-received_on", "ward__code")


@admin.register(OutreachSession)
class OutreachSessionAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.outreach_session_list)
    services = (
        services.outreach_session_create,
        services.outreach_session_update,
        services.outreach_session_delete,
    )
    list_display = ("topic", "held_on", "attendees", "partner_list", "group", "ward")
    list_filter = (*ward_filters(),)
    search_fields = ("topic__ws_fold__contains",)
    autocomplete_fields = ("ward", "group")
    date_hierarchy = "held_on"
    ordering = ("-held_on", "ward__code")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # Tick boxes rather than the comma-separated text box of a plain ArrayField.
        if db_field.name == "partners":
            return forms.MultipleChoiceField(
                label=capfirst(db_field.verbose_name),
                choices=OutreachSession.Partner.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("partners"))
    def partner_list(self, obj):
        labels = dict(OutreachSession.Partner.choices)
        return ", ".join(str(labels.get(p, p)) for p in obj.partners) or "—"


@admin.register(Commendation)
class CommendationAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.commendation_list)
    services = (
        services.commendation_create,
        services.commendation_update,
        services.commendation_delete,
    )
    list_display = ("recipient_name", "recipient_kind", "level", "issuer", "awarded_on", "ward")
    list_filter = (*ward_filters(), "recipient_kind", "level")
    search_fields = (
        "recipient_name__ws_fold__contains",
        "issuer__ws_fold__contains",
        "reason__ws_fold__contains",
    )
    autocomplete_fields = ("ward",)
    date_hierarchy = "awarded_on"
    ordering = ("-awarded_on", "ward__code")


@admin.register(WeaponSurrender)
class WeaponSurrenderAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.weapon_surrender_list)
    services = (
        services.weapon_surrender_create,
        services.weapon_surrender_update,
        services.weapon_surrender_delete,
    )
    list_display = ("__str__", "item", "quantity", "unit", "received_on", "ward")
    list_filter = (*ward_filters(), "item", "unit")
    search_fields = ("ward__search_name", "ward__code")
    autocomplete_fields = ("ward",)
    date_hierarchy = "received_on"
    ordering = ("-received_on", "ward__code")


@admin.register(ReintegrationCase)
class ReintegrationCaseAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.reintegration_case_list)
    services = (
        services.reintegration_case_create,
        services.reintegration_case_update,
        services.reintegration_case_delete,
    )
    list_display = (
        "person_name",
        "birth_year",
        "category",
        "status",
        "started_on",
        "ended_on",
        "group",
        "ward",
    )
    list_filter = (*ward_filters(), "category", "status")
    search_fields = ("person_name__ws_fold__contains", "sponsor__ws_fold__contains")
    autocomplete_fields = ("ward", "group")
    date_hierarchy = "started_on"
    ordering = ("-started_on", "ward__code")


@admin.register(EidTally)
class EidTallyAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.eid_tally_list)
    services = (services.eid_tally_create, services.eid_tally_update, services.eid_tally_delete)
    list_display = (
        "recorded_on",
        "chip_cards",
        "vneid_level1",
        "vneid_level2_collected",
        "vneid_level2_activated",
        "group",
        "ward",
    )
    list_filter = (*ward_filters(),)
    search_fields = ("ward__search_name", "ward__code", "group__name__ws_fold__contains")
    autocomplete_fields = ("ward", "group")
    date_hierarchy = "recorded_on"
    ordering = ("-recorded_on", "ward__code")


@admin.register(SafetyRecognition)
class SafetyRecognitionAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.safety_recognition_list)
    services = (
        services.safety_recognition_create,
        services.safety_recognition_update,
        services.safety_recognition_delete,
    )
    list_display = ("year", "subject", "subject_name", "recognised", "decision_no", "ward")
    list_filter = (*ward_filters(), "year", "subject", "recognised")
    search_fields = (
        "decision_no",
        "group__name__ws_fold__contains",
        "organisation__name__ws_fold__contains",
    )
    autocomplete_fields = ("ward", "group", "organisation")
    # Criterion 1, computed from the records when the recognition is saved (movement.standards).
    derived_fields = ("first_criterion_met", "first_criterion_count", "first_criterion_total")
    ordering = ("-year", "ward__code")

    @admin.display(description=_("recognised subject"))
    def subject_name(self, obj):
        return subject_record(obj)


@admin.register(AppraisalThreshold)
class AppraisalThresholdAdmin(AdministratorMixin, admin.ModelAdmin):
    """Configuration, not code: the lowest score of each grade, edited right in the list."""

    list_display = ("grade", "min_score", "source")
    list_editable = ("min_score",)
    ordering = ("-min_score",)


@admin.register(RecognitionCriterion)
class RecognitionCriterionAdmin(AdministratorMixin, admin.ModelAdmin):
    """Configuration: the safe-area criteria per kind of subject, with their legal source."""

    list_display = ("subject", "number", "text", "minimum", "source", "active")
    list_filter = ("subject", "active")
    ordering = ("subject", "number")


@admin.register(GradingCriterion)
class GradingCriterionAdmin(AdministratorMixin, admin.ModelAdmin):
    """Configuration: the grading sheet's criteria and maximum points, with their source."""

    list_display = ("subject", "position", "code", "text", "max_points", "source", "active")
    list_filter = ("subject", "active")
    ordering = ("subject", "position", "code")

    def get_readonly_fields(self, request, obj=None):
        # Gradings store their points under the code: it never changes once created.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None else fields


@admin.register(GradingDeadline)
class GradingDeadlineAdmin(AdministratorMixin, admin.ModelAdmin):
    """Configuration: the day of the year by which each kind of subject is graded."""

    list_display = ("subject", "day", "month", "source")
    ordering = ("month", "day")


@admin.register(OrganisationCommitmentTally)
class OrganisationCommitmentTallyAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.organisation_commitment_tally_list)
    services = (
        services.organisation_commitment_tally_create,
        services.organisation_commitment_tally_update,
        services.organisation_commitment_tally_delete,
    )
    list_display = ("organisation", "year", "staff_count", "signed_count", "all_signed", "ward")
    list_filter = (*ward_filters(), "year", "all_signed")
    search_fields = ("organisation__name__ws_fold__contains",)
    autocomplete_fields = ("organisation",)
    # The ward follows the organisation; "all signed" follows the counts.
    derived_fields = ("ward", "all_signed")
    ordering = ("-year", "ward__code")


@admin.register(Appraisal)
class AppraisalAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.appraisal_list)
    services = (services.appraisal_create, services.appraisal_update, services.appraisal_delete)
    list_display = ("year", "subject", "subject_name", "score", "grade", "ward")
    list_filter = (*ward_filters(), "year", "subject", "grade")
    search_fields = (
        "group__name__ws_fold__contains",
        "organisation__name__ws_fold__contains",
        "team__name__ws_fold__contains",
    )
    autocomplete_fields = ("ward", "group", "organisation", "team")
    # The total of the points and the grade the thresholds give it (movement.standards).
    derived_fields = ("score", "grade")
    ordering = ("-year", "ward__code")

    @admin.display(description=_("appraised subject"))
    def subject_name(self, obj):
        return subject_record(obj)
