"""Filters for the movement's records: one definition for the API, UI lists and exports."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

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
from wardsecurity.filters import IdFilter, StrictBooleanFilter, WardRecordFilterSet, date_range

# Links are filtered by id, not through a ModelChoiceFilter: that one validates the id against
# every ward's rows, so "no such group" (400) and "another ward's group" (empty page) would differ.


def link(field_name, label):
    return IdFilter(field_name=field_name, label=label)


class SelfManagementModelFilterSet(WardRecordFilterSet):
    group = link("groups", _("residential group (id)"))
    lead_org = link("lead_org_id", _("lead organisation (id)"))
    founded_on = date_range("founded_on", _("founded on"))
    search_fields = ("name",)

    class Meta:
        model = SelfManagementModel
        fields = ["ward", "ward_code", "group", "kind", "status", "exemplary", "lead_org"]


class TeamFilterSet(WardRecordFilterSet):
    group = link("groups", _("residential group (id)"))
    model = link("model_id", _("self-management model (id)"))
    established_on = date_range("established_on", _("established on"))
    dissolved = StrictBooleanFilter(
        field_name="dissolved_on", lookup_expr="isnull", exclude=True, label=_("dissolved")
    )
    search_fields = ("name", "decision_no")

    class Meta:
        model = Team
        fields = ["ward", "ward_code", "group", "kind", "model", "roster_kept", "dissolved"]


class TeamMemberFilterSet(WardRecordFilterSet):
    # A member belongs to its team's ward (TeamMember.ward_path).
    ward = link("team__ward_id", _("ward (id)"))
    ward_code = django_filters.CharFilter(field_name="team__ward__code", label=_("ward code"))
    team = link("team_id", _("team (id)"))
    joined_on = date_range("joined_on", _("joined on"))
    current = StrictBooleanFilter(
        field_name="left_on", lookup_expr="isnull", label=_("current member")
    )
    search_fields = ("full_name",)

    class Meta:
        model = TeamMember
        fields = ["ward", "ward_code", "team", "role", "current"]


class PatrolFilterSet(WardRecordFilterSet):
    team = link("team_id", _("team (id)"))
    patrolled_on = date_range("patrolled_on", _("date"))
    search_fields = ("area", "findings", "team__name")

    class Meta:
        model = Patrol
        fields = ["ward", "ward_code", "team", "shift"]


class TeamAppraisalFilterSet(WardRecordFilterSet):
    team = link("team_id", _("team (id)"))
    search_fields = ("team__name", "decision_no")

    class Meta:
        model = TeamAppraisal
        fields = ["ward", "ward_code", "team", "year", "level"]


class CommitmentFilterSet(WardRecordFilterSet):
    group = IdFilter(method="filter_group", label=_("residential group (id)"))
    household = link("household_id", _("household (id)"))
    organisation = link("organisation_id", _("organisation (id)"))
    signed_on = date_range("signed_on", _("signed on"))
    search_fields = ("household__code", "household__head_name", "organisation__name")

    class Meta:
        model = Commitment
        fields = ["ward", "ward_code", "group", "household", "organisation", "kind", "year"]

    def filter_group(self, queryset, name, value):
        # The commitment has no group of its own: it is its signer's.
        return queryset.filter(Q(household__group_id=value) | Q(organisation__group_id=value))


class MediationCaseFilterSet(WardRecordFilterSet):
    group = link("group_id", _("residential group (id)"))
    received_on = date_range("received_on", _("received on"))
    search_fields = ("parties",)

    class Meta:
        model = MediationCase
        fields = ["ward", "ward_code", "group", "subject", "outcome", "security_related"]


class OutreachSessionFilterSet(WardRecordFilterSet):
    group = link("group_id", _("residential group (id)"))
    partner = django_filters.ChoiceFilter(
        choices=OutreachSession.Partner.choices, method="filter_partner", label=_("partner")
    )
    held_on = date_range("held_on", _("held on"))
    search_fields = ("topic",)

    class Meta:
        model = OutreachSession
        fields = ["ward", "ward_code", "group", "partner"]

    def filter_partner(self, queryset, name, value):
        return queryset.filter(partners__contains=[value])


class CommendationFilterSet(WardRecordFilterSet):
    awarded_on = date_range("awarded_on", _("awarded on"))
    search_fields = ("recipient_name", "issuer")

    class Meta:
        model = Commendation
        fields = ["ward", "ward_code", "recipient_kind", "level"]


class WeaponSurrenderFilterSet(WardRecordFilterSet):
    received_on = date_range("received_on", _("received on"))
    search = None  # nothing but codes and numbers to search

    class Meta:
        model = WeaponSurrender
        fields = ["ward", "ward_code", "item", "unit"]


class ReintegrationCaseFilterSet(WardRecordFilterSet):
    group = link("group_id", _("residential group (id)"))
    started_on = date_range("started_on", _("started on"))
    search_fields = ("person_name", "sponsor")

    class Meta:
        model = ReintegrationCase
        fields = ["ward", "ward_code", "group", "category", "status"]


class EidTallyFilterSet(WardRecordFilterSet):
    group = link("group_id", _("residential group (id)"))
    recorded_on = date_range("recorded_on", _("recorded on"))
    search = None  # counters only

    class Meta:
        model = EidTally
        fields = ["ward", "ward_code", "group"]


class SafetyRecognitionFilterSet(WardRecordFilterSet):
    group = link("group_id", _("residential group (id)"))
    organisation = link("organisation_id", _("organisation (id)"))
    search_fields = ("decision_no", "group__name", "organisation__name")

    class Meta:
        model = SafetyRecognition
        fields = [
            "ward",
            "ward_code",
            "group",
            "organisation",
            "subject",
            "year",
            "recognised",
        ]


class AppraisalFilterSet(WardRecordFilterSet):
    group = link("group_id", _("residential group (id)"))
    organisation = link("organisation_id", _("organisation (id)"))
    team = link("team_id", _("team (id)"))
    search_fields = ("group__name", "organisation__name", "team__name")

    class Meta:
        model = Appraisal
        fields = [
            "ward",
            "ward_code",
            "group",
            "organisation",
            "team",
            "subject",
            "year",
            "grade",
        ]


class OrganisationCommitmentTallyFilterSet(WardRecordFilterSet):
    organisation = link("organisation_id", _("organisation (id)"))
    group = link("organisation__group_id", _("residential group (id)"))
    search_fields = ("organisation__name",)

    class Meta:
        model = OrganisationCommitmentTally
        fields = ["ward", "ward_code", "group", "organisation", "year", "all_signed"]


class AppraisalThresholdFilterSet(django_filters.FilterSet):
    class Meta:
        model = AppraisalThreshold
        fields = ["grade"]


class RecognitionCriterionFilterSet(django_filters.FilterSet):
    class Meta:
        model = RecognitionCriterion
        fields = ["subject", "active"]


class GradingCriterionFilterSet(django_filters.FilterSet):
    class Meta:
        model = GradingCriterion
        fields = ["subject", "active"]


class GradingDeadlineFilterSet(django_filters.FilterSet):
    class Meta:
        model = GradingDeadline
        fields = ["subject"]
