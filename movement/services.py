"""Writes for the movement's records: models, teams and rosters, commitments, mediation and more."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from movement.models import (
    Appraisal,
    Commendation,
    Commitment,
    EidTally,
    MediationCase,
    OrganisationCommitmentTally,
    OutreachSession,
    ReintegrationCase,
    SafetyRecognition,
    SelfManagementModel,
    SubjectKind,
    Team,
    TeamMember,
    WeaponSurrender,
)
from movement.standards import (
    TEAM_GRADING_MESSAGE,
    check_grade,
    check_recognition,
    grade_points,
)
from wardsecurity.models import User
from wardsecurity.services import (
    create_record,
    delete_record,
    prepare_create,
    prepare_update,
    record_write,
    remove_record,
    save_record,
    update_record,
)

ROSTER_HEADCOUNT_MESSAGE = _(
    "This team keeps a roster: its headcount is the number of current members."
)
# The total of the points and the grade it reaches (movement.standards), never typed values.
APPRAISAL_READ_ONLY = ("grade", "score")


def recount_headcounts(team_ids: Iterable[int]) -> None:
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


def _headcount_follows_roster(team: Team, *, data: Mapping[str, Any]) -> None:
    """A team keeping a roster takes its headcount from it; a different typed value is refused."""
    if not team.roster_kept:
        return
    count = team.members.filter(left_on__isnull=True).count() if team.pk else 0
    if "headcount" in data and team.headcount != count:
        raise ValidationError(
            {"headcount": ValidationError(ROSTER_HEADCOUNT_MESSAGE, code="roster_kept")}
        )
    team.headcount = count


def self_management_model_create(*, actor: User, data: Mapping[str, Any]) -> SelfManagementModel:
    """Create a self management model in the actor's scope."""
    return create_record(
        SelfManagementModel, actor=actor, data=data, service="self_management_model_create"
    )


def self_management_model_update(
    *,
    actor: User,
    instance: SelfManagementModel,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> SelfManagementModel:
    """Update a self management model in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="self_management_model_update",
    )


def self_management_model_delete(
    *, actor: User, instance: SelfManagementModel, expected_version: int | str | None = None
) -> None:
    """Delete a self management model in the actor's scope (optimistic version check)."""
    delete_record(
        instance,
        actor=actor,
        expected_version=expected_version,
        service="self_management_model_delete",
    )


def team_create(*, actor: User, data: Mapping[str, Any]) -> Team:
    """Create a team in the actor's scope; a team keeping a roster takes its headcount from it."""
    with record_write(actor=actor, service="team_create"):
        prepared = prepare_create(Team, actor=actor, data=data)
        _headcount_follows_roster(prepared.record, data=data)
        return save_record(prepared)


def team_update(
    *,
    actor: User,
    instance: Team,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Team:
    """Update a team in the actor's scope (version check); a kept roster sets the headcount."""
    with record_write(actor=actor, service="team_update"):
        prepared, _old = prepare_update(
            instance, actor=actor, data=data, expected_version=expected_version
        )
        _headcount_follows_roster(prepared.record, data=data)
        return save_record(prepared)


def team_delete(*, actor: User, instance: Team, expected_version: int | str | None = None) -> None:
    """Delete a team in the actor's scope (optimistic version check)."""
    delete_record(instance, actor=actor, expected_version=expected_version, service="team_delete")


def team_member_create(*, actor: User, data: Mapping[str, Any]) -> TeamMember:
    """Add a member to a team in the actor's scope; a kept roster recounts the headcount."""
    with record_write(actor=actor, service="team_member_create"):
        member = save_record(prepare_create(TeamMember, actor=actor, data=data))
        recount_headcounts({member.team_id})
    return member


def team_member_update(
    *,
    actor: User,
    instance: TeamMember,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> TeamMember:
    """Update a team member (version check); the old and new team's kept rosters recount."""
    with record_write(actor=actor, service="team_member_update"):
        prepared, old = prepare_update(
            instance, actor=actor, data=data, expected_version=expected_version
        )
        member = save_record(prepared)
        recount_headcounts({old.team_id, member.team_id})
    return member


def team_member_delete(
    *, actor: User, instance: TeamMember, expected_version: int | str | None = None
) -> None:
    """Delete a team member (optimistic version check); a kept roster recounts the headcount."""
    with record_write(actor=actor, service="team_member_delete"):
        member = remove_record(instance, actor=actor, expected_version=expected_version)
        recount_headcounts({member.team_id})


def commitment_create(*, actor: User, data: Mapping[str, Any]) -> Commitment:
    """Create a commitment in the actor's scope."""
    return create_record(Commitment, actor=actor, data=data, service="commitment_create")


def commitment_update(
    *,
    actor: User,
    instance: Commitment,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Commitment:
    """Update a commitment in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="commitment_update",
    )


def commitment_delete(
    *, actor: User, instance: Commitment, expected_version: int | str | None = None
) -> None:
    """Delete a commitment in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="commitment_delete"
    )


def mediation_case_create(*, actor: User, data: Mapping[str, Any]) -> MediationCase:
    """Create a mediation case in the actor's scope."""
    return create_record(MediationCase, actor=actor, data=data, service="mediation_case_create")


def mediation_case_update(
    *,
    actor: User,
    instance: MediationCase,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> MediationCase:
    """Update a mediation case in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="mediation_case_update",
    )


def mediation_case_delete(
    *, actor: User, instance: MediationCase, expected_version: int | str | None = None
) -> None:
    """Delete a mediation case in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="mediation_case_delete"
    )


def outreach_session_create(*, actor: User, data: Mapping[str, Any]) -> OutreachSession:
    """Create an outreach session in the actor's scope."""
    return create_record(OutreachSession, actor=actor, data=data, service="outreach_session_create")


def outreach_session_update(
    *,
    actor: User,
    instance: OutreachSession,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> OutreachSession:
    """Update an outreach session in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="outreach_session_update",
    )


def outreach_session_delete(
    *, actor: User, instance: OutreachSession, expected_version: int | str | None = None
) -> None:
    """Delete an outreach session in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="outreach_session_delete"
    )


def commendation_create(*, actor: User, data: Mapping[str, Any]) -> Commendation:
    """Create a commendation in the actor's scope."""
    return create_record(Commendation, actor=actor, data=data, service="commendation_create")


def commendation_update(
    *,
    actor: User,
    instance: Commendation,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Commendation:
    """Update a commendation in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="commendation_update",
    )


def commendation_delete(
    *, actor: User, instance: Commendation, expected_version: int | str | None = None
) -> None:
    """Delete a commendation in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="commendation_delete"
    )


def weapon_surrender_create(*, actor: User, data: Mapping[str, Any]) -> WeaponSurrender:
    """Create a weapon surrender in the actor's scope."""
    return create_record(WeaponSurrender, actor=actor, data=data, service="weapon_surrender_create")


def weapon_surrender_update(
    *,
    actor: User,
    instance: WeaponSurrender,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> WeaponSurrender:
    """Update a weapon surrender in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="weapon_surrender_update",
    )


def weapon_surrender_delete(
    *, actor: User, instance: WeaponSurrender, expected_version: int | str | None = None
) -> None:
    """Delete a weapon surrender in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="weapon_surrender_delete"
    )


def reintegration_case_create(*, actor: User, data: Mapping[str, Any]) -> ReintegrationCase:
    """Create a reintegration case in the actor's scope."""
    return create_record(
        ReintegrationCase, actor=actor, data=data, service="reintegration_case_create"
    )


def reintegration_case_update(
    *,
    actor: User,
    instance: ReintegrationCase,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> ReintegrationCase:
    """Update a reintegration case in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="reintegration_case_update",
    )


def reintegration_case_delete(
    *, actor: User, instance: ReintegrationCase, expected_version: int | str | None = None
) -> None:
    """Delete a reintegration case in the actor's scope (optimistic version check)."""
    delete_record(
        instance,
        actor=actor,
        expected_version=expected_version,
        service="reintegration_case_delete",
    )


def eid_tally_create(*, actor: User, data: Mapping[str, Any]) -> EidTally:
    """Create an eid tally in the actor's scope."""
    return create_record(EidTally, actor=actor, data=data, service="eid_tally_create")


def eid_tally_update(
    *,
    actor: User,
    instance: EidTally,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> EidTally:
    """Update an eid tally in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="eid_tally_update",
    )


def eid_tally_delete(
    *, actor: User, instance: EidTally, expected_version: int | str | None = None
) -> None:
    """Delete an eid tally in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="eid_tally_delete"
    )


def safety_recognition_create(*, actor: User, data: Mapping[str, Any]) -> SafetyRecognition:
    """Create a safe-area recognition: criterion 1 computed, the standard's rules checked."""
    with record_write(actor=actor, service="safety_recognition_create"):
        prepared = prepare_create(SafetyRecognition, actor=actor, data=data)
        check_recognition(prepared.record)
        return save_record(prepared)


def safety_recognition_update(
    *,
    actor: User,
    instance: SafetyRecognition,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> SafetyRecognition:
    """Update a safe-area recognition (version check); criterion 1 is computed again."""
    with record_write(actor=actor, service="safety_recognition_update"):
        prepared, _old = prepare_update(
            instance, actor=actor, data=data, expected_version=expected_version
        )
        check_recognition(prepared.record)
        return save_record(prepared)


def safety_recognition_delete(
    *, actor: User, instance: SafetyRecognition, expected_version: int | str | None = None
) -> None:
    """Delete a safety recognition in the actor's scope (optimistic version check)."""
    delete_record(
        instance,
        actor=actor,
        expected_version=expected_version,
        service="safety_recognition_delete",
    )


NO_POINTS = object()


def _without_points(data: Mapping[str, Any]) -> tuple[Mapping[str, Any], object]:
    """The data but the points (a mapping the generic shape check would refuse), and the
    points (``NO_POINTS`` when not sent), checked against the sheet by ``grade_points``."""
    if not isinstance(data, Mapping):
        return data, NO_POINTS  # prepare_* refuses it with its own message
    rest = {name: value for name, value in data.items() if name != "points"}
    return rest, data.get("points", NO_POINTS)


def appraisal_create(*, actor: User, data: Mapping[str, Any]) -> Appraisal:
    """Grade a group, the ward or an organisation from the sheet's points (not a team)."""
    with record_write(actor=actor, service="appraisal_create"):
        rest, points = _without_points(data)
        # The total is derived below; a placeholder lets the shape of the rest be checked first.
        prepared = prepare_create(
            Appraisal,
            actor=actor,
            data=rest,
            read_only=APPRAISAL_READ_ONLY,
            preset={"score": Decimal(0)},
        )
        grade_points(prepared.record, {} if points is NO_POINTS else points)
        prepared.record.full_clean()
        return save_record(prepared)


def appraisal_update(
    *,
    actor: User,
    instance: Appraisal,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Appraisal:
    """Update a grading (version check); a bare score of old is kept until points are sent."""
    with record_write(actor=actor, service="appraisal_update"):
        rest, points = _without_points(data)
        prepared, _old = prepare_update(
            instance,
            actor=actor,
            data=rest,
            expected_version=expected_version,
            read_only=APPRAISAL_READ_ONLY,
        )
        record = prepared.record
        if record.subject == SubjectKind.TEAM:
            raise ValidationError({"subject": ValidationError(TEAM_GRADING_MESSAGE, code="team")})
        if points is not NO_POINTS or record.points:
            grade_points(record, record.points if points is NO_POINTS else points)
        else:
            check_grade(record)
        record.full_clean()
        return save_record(prepared)


def appraisal_delete(
    *, actor: User, instance: Appraisal, expected_version: int | str | None = None
) -> None:
    """Delete an appraisal in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="appraisal_delete"
    )


def organisation_commitment_tally_create(
    *, actor: User, data: Mapping[str, Any]
) -> OrganisationCommitmentTally:
    """Record how many of an organisation's staff signed a year's commitment."""
    return create_record(
        OrganisationCommitmentTally,
        actor=actor,
        data=data,
        service="organisation_commitment_tally_create",
    )


def organisation_commitment_tally_update(
    *,
    actor: User,
    instance: OrganisationCommitmentTally,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> OrganisationCommitmentTally:
    """Update an organisation's commitment tally (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="organisation_commitment_tally_update",
    )


def organisation_commitment_tally_delete(
    *,
    actor: User,
    instance: OrganisationCommitmentTally,
    expected_version: int | str | None = None,
) -> None:
    """Delete an organisation's commitment tally (optimistic version check)."""
    delete_record(
        instance,
        actor=actor,
        expected_version=expected_version,
        service="organisation_commitment_tally_delete",
    )
