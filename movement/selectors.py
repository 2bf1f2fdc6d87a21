"""Reads of the movement's records: models, teams and rosters, commitments, mediation and more.

See ``wardsecurity.selectors``: each list starts from ``visible_to(user)`` and joins what the API,
the portal and the admin show of a row; ``filters`` are the app's FilterSet parameters.
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db.models import Prefetch, QuerySet

from households.models import ResidentialGroup
from movement import standards
from movement.filtersets import (
    AppraisalFilterSet,
    CommendationFilterSet,
    CommitmentFilterSet,
    EidTallyFilterSet,
    MediationCaseFilterSet,
    OrganisationCommitmentTallyFilterSet,
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
    OrganisationCommitmentTally,
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
from movement.standards import GradingDue
from wardsecurity.models import User
from wardsecurity.selectors import filtered, one

Filters = Mapping[str, Any] | None


# The residential groups of each row in one query a page: the API shows their ids, the portal's
# exports their names.
GROUPS = Prefetch("groups", queryset=ResidentialGroup.objects.only("id", "name"))


def self_management_model_list(
    *, user: User, filters: Filters = None
) -> QuerySet[SelfManagementModel]:
    """The self-management models the user may see, with their ward, lead organisation, groups."""
    queryset: QuerySet[SelfManagementModel] = (
        SelfManagementModel.objects.visible_to(user)
        .select_related("ward", "lead_org")
        .prefetch_related(GROUPS)
    )
    return filtered(SelfManagementModelFilterSet, queryset, filters)


def self_management_model_get(*, user: User, pk: int) -> SelfManagementModel:
    return one(self_management_model_list(user=user), pk)


def team_list(*, user: User, filters: Filters = None) -> QuerySet[Team]:
    """The teams the user may see, with their ward, model and groups."""
    queryset: QuerySet[Team] = (
        Team.objects.visible_to(user).select_related("ward", "model").prefetch_related(GROUPS)
    )
    return filtered(TeamFilterSet, queryset, filters)


def team_get(*, user: User, pk: int) -> Team:
    return one(team_list(user=user), pk)


def team_member_list(*, user: User, filters: Filters = None) -> QuerySet[TeamMember]:
    """The team members the user may see (through their team's ward), with team and ward."""
    queryset: QuerySet[TeamMember] = TeamMember.objects.visible_to(user).select_related(
        "team__ward"
    )
    return filtered(TeamMemberFilterSet, queryset, filters)


def team_member_get(*, user: User, pk: int) -> TeamMember:
    return one(team_member_list(user=user), pk)


def patrol_list(*, user: User, filters: Filters = None) -> QuerySet[Patrol]:
    """The patrol log entries the user may see, with their ward and team."""
    queryset: QuerySet[Patrol] = Patrol.objects.visible_to(user).select_related("ward", "team")
    return filtered(PatrolFilterSet, queryset, filters)


def patrol_get(*, user: User, pk: int) -> Patrol:
    return one(patrol_list(user=user), pk)


def team_appraisal_list(*, user: User, filters: Filters = None) -> QuerySet[TeamAppraisal]:
    """The team appraisals the user may see, with their ward and team."""
    queryset: QuerySet[TeamAppraisal] = TeamAppraisal.objects.visible_to(user).select_related(
        "ward", "team"
    )
    return filtered(TeamAppraisalFilterSet, queryset, filters)


def team_appraisal_get(*, user: User, pk: int) -> TeamAppraisal:
    return one(team_appraisal_list(user=user), pk)


def commitment_list(*, user: User, filters: Filters = None) -> QuerySet[Commitment]:
    """The commitments the user may see, with their ward and signer."""
    queryset: QuerySet[Commitment] = Commitment.objects.visible_to(user).select_related(
        "ward", "household", "organisation"
    )
    return filtered(CommitmentFilterSet, queryset, filters)


def commitment_get(*, user: User, pk: int) -> Commitment:
    return one(commitment_list(user=user), pk)


def mediation_case_list(*, user: User, filters: Filters = None) -> QuerySet[MediationCase]:
    """The mediation cases the user may see, with their ward and group."""
    queryset: QuerySet[MediationCase] = MediationCase.objects.visible_to(user).select_related(
        "ward", "group"
    )
    return filtered(MediationCaseFilterSet, queryset, filters)


def mediation_case_get(*, user: User, pk: int) -> MediationCase:
    return one(mediation_case_list(user=user), pk)


def outreach_session_list(*, user: User, filters: Filters = None) -> QuerySet[OutreachSession]:
    """The outreach sessions the user may see, with their ward and group."""
    queryset: QuerySet[OutreachSession] = OutreachSession.objects.visible_to(user).select_related(
        "ward", "group"
    )
    return filtered(OutreachSessionFilterSet, queryset, filters)


def outreach_session_get(*, user: User, pk: int) -> OutreachSession:
    return one(outreach_session_list(user=user), pk)


def commendation_list(*, user: User, filters: Filters = None) -> QuerySet[Commendation]:
    """The commendations the user may see, with their ward."""
    queryset: QuerySet[Commendation] = Commendation.objects.visible_to(user).select_related("ward")
    return filtered(CommendationFilterSet, queryset, filters)


def commendation_get(*, user: User, pk: int) -> Commendation:
    return one(commendation_list(user=user), pk)


def weapon_surrender_list(*, user: User, filters: Filters = None) -> QuerySet[WeaponSurrender]:
    """The weapon surrenders the user may see, with their ward."""
    queryset: QuerySet[WeaponSurrender] = WeaponSurrender.objects.visible_to(user).select_related(
        "ward"
    )
    return filtered(WeaponSurrenderFilterSet, queryset, filters)


def weapon_surrender_get(*, user: User, pk: int) -> WeaponSurrender:
    return one(weapon_surrender_list(user=user), pk)


def reintegration_case_list(*, user: User, filters: Filters = None) -> QuerySet[ReintegrationCase]:
    """The reintegration cases the user may see (police and administrators), ward and group."""
    queryset: QuerySet[ReintegrationCase] = ReintegrationCase.objects.visible_to(
        user
    ).select_related("ward", "group")
    return filtered(ReintegrationCaseFilterSet, queryset, filters)


def reintegration_case_get(*, user: User, pk: int) -> ReintegrationCase:
    return one(reintegration_case_list(user=user), pk)


def eid_tally_list(*, user: User, filters: Filters = None) -> QuerySet[EidTally]:
    """The electronic-ID tallies the user may see, with their ward and group."""
    queryset: QuerySet[EidTally] = EidTally.objects.visible_to(user).select_related("ward", "group")
    return filtered(EidTallyFilterSet, queryset, filters)


def eid_tally_get(*, user: User, pk: int) -> EidTally:
    return one(eid_tally_list(user=user), pk)


def safety_recognition_list(*, user: User, filters: Filters = None) -> QuerySet[SafetyRecognition]:
    """The safety recognitions the user may see, with their ward and recognised subject."""
    queryset: QuerySet[SafetyRecognition] = SafetyRecognition.objects.visible_to(
        user
    ).select_related("ward", "group", "organisation")
    return filtered(SafetyRecognitionFilterSet, queryset, filters)


def safety_recognition_get(*, user: User, pk: int) -> SafetyRecognition:
    return one(safety_recognition_list(user=user), pk)


def appraisal_list(*, user: User, filters: Filters = None) -> QuerySet[Appraisal]:
    """The appraisals the user may see, with their ward and appraised subject."""
    queryset: QuerySet[Appraisal] = Appraisal.objects.visible_to(user).select_related(
        "ward", "group", "organisation", "team"
    )
    return filtered(AppraisalFilterSet, queryset, filters)


def appraisal_get(*, user: User, pk: int) -> Appraisal:
    return one(appraisal_list(user=user), pk)


def organisation_commitment_tally_list(
    *, user: User, filters: Filters = None
) -> QuerySet[OrganisationCommitmentTally]:
    """The organisations' commitment tallies the user may see, with ward and organisation."""
    queryset: QuerySet[OrganisationCommitmentTally] = (
        OrganisationCommitmentTally.objects.visible_to(user).select_related("ward", "organisation")
    )
    return filtered(OrganisationCommitmentTallyFilterSet, queryset, filters)


def organisation_commitment_tally_get(*, user: User, pk: int) -> OrganisationCommitmentTally:
    return one(organisation_commitment_tally_list(user=user), pk)


def gradings_due(*, user: User, today: dt.date) -> list[GradingDue]:
    """The gradings the user's ward still owes this year, with their deadlines (the to-do)."""
    # A ward officer's or clerk's own ward (their scope); other roles have no ward to-do.
    ward_id = getattr(user, "scope_ward_id", None)
    if not ward_id:
        return []
    return standards.gradings_due(ward_id=ward_id, today=today)
