"""Writes for the movement's records: models, teams and rosters, commitments, mediation and more."""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pghistory
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from movement.models import (
    LAW_30_IN_FORCE,
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
    SubjectKind,
    Team,
    TeamAppraisal,
    TeamAppraisalRule,
    TeamMember,
    TeamSizeNorm,
    WeaponSurrender,
)
from movement.standards import (
    TEAM_GRADING_MESSAGE,
    check_grade,
    check_recognition,
    grade_points,
)
from wardsecurity.events import rows_written
from wardsecurity.models import User
from wardsecurity.services import (
    Prepared,
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
SECURITY_TEAM_GROUPS = _(
    "A grassroots security and order team serves one or more residential groups: choose them."
)
UNDER_NORM = _(
    "A grassroots security and order team has at least %(min)s members (the norm for "
    "%(where)s); this one has %(count)s."
)
OVER_NORM = _(
    "A grassroots security and order team has at most %(max)s members (the norm for "
    "%(where)s); this one would have %(count)s."
)
ROSTER_UNDER_NORM = _(
    "The team would be left with %(count)s current members, fewer than the %(min)s a "
    "grassroots security and order team needs (the norm for %(where)s). Add a member first, "
    "or dissolve the team."
)
ONE_LEADER = _("The team already has a current leader (tổ trưởng); a team has only one.")
TOP_LEVEL_CAP = _(
    "At most %(cap)s%% of the teams rated “Completed tasks well” may be rated “Completed tasks "
    "excellently”. For %(year)s this ward would have %(good)s teams rated well, so at most "
    "%(allowed)s excellent, and %(excellent)s are."
)
NATIONAL_DEFAULT = _("the whole country")


def recount_headcounts(team_ids: Iterable[int]) -> None:
    """Set each roster-keeping team's headcount to its number of current members."""
    # FOR NO KEY UPDATE serialises recounts of a team without blocking members' foreign keys, and
    # the count runs after the lock, so concurrent roster changes are all counted.
    teams = (
        Team.objects.filter(pk__in=team_ids, roster_kept=True)
        .order_by("pk")
        .select_for_update(no_key=True)
    )
    recounted = False
    for team in teams:
        count = team.members.filter(left_on__isnull=True).count()
        if team.headcount != count:
            Team.objects.filter(pk=team.pk).update(headcount=count)
            recounted = True
    if recounted:  # a headcount is a figure: no post_save tells the statistics of update()
        rows_written.send(sender=Team)


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


def _norm_where(norm: TeamSizeNorm) -> str:
    return norm.province.name if norm.province is not None else str(NATIONAL_DEFAULT)


def _security_team_rules(prepared: Prepared[Team]) -> None:
    """A Tổ bảo vệ ANTT serves residential groups and has as many members as its norm says.

    A team keeping a roster is built member by member: its size is checked when members leave
    (``_roster_keeps_its_floor``), not while the roster is being entered.
    """
    team = prepared.record
    if team.kind != Team.Kind.SECURITY_TEAM:
        return
    errors: dict[str, ValidationError] = {}
    if "groups" in prepared.m2m:
        has_groups = bool(prepared.m2m["groups"])
    else:
        has_groups = team.pk is not None and team.groups.exists()
    if not has_groups:
        errors["groups"] = ValidationError(SECURITY_TEAM_GROUPS, code="required")
    norm = TeamSizeNorm.for_ward(team.ward)
    if norm is not None and not team.roster_kept:
        params = {"where": _norm_where(norm), "count": team.headcount}
        if team.headcount < norm.min_members:
            params["min"] = norm.min_members
            errors["headcount"] = ValidationError(UNDER_NORM, code="under_norm", params=params)
        elif norm.max_members is not None and team.headcount > norm.max_members:
            params["max"] = norm.max_members
            errors["headcount"] = ValidationError(OVER_NORM, code="over_norm", params=params)
    if errors:
        raise ValidationError(errors)


def team_create(*, actor: User, data: Mapping[str, Any]) -> Team:
    """Create a team in the actor's scope; a team keeping a roster takes its headcount from it."""
    # A grassroots security and order team needs its founding decision (``Team.clean``), at
    # least one residential group and a headcount within its province's norm.
    with record_write(actor=actor, service="team_create"):
        prepared = prepare_create(Team, actor=actor, data=data)
        _headcount_follows_roster(prepared.record, data=data)
        _security_team_rules(prepared)
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
        _security_team_rules(prepared)
        return save_record(prepared)


def team_delete(*, actor: User, instance: Team, expected_version: int | str | None = None) -> None:
    """Delete a team in the actor's scope (optimistic version check)."""
    delete_record(instance, actor=actor, expected_version=expected_version, service="team_delete")


def _current_counts(team_ids: Iterable[int]) -> dict[int, int]:
    """Lock the teams (as ``recount_headcounts`` does) and count their current members."""
    ids = sorted({pk for pk in team_ids if pk is not None})
    list(Team.objects.filter(pk__in=ids).order_by("pk").select_for_update(no_key=True))
    rows = (
        TeamMember.objects.filter(team_id__in=ids, left_on__isnull=True)
        .values("team_id")
        .annotate(n=Count("pk"))
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({row["team_id"]: row["n"] for row in rows})
    return counts


def _roster_rules(member: TeamMember | None, before: Mapping[int, int], key: str) -> None:
    """After a roster change: one current leader; a security team's roster within its norm.

    A roster may grow towards the minimum, but a current member leaving (or being deleted or
    moved) may not take an open Tổ bảo vệ ANTT below it.
    """
    if member is not None and member.role == TeamMember.Role.LEADER and member.left_on is None:
        leaders = TeamMember.objects.filter(
            team_id=member.team_id, role=TeamMember.Role.LEADER, left_on__isnull=True
        )
        if leaders.exclude(pk=member.pk).exists():
            raise ValidationError({"role": ValidationError(ONE_LEADER, code="one_leader")})
    after = _current_counts(before)
    teams = Team.objects.filter(
        pk__in=list(before), kind=Team.Kind.SECURITY_TEAM, roster_kept=True
    ).select_related("ward__province")
    for team in teams:
        norm = TeamSizeNorm.for_ward(team.ward)
        if norm is None:
            continue
        count = after[team.pk]
        params = {"where": _norm_where(norm), "count": count}
        if count < before[team.pk] and count < norm.min_members and team.dissolved_on is None:
            params["min"] = norm.min_members
            error = ValidationError(ROSTER_UNDER_NORM, code="under_norm", params=params)
            raise ValidationError({key: error})
        if count > before[team.pk] and norm.max_members is not None and count > norm.max_members:
            params["max"] = norm.max_members
            error = ValidationError(OVER_NORM, code="over_norm", params=params)
            raise ValidationError({key: error})


def team_member_create(*, actor: User, data: Mapping[str, Any]) -> TeamMember:
    """Add a member to a team in the actor's scope; a kept roster recounts the headcount."""
    with record_write(actor=actor, service="team_member_create"):
        prepared = prepare_create(TeamMember, actor=actor, data=data)
        before = _current_counts({prepared.record.team_id})
        member = save_record(prepared)
        _roster_rules(member, before, "team")
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
        before = _current_counts({old.team_id, prepared.record.team_id})
        member = save_record(prepared)
        _roster_rules(member, before, "team" if member.team_id != old.team_id else "left_on")
        recount_headcounts({old.team_id, member.team_id})
    return member


def team_member_delete(
    *, actor: User, instance: TeamMember, expected_version: int | str | None = None
) -> None:
    """Delete a team member (optimistic version check); a kept roster recounts the headcount."""
    with record_write(actor=actor, service="team_member_delete"):
        before = _current_counts({instance.team_id})
        member = remove_record(instance, actor=actor, expected_version=expected_version)
        _roster_rules(None, before, NON_FIELD_ERRORS)
        recount_headcounts({member.team_id})


@dataclass(frozen=True)
class LegacyEnding:
    """What ``legacy_forces_end`` did (or would do, in a dry run)."""

    ended: dict[str, int]  # team kind → teams ended now
    already_ended: int  # legacy teams that had ended by the cut-off before the run

    @property
    def total(self) -> int:
        return sum(self.ended.values())


def legacy_forces_end(
    *, dry_run: bool = False, ward_ids: Collection[int] | None = None
) -> LegacyEnding:
    """End the legacy teams still open on 1 July 2024, the day Law 30/2023/QH15 took effect.

    They get ``dissolved_on`` = 1 July 2024: a team counts in the statistics up to the day before
    its ``dissolved_on``, so they count through 30 June 2024 and from no day after. Run by a
    command (no actor): the history names the service, and the command or the demo load that
    called it, in its context. Closed periods do not stop it: the Law, not a ward, ended these
    forces. Running it again changes nothing. ``ward_ids`` limits it to those wards (the demo's).
    """
    legacy = Team.objects.filter(kind__in=Team.LEGACY_KINDS, established_on__lt=LAW_30_IN_FORCE)
    if ward_ids is not None:
        legacy = legacy.filter(ward_id__in=ward_ids)
    still_open = Q(dissolved_on__isnull=True) | Q(dissolved_on__gt=LAW_30_IN_FORCE)
    with transaction.atomic(), pghistory.context(service="legacy_forces_end"):
        rows = legacy.filter(still_open).order_by("pk").select_for_update(no_key=True)
        ids = [team.pk for team in rows]
        ended = dict(
            Team.objects.filter(pk__in=ids)
            .values_list("kind")
            .annotate(n=Count("pk"))
            .order_by("kind")
        )
        already = legacy.exclude(still_open).count()
        if not dry_run and ids:
            Team.objects.filter(pk__in=ids).update(
                dissolved_on=LAW_30_IN_FORCE, updated_at=timezone.now()
            )
            rows_written.send(sender=Team)
    return LegacyEnding(ended=ended, already_ended=already)


def patrol_create(*, actor: User, data: Mapping[str, Any]) -> Patrol:
    """Log a team's duty shift or patrol; it takes its team's ward (``Patrol.clean``'s rules)."""
    return create_record(Patrol, actor=actor, data=data, service="patrol_create")


def patrol_update(
    *,
    actor: User,
    instance: Patrol,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Patrol:
    """Update a patrol log entry in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="patrol_update",
    )


def patrol_delete(
    *, actor: User, instance: Patrol, expected_version: int | str | None = None
) -> None:
    """Delete a patrol log entry in the actor's scope (optimistic version check)."""
    delete_record(instance, actor=actor, expected_version=expected_version, service="patrol_delete")


def _lock_appraisal_year(ward_id: int, year: int) -> None:
    """Serialise the writes of one ward's appraisals of one year, so the cap holds under races."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ward_id, year])


def _top_level_cap(ward_id: int, year: int, key: str) -> None:
    """The teams rated excellent stay within the year's cap (``TeamAppraisalRule``)."""
    rule = TeamAppraisalRule.for_year(year)
    if rule is None:
        return
    counts = TeamAppraisal.objects.filter(ward_id=ward_id, year=year).aggregate(
        excellent=Count("pk", filter=Q(level=TeamAppraisal.Level.EXCELLENT)),
        good=Count("pk", filter=Q(level=TeamAppraisal.Level.GOOD)),
    )
    allowed = math.floor(counts["good"] * rule.top_level_cap_pct / 100)
    if counts["excellent"] > allowed:
        params = {
            "cap": f"{rule.top_level_cap_pct.normalize():f}",
            "year": year,
            "good": counts["good"],
            "allowed": allowed,
            "excellent": counts["excellent"],
        }
        raise ValidationError({key: ValidationError(TOP_LEVEL_CAP, code="cap", params=params)})


def team_appraisal_create(*, actor: User, data: Mapping[str, Any]) -> TeamAppraisal:
    """Appraise a grassroots security team for a year, within the cap on the top level."""
    with record_write(actor=actor, service="team_appraisal_create"):
        prepared = prepare_create(TeamAppraisal, actor=actor, data=data)
        record = prepared.record
        _lock_appraisal_year(record.ward_id, record.year)
        saved = save_record(prepared)
        _top_level_cap(saved.ward_id, saved.year, "level")
        return saved


def team_appraisal_update(
    *,
    actor: User,
    instance: TeamAppraisal,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> TeamAppraisal:
    """Update a team appraisal (version check); the cap holds for the old and the new year."""
    with record_write(actor=actor, service="team_appraisal_update"):
        prepared, old = prepare_update(
            instance, actor=actor, data=data, expected_version=expected_version
        )
        for year in sorted({old.year, prepared.record.year}):
            _lock_appraisal_year(old.ward_id, year)
        saved = save_record(prepared)
        for year in sorted({old.year, saved.year}):
            _top_level_cap(saved.ward_id, year, "level")
        return saved


def team_appraisal_delete(
    *, actor: User, instance: TeamAppraisal, expected_version: int | str | None = None
) -> None:
    """Delete a team appraisal; removing a "well" may not leave the excellent ones over the cap."""
    with record_write(actor=actor, service="team_appraisal_delete"):
        _lock_appraisal_year(instance.ward_id, instance.year)
        removed = remove_record(instance, actor=actor, expected_version=expected_version)
        _top_level_cap(removed.ward_id, removed.year, NON_FIELD_ERRORS)


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
