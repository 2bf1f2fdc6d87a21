"""One ward's records, created in bulk from the ward's own seeded random source."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from cameras.models import Camera
from demo.common import (
    FEMALE_GIVEN,
    FEMALE_MIDDLE,
    MALE_GIVEN,
    MALE_MIDDLE,
    SEED,
    SURNAMES,
    exact_split,
    save_all,
)
from households.models import FormerWard, Household, ResidentialGroup
from incidents.models import CASE_TYPE_OF_CATEGORY, Incident
from movement.models import Commitment, MediationCase, SelfManagementModel, Team, TeamMember

Group = ResidentialGroup


class WardBuilder:
    """Creates one ward's records from the ward's own seeded random source, in bulk."""

    def __init__(self, ward, *, prefix, centre, users):
        self.ward = ward
        self.prefix = prefix
        self.centre = centre
        self.users = users
        self.rng = random.Random(f"{SEED}:{ward.code}")
        self.label = {}  # group id -> short name without the old ward, e.g. "Tổ dân phố 3"
        self.household_no = 0
        self.camera_no = 0

    # Random values.

    def day(self, start, end) -> date:
        return start + timedelta(days=self.rng.randint(0, (end - start).days))

    def moment(self, day) -> datetime:
        """A local time between 08:00 and 16:45, so the UTC date is the local date."""
        clock = time(self.rng.randint(8, 16), self.rng.choice((0, 15, 30, 45)))
        return timezone.make_aware(datetime.combine(day, clock))

    def person(self, female=None) -> str:
        rng = self.rng
        female = rng.random() < 0.5 if female is None else female
        surname = rng.choices([s for s, _ in SURNAMES], [w for _, w in SURNAMES])[0]
        middle = rng.choice(FEMALE_MIDDLE if female else MALE_MIDDLE)
        return f"{surname} {middle} {rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)}"

    def point(self) -> tuple[Decimal, Decimal]:
        lat, lng = self.centre
        jitter = self.rng.uniform
        return (
            Decimal(f"{lat + jitter(-0.006, 0.006):.6f}"),
            Decimal(f"{lng + jitter(-0.006, 0.006):.6f}"),
        )

    # Records.

    def groups(self, names, *, old, former=None, kind=Group.Kind.TO_DAN_PHO) -> list[Group]:
        """Residential groups; each name notes the ward it belonged to before the merger, and
        ``former`` (that ward's old code) makes it the groups' former ward, so their records
        count under it (``by=predecessor``)."""
        former_ward = None
        if former is not None:
            former_ward = FormerWard.objects.filter(
                code=former, successions__ward=self.ward
            ).first()
            if former_ward is None:
                raise LookupError(
                    f"The former ward {former} of {self.ward.code} is not loaded: "
                    "run `manage.py load_territory` first."
                )
        rows = []
        for name in names:
            group_kind = Group.Kind.TIEU_KHU if name.startswith("Tiểu khu") else kind
            rows.append(
                Group(
                    ward=self.ward,
                    name=f"{name} ({old} cũ)",
                    kind=group_kind,
                    former_ward=former_ward,
                )
            )
        created = save_all(Group, rows)
        self.label.update({g.pk: name for g, name in zip(created, names, strict=True)})
        return created

    def households(self, groups, *, count, residents, streets) -> list[Household]:
        """Exactly ``count`` households whose member counts sum exactly to ``residents``."""
        rng = self.rng
        per_group = exact_split(rng, count, len(groups), spread=0.25)
        sizes = iter(exact_split(rng, residents, count, low=1, high=12, spread=0.38))
        rows = []
        for group, n in zip(groups, per_group, strict=True):
            group_streets = rng.sample(streets, k=min(2, len(streets)))
            for _ in range(n):
                self.household_no += 1
                temporary = rng.random() < 0.06
                rows.append(
                    Household(
                        ward=self.ward,
                        group=group,
                        code=f"{self.prefix}-{self.household_no:05d}",
                        address=f"Số {rng.randint(1, 250)} {rng.choice(group_streets)}",
                        head_name=self.person(),
                        member_count=next(sizes),
                        residence=Household.Residence.TEMPORARY
                        if temporary
                        else Household.Residence.PERMANENT,
                    )
                )
        return save_all(Household, rows)

    def commitments(self, households, *, year, start, end):
        """A safe-area registration commitment for ``year`` by each of ``households``."""
        kind = Commitment.Kind.SAFE_AREA_REGISTRATION
        rows = [
            Commitment(
                ward=self.ward,
                household=h,
                year=year,
                kind=kind,
                signed_on=self.day(start, end),
            )
            for h in households
        ]
        save_all(Commitment, rows)

    def model(self, name, kind, founded_on, *, groups=(), exemplary=False):
        model = SelfManagementModel.objects.create(
            ward=self.ward, name=name, kind=kind, founded_on=founded_on, exemplary=exemplary
        )
        model.groups.set(groups)
        return model

    def teams(self, kind, rows, *, start, end, model=None, roster=False) -> list[Team]:
        """Teams from ``(name, group or None, headcount)`` rows.

        With ``roster`` every member is a TeamMember row and the headcount is their number;
        otherwise the headcount is declared.
        """
        teams = save_all(
            Team,
            [
                Team(
                    ward=self.ward,
                    kind=kind,
                    name=name,
                    model=model,
                    established_on=self.day(start, end),
                    roster_kept=roster,
                    headcount=headcount,
                )
                for name, _, headcount in rows
            ],
        )
        links = [
            Team.groups.through(team=team, residentialgroup=group)
            for team, (_, group, _) in zip(teams, rows, strict=True)
            if group is not None
        ]
        save_all(Team.groups.through, links)
        if roster:
            save_all(TeamMember, [m for team in teams for m in self.roster(team, end)])
        return teams

    def roster(self, team, joined_by):
        roles = [TeamMember.Role.LEADER, TeamMember.Role.DEPUTY]
        for i in range(team.headcount):
            role = roles[i] if i < len(roles) and team.headcount > i + 1 else TeamMember.Role.MEMBER
            yield TeamMember(
                team=team,
                full_name=self.person(female=self.rng.random() < 0.3),
                role=role,
                birth_year=self.rng.randint(1955, 1995),
                joined_on=self.day(team.established_on, max(team.established_on, joined_by)),
            )

    def cameras(self, count, *, owners, funding, start, end, groups, streets, **extra):
        """``count`` active cameras; ``owners`` is an owner kind or a list of them, one each."""
        owners = owners if isinstance(owners, list) else [owners] * count
        spots = ("Ngã ba", "Ngã tư", "Đầu ngõ", "Trước nhà văn hóa", "Cổng chợ", "Cổng trường")
        rows = []
        for owner in owners:
            self.camera_no += 1
            lat, lng = self.point()
            group = self.rng.choice(groups)
            rows.append(
                Camera(
                    ward=self.ward,
                    group=group,
                    code=f"{self.prefix}-CAM-{self.camera_no:03d}",
                    location=f"{self.rng.choice(spots)} {self.rng.choice(streets)}",
                    latitude=lat,
                    longitude=lng,
                    owner_kind=owner,
                    funding=funding,
                    installed_on=self.day(start, end),
                    signage=self.rng.random() < 0.8,
                    retention_days=self.rng.choice((15, 30, 30)),
                    **extra,
                )
            )
        return save_all(Camera, rows)

    def mediations(self, count, *, groups, start, end, outcome, security_related=None):
        """``count`` concluded mediation cases received between ``start`` and ``end``."""
        subjects = list(MediationCase.Subject)
        rows = []
        for _ in range(count):
            received = self.day(start, end - timedelta(days=2))
            related = self.rng.random() < 0.6 if security_related is None else security_related
            rows.append(
                MediationCase(
                    ward=self.ward,
                    group=self.rng.choice(groups),
                    received_on=received,
                    subject=self.rng.choice(subjects),
                    parties=f"Hộ ông {self.person(False)} và hộ bà {self.person(True)}",
                    security_related=related,
                    outcome=outcome,
                    closed_on=min(end, received + timedelta(days=self.rng.randint(2, 25))),
                )
            )
        save_all(MediationCase, rows)

    def incident(
        self,
        category,
        subcategory,
        summary,
        day,
        *,
        suspects=0,
        case_type=None,
        severity=None,
        **extra,
    ):
        """A resolved incident, classified as police statistics count it (docs/domain.md).

        The case type is the category's usual one unless given; a crime's severity (Penal Code
        art. 9) follows its offence (``DEMO_SEVERITY``), and a crime with suspects was cleared
        three days later, its suspects handled. No random draw here: the articles' figures
        depend on the builder's random sequence.
        """
        case_type = case_type or CASE_TYPE_OF_CATEGORY[category]
        criminal = case_type == Incident.CaseType.CRIMINAL
        if criminal and not severity:
            severity = DEMO_SEVERITY.get(subcategory, Incident.Severity.LESS_SERIOUS)
        cleared = criminal and suspects > 0
        return Incident(
            ward=self.ward,
            occurred_at=self.moment(day),
            category=category,
            subcategory=subcategory,
            case_type=case_type,
            severity=severity if criminal else "",
            cleared=cleared,
            cleared_on=min(day + timedelta(days=3), timezone.localdate()) if cleared else None,
            suspects_handled=suspects if cleared else 0,
            summary=summary,
            suspects=suspects,
            status=Incident.Status.RESOLVED,
            **extra,
        )


# The class of the demo's offences under Penal Code 2015 art. 9, by the maximum penalty of the
# basic clause: storing drugs (art. 249, up to 5 years) is serious; theft (art. 173), fraud
# (art. 174), assault (art. 134) and public disorder (art. 318) are less serious (up to 3 years).
DEMO_SEVERITY = {"tàng trữ trái phép chất ma túy": Incident.Severity.SERIOUS}


@dataclass(frozen=True)
class WardPlan:
    code: str
    build: Callable[[WardBuilder], None]
    prefix: str = ""
    centre: tuple[float, float] = (0.0, 0.0)
