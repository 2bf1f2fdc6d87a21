"""The grassroots security force of Law 30/2023/QH15 in a demo ward (docs/domain.md).

On 1 July 2024 the Law replaced the neighbourhood guards the articles describe: the chairman of
the ward People's Committee founded a Tổ bảo vệ an ninh, trật tự for every two residential
groups, most of its members the groups' former guards. Each team keeps its roster (a leader, a
deputy and members), logs its duty shifts and patrols, and was appraised for the appraisal year
2025 (15 November 2024 to 14 November 2025) within the cap on the top level.

None of this is in the articles, which predate the Law: the decisions, names, patrols and levels
are plausible synthetic choices. Everything is entered through the services (``team_create``,
``team_member_create``, ``patrol_create``, ``team_appraisal_create``), as a ward officer would,
so the Law's rules (founding decision, at least three members, one leader, patrols within the
team's life and headcount, the cap on "hoàn thành xuất sắc") hold for the demo too, and the
history names the officer and the service. The ward's neighbourhood guards are ended on the same
day by ``legacy_forces_end``, which ``demo.loader`` runs after the wards are built.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from demo.builder import WardBuilder
from movement.models import LAW_30_IN_FORCE, AppraisalLevel, Patrol, Team, TeamMember
from movement.services import (
    patrol_create,
    team_appraisal_create,
    team_create,
    team_member_create,
)
from wardsecurity.models import User

# The months of duty logged for each team: the first half of 2025, twice a month.
PATROL_MONTHS = tuple(date(2025, month, 1) for month in range(1, 7))
APPRAISAL_YEAR = 2025
NOTHING_FOUND = "Tình hình an ninh, trật tự ổn định, không phát hiện vụ việc."
FINDINGS = (
    (NOTHING_FOUND, 0),
    (NOTHING_FOUND, 0),
    (NOTHING_FOUND, 0),
    ("Nhắc nhở nhóm thanh niên tụ tập, gây ồn ào sau 23 giờ.", 0),
    ("Nhắc nhở hộ kinh doanh lấn chiếm vỉa hè, lòng đường.", 0),
    ("Phát hiện xe máy dựng trước cửa nhà dân không khóa, báo chủ nhà cất giữ.", 0),
    ("Phát hiện đối tượng có biểu hiện nghi vấn trộm cắp, báo Công an phường xác minh.", 1),
    ("Phát hiện nhóm thanh niên đua xe trái phép, báo Công an phường xử lý.", 1),
)


@dataclass(frozen=True)
class ForcePlan:
    """The ward's founding decision and appraisal decision (synthetic numbers)."""

    decision_no: str  # the chairman's founding decision, e.g. "215/QĐ-UBND"
    decision_on: date
    appraisal_decision_no: str
    groups_per_team: int = 2


def officer(b: WardBuilder) -> User:
    """The ward's police officer of the demo, else the administrator."""
    for user in b.users.values():
        if user.role == User.Role.WARD_POLICE and user.scope_ward_id == b.ward.pk:
            return user
    return b.users["admin"]


def build_force(b: WardBuilder, groups, plan: ForcePlan, streets) -> list[Team]:
    """The ward's Law 30 teams, their rosters, patrols and appraisals; returns the teams.

    Draws from the ward's random source: call it last in a ward's build, so the records the
    articles' figures rest on come out as before.
    """
    actor = officer(b)
    teams = []
    size = plan.groups_per_team
    for number, start in enumerate(range(0, len(groups), size), start=1):
        served = groups[start : start + size]
        names = ", ".join(b.label[g.pk] for g in served)
        team = team_create(
            actor=actor,
            data={
                "ward": b.ward.pk,
                "kind": Team.Kind.SECURITY_TEAM,
                "name": f"Tổ bảo vệ ANTT số {number} ({names})",
                "groups": [g.pk for g in served],
                "established_on": LAW_30_IN_FORCE,
                "decision_no": plan.decision_no,
                "decision_on": plan.decision_on,
                "roster_kept": True,
            },
        )
        roster(b, actor, team, served)
        team.refresh_from_db()
        patrols(b, actor, team, served, streets)
        teams.append(team)
    appraise(actor, teams, plan)
    return teams


def roster(b: WardBuilder, actor: User, team: Team, served) -> None:
    """Four to six members: the served groups' former guards first, then new volunteers."""
    former = list(
        TeamMember.objects.filter(
            team__ward=b.ward,
            team__kind__in=Team.LEGACY_KINDS,
            team__groups__in=served,
            left_on__isnull=True,
        )
        .order_by("pk")
        .values_list("full_name", "birth_year")
        .distinct()
    )
    count = b.rng.randint(4, 6)
    people = former[:count]
    while len(people) < count:
        people.append((b.person(female=b.rng.random() < 0.25), b.rng.randint(1965, 1998)))
    roles = [TeamMember.Role.LEADER, TeamMember.Role.DEPUTY]
    for index, (full_name, birth_year) in enumerate(people):
        team_member_create(
            actor=actor,
            data={
                "team": team.pk,
                "full_name": full_name,
                "role": roles[index] if index < len(roles) else TeamMember.Role.MEMBER,
                "birth_year": birth_year,
                "joined_on": LAW_30_IN_FORCE,
            },
        )


def patrols(b: WardBuilder, actor: User, team: Team, served, streets) -> None:
    """Two duty shifts a month, mostly at night, in the groups the team serves."""
    rng = b.rng
    for month in PATROL_MONTHS:
        days = sorted(rng.sample(range(0, 28), k=2))
        for offset in days:
            finding, incidents = rng.choice(FINDINGS)
            group = rng.choice(served)
            patrol_create(
                actor=actor,
                data={
                    "team": team.pk,
                    "patrolled_on": month + timedelta(days=offset),
                    "shift": Patrol.Shift.NIGHT if rng.random() < 0.75 else Patrol.Shift.AFTERNOON,
                    "area": f"{b.label[group.pk]}, {rng.choice(streets)}",
                    "members_on_duty": rng.randint(2, min(4, team.headcount)),
                    "findings": finding,
                    "incidents_found": incidents,
                },
            )


def appraise(actor: User, teams: list[Team], plan: ForcePlan) -> None:
    """The appraisal year 2025: one team excellent, one only completed, the others well.

    The teams rated well are entered first: the excellent one must fit under the cap (20 % of
    them, ``TeamAppraisalRule``) when it is saved.
    """
    if len(teams) < 2:
        return
    levels = [AppraisalLevel.GOOD] * (len(teams) - 2) + [AppraisalLevel.COMPLETED]
    levels.append(AppraisalLevel.EXCELLENT if len(teams) >= 7 else AppraisalLevel.GOOD)
    for team, level in zip(teams, levels, strict=True):
        team_appraisal_create(
            actor=actor,
            data={
                "team": team.pk,
                "year": APPRAISAL_YEAR,
                "level": level,
                "decision_no": plan.appraisal_decision_no,
            },
        )
