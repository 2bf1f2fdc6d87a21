"""Writes for the movement's records: models, teams and rosters, commitments, mediation and more."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

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
from wardsecurity.services import make_services

ROSTER_HEADCOUNT_MESSAGE = _(
    "This team keeps a roster: its headcount is the number of current members."
)


def recount_headcounts(team_ids):
    """Set each roster-keeping team's headcount to its number of current members."""
    # FOR NO KEY UPDATE serialises recounts of a team without blocking members' foreign keys, and
    # the count runs after the lock, so concurrent roster changes are all counted.
    teams = (
        Team.objects.filter(pk__in=team_ids, roster_kept=True)
        .order_by("pk")
        .select_for_update(no_key=True)
    )
    for team in teams:
        count = team.members.filter(left_on__isnull=True).count()
        if team.headcount != count:
            Team.objects.filter(pk=team.pk).update(headcount=count)


def _headcount_follows_roster(team, *, data):
    """A team keeping a roster takes its headcount from it; a different typed value is refused."""
    if not team.roster_kept:
        return
    count = team.members.filter(left_on__isnull=True).count() if team.pk else 0
    if "headcount" in data and team.headcount != count:
        raise ValidationError(
            {"headcount": ValidationError(ROSTER_HEADCOUNT_MESSAGE, code="roster_kept")}
        )
    team.headcount = count


def _recount_rosters(*, new, old):
    recount_headcounts({member.team_id for member in (new, old) if member is not None})


self_management_model_create, self_management_model_update, self_management_model_delete = (
    make_services(SelfManagementModel, "self_management_model")
)
team_create, team_update, team_delete = make_services(
    Team, "team", before_save=_headcount_follows_roster
)
team_member_create, team_member_update, team_member_delete = make_services(
    TeamMember, "team_member", after_write=_recount_rosters
)
commitment_create, commitment_update, commitment_delete = make_services(Commitment, "commitment")
mediation_case_create, mediation_case_update, mediation_case_delete = make_services(
    MediationCase, "mediation_case"
)
outreach_session_create, outreach_session_update, outreach_session_delete = make_services(
    OutreachSession, "outreach_session"
)
commendation_create, commendation_update, commendation_delete = make_services(
    Commendation, "commendation"
)
weapon_surrender_create, weapon_surrender_update, weapon_surrender_delete = make_services(
    WeaponSurrender, "weapon_surrender"
)
reintegration_case_create, reintegration_case_update, reintegration_case_delete = make_services(
    ReintegrationCase, "reintegration_case"
)
eid_tally_create, eid_tally_update, eid_tally_delete = make_services(EidTally, "eid_tally")
safety_recognition_create, safety_recognition_update, safety_recognition_delete = make_services(
    SafetyRecognition, "safety_recognition"
)
# The grade follows the configured thresholds (Appraisal.clean), never a typed value.
appraisal_create, appraisal_update, appraisal_delete = make_services(
    Appraisal, "appraisal", read_only=("grade",)
)
