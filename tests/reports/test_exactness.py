"""The rollup is exact (SPEC §7): for any scope, period and calendar, every metric read from the
rollup equals a direct count over the source tables — after the first processing, after random
updates, moves between wards and residential groups (a household's, which its commitments
follow), re-dating, raw SQL and deletes processed incrementally, and after a full rebuild;
running the rollup again changes nothing; changes processed while a full rebuild builds its
new tables are neither lost nor counted twice once they are swapped in. So does each group's
figure in a ``by=group`` breakdown, and the same period's figure, or its absence when there was
no data for it.

The direct counts below are written independently of ``reports``: plain ORM filters over the
source models, from the definitions in docs/statistics.md.
"""

import datetime as dt
import itertools
from decimal import ROUND_HALF_UP, Decimal
from importlib import import_module

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, ProtectedError, Q, Sum
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from households.models import Household, Organisation, ResidentialGroup
from incidents.models import CaseType, Category, Hotspot, Incident, Severity, Tip
from movement.models import (
    Appraisal,
    AppraisalThreshold,
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
    WeaponSurrender,
)
from reporting.models import ManualIndicator, ManualIndicatorValue
from reports.statistics import rollup
from reports.statistics.metrics import METRICS, refresh_families
from reports.statistics.selectors import stats_for
from tests.factories import ResidentialGroupFactory, UserFactory, ensure_reporting_seeds
from wardsecurity.models import User
from wardsecurity.period_spec import REPORTING, month_of, month_span, parse_period

pytestmark = pytest.mark.django_db

BASE = dt.date(2021, 1, 1)
DAYS = 3 * 365


# Direct counts -------------------------------------------------------------------------------

ANY = object()  # no group filter
# The path from each model to its ward and to its residential group, when it is not its own.
WARD_PATHS = {Commitment: "household__ward", VideoExtraction: "camera__ward"}
# A residential group is its own; the first of several paths that has one is the group.
GROUP_PATHS = {
    Commitment: ("household__group",),
    OrganisationCommitmentTally: ("organisation__group",),
    Contribution: ("household__group", "organisation__group"),
    VideoExtraction: ("camera__group",),
    ResidentialGroup: ("id",),
}


def ward_path(model):
    return WARD_PATHS.get(model, "ward")


def group_paths(model):
    if model in GROUP_PATHS:
        return GROUP_PATHS[model]
    names = {f.name for f in model._meta.concrete_fields}
    return ("group",) if "group" in names else ()


def in_group(model, group):
    """The rows whose group (the first of its paths that has one) is ``group`` (None: none)."""
    found, earlier = Q(pk__in=[]), Q()
    for path in group_paths(model):
        if group is not None:
            found |= earlier & Q(**{path: group})
        earlier &= Q(**{f"{path}__isnull": True})
    return earlier if group is None else found


def first_group(row, paths):
    return next((row[path] for path in paths if row[path] is not None), None)


def local_day(value):
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).date()
    return value


class Direct:
    """A flow (rows dated in the period) or a stock (rows started by the end, not ended by
    then), straight from the records."""

    def __init__(self, shape, model, date, end=None, value=None, **where):
        self.shape, self.model, self.date, self.end = shape, model, date, end
        self.value, self.where = value, where

    def rows(self, ward_ids, group=ANY):
        ward = ward_path(self.model)
        rows = self.model.objects.filter(**self.where, **{f"{ward}__in": ward_ids})
        if group is not ANY:
            rows = rows.filter(in_group(self.model, group))
        return rows

    def count(self, ward_ids, start, end, group=ANY):
        rows = self.rows(ward_ids, group)
        date = f"{self.date}__date" if self.date.endswith("_at") else self.date
        if self.shape == "flow":
            rows = rows.filter(**{f"{date}__gte": start, f"{date}__lte": end})
        else:
            rows = rows.filter(**{f"{date}__lte": end})
            if self.end:
                ended = Q(**{f"{self.end}__isnull": True}) | Q(**{f"{self.end}__gt": end})
                rows = rows.filter(ended)
        total = rows.aggregate(n=Sum(self.value) if self.value else Count("pk"))["n"]
        return total or 0

    def events(self, ward_ids):
        """(ward, group, day, amount): what each record adds to the metric on a day."""
        paths = group_paths(self.model)
        fields = [ward_path(self.model), self.date, self.end, self.value, *paths]
        names = list(dict.fromkeys(name for name in fields if name))
        for row in self.rows(ward_ids).values(*names):
            amount = row[self.value] if self.value else 1
            ward, grp = row[names[0]], first_group(row, paths)
            if row[self.date] is None:  # a flow of a date not reached yet (not transformed)
                continue
            yield ward, grp, local_day(row[self.date]), amount
            if self.end and row[self.end] is not None:
                yield ward, grp, row[self.end], -amount


def flow(model, date, value=None, **where):
    return Direct("flow", model, date, value=value, **where)


def stock(model, date, end=None, value=None, **where):
    return Direct("stock", model, date, end, value, **where)


class Latest(Direct):
    """The latest e-ID tally of each ward and group by the end, summed (a running total)."""

    def __init__(self, value):
        super().__init__("stock", EidTally, "recorded_on", value=value)

    def latest(self, ward_ids, group=ANY):
        series = {}
        fields = ("ward_id", "group_id", "recorded_on", self.value)
        for row in self.rows(ward_ids, group).values(*fields):
            series.setdefault((row["ward_id"], row["group_id"]), []).append(
                (row["recorded_on"], row[self.value])
            )
        return series

    def count(self, ward_ids, start, end, group=ANY):
        total = 0
        for items in self.latest(ward_ids, group).values():
            days = [day for day, _amount in items if day <= end]
            if days:
                total += sum(amount for day, amount in items if day == max(days))
        return total

    def events(self, ward_ids):
        for (ward, group), items in self.latest(ward_ids).items():
            days = sorted({day for day, _amount in items})
            following = dict(itertools.pairwise(days))
            for day, amount in items:
                yield ward, group, day, amount
                if day in following:
                    yield ward, group, following[day], -amount


class Committed(Direct):
    """Commitments for the year the period ends in, of households still resident and entered
    by the end (a household entered after its commitment's year never counts)."""

    def __init__(self):
        super().__init__(
            "annual", Commitment, "signed_on", kind="safe_area_registration",
            household__isnull=False, household__active=True,
        )  # fmt: skip

    def count(self, ward_ids, start, end, group=ANY):
        rows = self.rows(ward_ids, group).filter(
            year=end.year, household__created_at__date__lte=end
        )
        return rows.count()

    def events(self, ward_ids):
        fields = ("household__ward", "household__group", "year", "household__created_at")
        for ward, group, year, entered in self.rows(ward_ids).values_list(*fields):
            day = max(dt.date(year, 1, 1), local_day(entered))
            if day.year == year:
                yield ward, group, day, 1


class Annual(Direct):
    """Rows for the year the period ends in (a ``year`` field), counted from the later of
    1 January and the day a related record was entered (``not_before``), if any."""

    def __init__(self, model, value=None, not_before=None, **where):
        super().__init__("annual", model, "year", value=value, **where)
        self.not_before = not_before

    def count(self, ward_ids, start, end, group=ANY):
        rows = self.rows(ward_ids, group).filter(year=end.year)
        if self.not_before:
            rows = rows.filter(**{f"{self.not_before}__date__lte": end})
        total = rows.aggregate(n=Sum(self.value) if self.value else Count("pk"))["n"]
        return total or 0

    def events(self, ward_ids):
        paths = group_paths(self.model)
        names = ["ward_id", "year", *paths]
        names += [name for name in (self.value, self.not_before) if name]
        for row in self.rows(ward_ids).values(*names):
            day = dt.date(row["year"], 1, 1)
            if self.not_before:
                day = max(day, local_day(row[self.not_before]))
            if day.year == row["year"]:
                amount = row[self.value] if self.value else 1
                yield row["ward_id"], first_group(row, paths), day, amount


class YearFlow(Direct):
    """Records of a year, counted on its 1 January (recognitions, team appraisals)."""

    def __init__(self, model, **where):
        super().__init__("flow", model, "year", **where)

    def count(self, ward_ids, start, end, group=ANY):
        years = [y for y in range(start.year, end.year + 1) if start <= dt.date(y, 1, 1) <= end]
        return self.rows(ward_ids, group).filter(year__in=years).count()

    def events(self, ward_ids):
        paths = group_paths(self.model)
        for row in self.rows(ward_ids).values("ward_id", "year", *paths):
            yield row["ward_id"], first_group(row, paths), dt.date(row["year"], 1, 1), 1


DIRECT = {
    "households": stock(Household, "created_at", active=True),
    "residents": stock(Household, "created_at", value="member_count", active=True),
    "residential_groups": stock(ResidentialGroup, "created_at"),
    "organisations": stock(Organisation, "created_at"),
    "commitments_signed": Committed(),
    "self_management_models": stock(
        SelfManagementModel, "founded_on", status__in=["active", "paused"]
    ),
    "mediation_received": flow(MediationCase, "received_on"),
    "mediation_resolved": flow(MediationCase, "closed_on", outcome="resolved"),
    "mediation_received_resolved": flow(MediationCase, "received_on", outcome="resolved"),
    "outreach_sessions": flow(OutreachSession, "held_on"),
    "outreach_attendees": flow(OutreachSession, "held_on", value="attendees"),
    "reintegration_active": stock(ReintegrationCase, "started_on", "ended_on"),
    "reintegration_started": flow(ReintegrationCase, "started_on"),
    "commendations_collective": flow(Commendation, "awarded_on", recipient_kind="collective"),
    "commendations_individual": flow(Commendation, "awarded_on", recipient_kind="individual"),
    "chip_cards": Latest("chip_cards"),
    "vneid_level1": Latest("vneid_level1"),
    "vneid_level2_collected": Latest("vneid_level2_collected"),
    "vneid_level2_activated": Latest("vneid_level2_activated"),
    "incidents": flow(Incident, "occurred_at"),
    "suspects": flow(Incident, "occurred_at", value="suspects"),
    "criminal_cases": flow(Incident, "occurred_at", case_type="criminal"),
    "criminal_cases_grave": flow(
        Incident,
        "occurred_at",
        case_type="criminal",
        severity__in=["very_serious", "particularly_serious"],
    ),
    "criminal_cases_cleared": flow(Incident, "occurred_at", case_type="criminal", cleared=True),
    "suspects_handled": flow(Incident, "occurred_at", value="suspects_handled"),
    "traffic_accident_deaths": flow(
        Incident, "occurred_at", value="deaths", case_type="traffic_accident"
    ),
    "traffic_accident_injuries": flow(
        Incident, "occurred_at", value="injuries", case_type="traffic_accident"
    ),
    "traffic_accident_damage_vnd": flow(
        Incident, "occurred_at", value="damage_vnd", case_type="traffic_accident"
    ),
    "fire_deaths": flow(Incident, "occurred_at", value="deaths", case_type="fire_explosion"),
    "fire_injuries": flow(Incident, "occurred_at", value="injuries", case_type="fire_explosion"),
    "fire_damage_vnd": flow(
        Incident, "occurred_at", value="damage_vnd", case_type="fire_explosion"
    ),
    "tips_received": flow(Tip, "received_at"),
    "incidents_from_tips": flow(Incident, "occurred_at", source="tip"),
    "incidents_from_tips_resolved": flow(Incident, "occurred_at", source="tip", status="resolved"),
    "tips_verified": flow(Tip, "received_at", status="verified"),
    "hotspots_active": stock(Hotspot, "designated_on", "transformed_on"),
    "hotspots_transformed": flow(Hotspot, "transformed_on"),
    "cameras_active": stock(Camera, "installed_on", "removed_on"),
    "cameras_installed": flow(Camera, "installed_on"),
    "recorders": stock(Recorder, "installed_on"),
    "contributions_vnd": flow(Contribution, "contributed_on", value="amount_vnd"),
    "video_extractions": flow(VideoExtraction, "requested_at"),
    "video_extractions_useful": flow(VideoExtraction, "requested_at", useful=True),
    "safe_groups_recognised": YearFlow(SafetyRecognition, subject="group", recognised=True),
    "patrols": flow(Patrol, "patrolled_on"),
    "patrol_member_shifts": flow(Patrol, "patrolled_on", value="members_on_duty"),
    "patrol_incidents_found": flow(Patrol, "patrolled_on", value="incidents_found"),
    # Issue 14: safe-area recognition, grading and organisations' commitments, for the year.
    "recognised_groups": Annual(
        SafetyRecognition, not_before="group__created_at", subject="group", recognised=True
    ),
    "recognised_organisations": Annual(
        SafetyRecognition,
        not_before="organisation__created_at",
        subject="organisation",
        recognised=True,
    ),
    "organisation_staff": Annual(OrganisationCommitmentTally, value="staff_count"),
    "organisation_staff_signed": Annual(OrganisationCommitmentTally, value="signed_count"),
    "organisations_all_signed": Annual(OrganisationCommitmentTally, all_signed=True),
}
for _level in TeamAppraisal.Level.values:
    DIRECT[f"team_appraisals.{_level}"] = YearFlow(TeamAppraisal, level=_level)
for _subject in ("group", "ward", "organisation"):
    for _grade in AppraisalThreshold.Grade.values:
        DIRECT[f"grades_{_subject}.{_grade}"] = Annual(Appraisal, subject=_subject, grade=_grade)
for _kind in Team.Kind.values:
    DIRECT[f"teams.{_kind}"] = stock(Team, "established_on", "dissolved_on", kind=_kind)
    DIRECT[f"team_members.{_kind}"] = stock(
        Team, "established_on", "dissolved_on", value="headcount", kind=_kind
    )
for _category in Category.values:
    DIRECT[f"incidents.{_category}"] = flow(Incident, "occurred_at", category=_category)
for _case_type in CaseType.values:
    DIRECT[f"incident_cases.{_case_type}"] = flow(Incident, "occurred_at", case_type=_case_type)
for _severity in Severity.values:
    DIRECT[f"criminal_cases.{_severity}"] = flow(
        Incident, "occurred_at", case_type="criminal", severity=_severity
    )
for _owner in Camera.OwnerKind.values:
    DIRECT[f"cameras.{_owner}"] = stock(Camera, "installed_on", "removed_on", owner_kind=_owner)
for _item in WeaponSurrender.Item.values:
    DIRECT[f"weapons.{_item}"] = flow(WeaponSurrender, "received_on", value="quantity", item=_item)
# Manual indicators (issue 13): the values whose period ends in the span, for each indicator of
# the catalogue the migration seeds (docs/statistics.md, "Manual indicators").
for _code, *_rest in import_module(
    "reporting.migrations.0002_seed_schedules_and_indicators"
).INDICATORS:
    DIRECT[f"manual.{_code}"] = flow(
        ManualIndicatorValue, "period_end", value="value", indicator_code=_code
    )
# (numerator, denominator, the part whose data the ratio's comparison needs)
RATIOS = {
    "commitment_coverage_pct": ("commitments_signed", "households", "commitments_signed"),
    "recognised_groups_pct": ("recognised_groups", "residential_groups", "recognised_groups"),
    "recognised_organisations_pct": (
        "recognised_organisations", "organisations", "recognised_organisations",
    ),
    "organisation_staff_signed_pct": (
        "organisation_staff_signed", "organisation_staff", "organisation_staff_signed",
    ),
    "mediation_success_pct": (
        "mediation_received_resolved", "mediation_received", "mediation_received",
    ),
    "criminal_clearance_pct": ("criminal_cases_cleared", "criminal_cases", "criminal_cases"),
}  # fmt: skip
# Under management at any time in the period: started by its end, not ended before its start.
SPANS = {"reintegration_managed": ("reintegration_active", "reintegration_started")}


def direct_managed(ward_ids, start, end, group=ANY):
    rows = DIRECT["reintegration_active"].rows(ward_ids, group)
    rows = rows.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start), started_on__lte=end)
    return rows.count()


def direct(key, ward_ids, start, end, group=ANY):
    """The metric over [start, end] (a flow), at ``end`` (a stock), or for the year of ``end``
    (commitments), straight from the records."""
    if key in SPANS:
        return direct_managed(ward_ids, start, end, group)
    if key in RATIOS:
        numerator, denominator, _activity = RATIOS[key]
        parts = [direct(part, ward_ids, start, end, group) for part in (numerator, denominator)]
        if not parts[1]:
            return None
        ratio = Decimal(parts[0]) * 100 / Decimal(parts[1])
        assert 0 <= ratio <= 100, (key, parts)  # bounded by construction
        return ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return DIRECT[key].count(ward_ids, start, end, group)


def began(key, ward_ids, end, group=ANY):
    """Whether anything fed the metric by ``end``: a day on which a ward's (or a group's)
    records add up to more or less than nothing."""
    days = {}
    for ward, grp, day, amount in DIRECT[key].events(ward_ids):
        if group is ANY or grp == group:
            slot = (ward, grp, day)
            days[slot] = days.get(slot, 0) + amount
    return any(value != 0 and day <= end for (_w, _g, day), value in days.items())


ACTIVITY_CACHE = {}  # emptied whenever the records change (check_exact)


def activity_began(ward_ids, end, group=ANY):
    """Whether the scope (or group) had recorded anything counted in a period by ``end``."""
    slot = (tuple(ward_ids), end, group)
    if slot not in ACTIVITY_CACHE:
        flows = [key for key, counted in DIRECT.items() if counted.shape in ("flow", "annual")]
        ACTIVITY_CACHE[slot] = any(began(key, ward_ids, end, group) for key in flows)
    return ACTIVITY_CACHE[slot]


def direct_previous(key, ward_ids, start, end, group=ANY):
    """The same-period figure as the API gives it: None when there is no data for it (a
    flow: the scope had recorded no activity at all by its end; a stock: nothing existed
    yet; commitments: none for its year; a ratio: when the part recording the activity has
    none; a span: when its stock has none)."""
    value = direct(key, ward_ids, start, end, group)
    if key in RATIOS:
        activity = RATIOS[key][2]
        if direct_previous(activity, ward_ids, start, end, group) is None:
            return None
        return value
    if key in SPANS:
        return value if began(SPANS[key][0], ward_ids, end, group) else None
    if DIRECT[key].shape == "annual":
        return value or None
    if DIRECT[key].shape == "flow":
        return value if activity_began(ward_ids, end, group) else None
    return value if began(key, ward_ids, end, group) else None


def test_every_registered_metric_has_a_direct_count(db):
    ensure_reporting_seeds()
    refresh_families()  # the manual indicators' metrics follow the catalogue
    assert set(METRICS) == {*DIRECT, *RATIOS, *SPANS}


# Random records ------------------------------------------------------------------------------


def aware(day, hour=9, minute=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


class World:
    """Builds records of every source model from drawn numbers."""

    def __init__(self, wards, officer):
        self.wards = wards
        # Two residential groups a ward: records move between them.
        self.group_pairs = [
            [ResidentialGroupFactory(ward=w), ResidentialGroupFactory(ward=w)] for w in wards
        ]
        self.groups = [pair[0] for pair in self.group_pairs]
        ResidentialGroup.objects.filter(
            pk__in=[g.pk for pair in self.group_pairs for g in pair]
        ).update(created_at=aware(BASE - dt.timedelta(days=30)))
        self.officer = officer
        ensure_reporting_seeds()
        self.indicators = list(ManualIndicator.objects.order_by("code"))
        self.n = 0
        self.records = []

    def build(self, kind, ward_no, offset, length, c):
        self.n += 1
        n, ward, group = self.n, self.wards[ward_no], self.group_pairs[ward_no][c % 2]
        day = BASE + dt.timedelta(days=offset)
        end = None if length is None else day + dt.timedelta(days=length)
        pick = lambda values: values[c % len(values)]  # noqa: E731
        if kind == "household":
            obj = Household.objects.create(
                ward=ward, group=group, code=f"H{n}", address="Số 1", head_name="Nguyễn Văn A",
                member_count=1 + c % 7, active=c % 5 != 0,
            )  # fmt: skip
            Household.objects.filter(pk=obj.pk).update(created_at=aware(day, c % 24, 30))
        elif kind == "group":
            obj = ResidentialGroup.objects.create(ward=ward, name=f"Tổ {n}")
            ResidentialGroup.objects.filter(pk=obj.pk).update(created_at=aware(day, c % 24))
        elif kind == "organisation":
            obj = Organisation.objects.create(ward=ward, name=f"Công ty {n}", kind="enterprise")
            Organisation.objects.filter(pk=obj.pk).update(created_at=aware(day))
        elif kind == "commitment":
            household = Household.objects.create(
                ward=ward, group=group, code=f"C{n}", address="Số 2", head_name="Lê Thị B",
                member_count=3, active=c % 7 != 0,
            )  # fmt: skip
            # Entered up to three years before the year it commits for, or during it, or after.
            entered = day - dt.timedelta(days=20 * c) if c % 4 else day + dt.timedelta(days=5 * c)
            Household.objects.filter(pk=household.pk).update(created_at=aware(entered, c % 24))
            obj = Commitment.objects.create(
                ward=ward, household=household, year=day.year, signed_on=day,
                kind=pick(["safe_area_registration", "safe_area_registration", "fire_safety"]),
            )  # fmt: skip
        elif kind == "model":
            obj = SelfManagementModel.objects.create(
                ward=ward, name=f"Mô hình {n}", kind="camera", founded_on=day,
                status=pick(SelfManagementModel.Status.values),
            )  # fmt: skip
        elif kind == "team":
            obj = Team.objects.create(
                ward=ward, kind=pick(Team.Kind.values), name=f"Tổ {n}", established_on=day,
                dissolved_on=end, headcount=c % 9,
            )  # fmt: skip
        elif kind == "mediation":
            resolved = end is not None
            obj = MediationCase.objects.create(
                ward=ward, received_on=day, subject="land", parties="A và B",
                outcome=pick(["resolved", "unresolved", "referred"]) if resolved else "pending",
                closed_on=end,
            )  # fmt: skip
        elif kind == "outreach":
            obj = OutreachSession.objects.create(
                ward=ward, held_on=day, topic="Phòng chống ma túy", attendees=c * 3
            )
        elif kind == "commendation":
            obj = Commendation.objects.create(
                ward=ward, recipient_kind=pick(["collective", "individual"]),
                recipient_name="Tổ dân phố", level="ward", issuer="UBND", awarded_on=day,
            )  # fmt: skip
        elif kind == "weapon":
            obj = WeaponSurrender.objects.create(
                ward=ward, received_on=day, item=pick(WeaponSurrender.Item.values),
                quantity=Decimal(c) / 4, unit="kg",
            )  # fmt: skip
        elif kind == "reintegration":
            obj = ReintegrationCase.objects.create(
                ward=ward, person_name="Phạm Văn C", category="drug_rehab", started_on=day,
                ended_on=end,
            )  # fmt: skip
        elif kind == "eid":
            obj = EidTally.objects.create(
                ward=ward, group=group if c % 3 else None, recorded_on=day, chip_cards=c,
                vneid_level1=2 * c,
                vneid_level2_collected=c + 1, vneid_level2_activated=c // 2,
            )  # fmt: skip
        elif kind == "safety":
            recognised = ResidentialGroup.objects.create(ward=ward, name=f"Tổ an toàn {n}")
            # Entered before the year it is recognised for, during it, or after it.
            entered = day - dt.timedelta(days=30 * c) if c % 4 else day + dt.timedelta(days=9 * c)
            ResidentialGroup.objects.filter(pk=recognised.pk).update(created_at=aware(entered))
            obj = SafetyRecognition.objects.create(
                ward=ward, subject="group", group=recognised, year=day.year,
                recognised=c % 3 != 0,
            )  # fmt: skip
        elif kind == "org_safety":
            organisation = Organisation.objects.create(
                ward=ward, group=group if c % 2 else None, name=f"Trường {n}", kind="school"
            )
            entered = day - dt.timedelta(days=25 * c) if c % 3 else day + dt.timedelta(days=7 * c)
            Organisation.objects.filter(pk=organisation.pk).update(created_at=aware(entered))
            obj = SafetyRecognition.objects.create(
                ward=ward, subject="organisation", organisation=organisation, year=day.year,
                recognised=c % 4 != 0, decision_no="12/QĐ-UBND",
            )  # fmt: skip
        elif kind == "appraisal":
            subject = pick(["group", "organisation", "ward"])
            if (
                subject == "ward"
                and Appraisal.objects.filter(ward=ward, subject="ward", year=day.year).exists()
            ):
                subject = "group"
            links = {}
            if subject == "group":
                links["group"] = group
                if Appraisal.objects.filter(group=group, year=day.year).exists():
                    links["group"] = ResidentialGroup.objects.create(ward=ward, name=f"Tổ {n}")
            elif subject == "organisation":
                links["organisation"] = Organisation.objects.create(
                    ward=ward, name=f"Cơ quan {n}", kind="agency"
                )
            obj = Appraisal.objects.create(
                ward=ward, subject=subject, year=day.year, score=Decimal(c * 5 % 101),
                grade=pick(AppraisalThreshold.Grade.values), **links,
            )  # fmt: skip
        elif kind == "org_tally":
            organisation = Organisation.objects.create(
                ward=ward, group=group if c % 2 else None, name=f"Doanh nghiệp {n}",
                kind="enterprise",
            )  # fmt: skip
            obj = OrganisationCommitmentTally.objects.create(
                ward=ward, organisation=organisation, year=day.year, staff_count=10 + c,
                signed_count=10 + c - c % 3,
            )  # fmt: skip
        elif kind == "tip":
            obj = Tip.objects.create(
                ward=ward, received_at=aware(day, c % 24, 45), channel="hotline",
                content="Tin báo", category=pick(Category.values),
                status=pick(Tip.Status.values),
            )  # fmt: skip
        elif kind == "incident":
            # Police statistics: every case type, a crime's severity, some crimes cleared and
            # the toll of accidents and fires (docs/statistics.md, "Incidents").
            case_type = CaseType.values[(c + n) % len(CaseType.values)]
            criminal = case_type == CaseType.CRIMINAL
            toll = case_type in (CaseType.TRAFFIC_ACCIDENT, CaseType.FIRE_EXPLOSION)
            cleared = criminal and (c + n) % 3 != 0
            source = Incident.Source.values[(c + n) % len(Incident.Source.values)]  # tips' cases
            obj = Incident.objects.create(
                ward=ward, occurred_at=aware(day, (c * 7) % 24, 30), category=pick(Category.values),
                summary="Vụ việc", source=source, status=pick(Incident.Status.values),
                suspects=c % 4, suspects_handled=(c % 4) // 2, case_type=case_type,
                severity=Severity.values[(c + 2 * n) % len(Severity.values)] if criminal else "",
                cleared=cleared, cleared_on=day + dt.timedelta(days=c % 5) if cleared else None,
                deaths=c % 3 if toll else 0, injuries=(c + n) % 4 if toll else 0,
                damage_vnd=(c % 7) * 1_500_000 if toll else 0,
            )  # fmt: skip
        elif kind == "hotspot":
            obj = Hotspot.objects.create(
                ward=ward, name=f"Điểm {n}", designated_on=day,
                status="transformed" if end else "designated", transformed_on=end,
            )  # fmt: skip
        elif kind == "manual":
            # A ward's figure for the reporting month of the day (one per indicator and month).
            year, month = month_of(day, REPORTING)
            obj, _created = ManualIndicatorValue.objects.update_or_create(
                ward=ward, indicator=pick(self.indicators), period=f"month:{year:04d}-{month:02d}",
                defaults={"value": c},
            )  # fmt: skip
        elif kind == "recorder":
            obj = Recorder.objects.create(ward=ward, code=f"R{n}", location="Nhà văn hóa",
                                          installed_on=day)  # fmt: skip
        elif kind == "camera":
            obj = Camera.objects.create(
                ward=ward, code=f"K{n}", location="Ngã tư",
                owner_kind=pick(Camera.OwnerKind.values), funding="budget", installed_on=day,
                removed_on=end, status="removed" if end else "active",
            )  # fmt: skip
        elif kind == "contribution":
            giver = {}
            if c % 3 == 1:
                giver["household"] = Household.objects.create(
                    ward=ward, group=group, code=f"G{n}", address="Số 3", head_name="Hộ D",
                    member_count=2,
                )  # fmt: skip
            elif c % 3 == 2:
                giver["organisation"] = Organisation.objects.create(
                    ward=ward, group=group if c % 2 else None, name=f"Công ty {n}",
                    kind="enterprise",
                )  # fmt: skip
            obj = Contribution.objects.create(
                ward=ward, contributor_name="Hộ D", amount_vnd=c * 1000 + 1, contributed_on=day,
                **giver,
            )  # fmt: skip
        elif kind in ("patrol", "team_appraisal"):
            team = Team.objects.create(
                ward=ward, kind="security_team", name=f"Tổ bảo vệ {n}", established_on=BASE,
                headcount=5,
            )  # fmt: skip
            if kind == "patrol":
                obj = Patrol.objects.create(
                    ward=ward, team=team, patrolled_on=day, shift=pick(Patrol.Shift.values),
                    area="Chợ", members_on_duty=1 + c % 4, incidents_found=c % 3,
                )  # fmt: skip
            else:
                obj = TeamAppraisal.objects.create(
                    ward=ward, team=team, year=day.year, level=pick(TeamAppraisal.Level.values)
                )
        else:  # extraction
            camera = Camera.objects.create(
                ward=ward, code=f"E{n}", location="Chợ", owner_kind="public", funding="budget",
                installed_on=BASE, group=group if c % 2 else None,
            )  # fmt: skip
            obj = VideoExtraction.objects.create(
                camera=camera, requested_at=aware(day, (c * 5) % 24, 15),
                requested_by=self.officer, purpose="Xác minh", useful=c % 2 == 0,
            )  # fmt: skip
        self.records.append(obj)

    # Changes, through the ORM's bulk paths and raw SQL (no signals, no services).

    def redate(self, obj, days):
        model = type(obj)
        shift = dt.timedelta(days=days)
        yearly = SafetyRecognition | Commitment | Appraisal | OrganisationCommitmentTally
        if isinstance(obj, yearly | TeamAppraisal):
            model.objects.filter(pk=obj.pk).update(year=obj.year + (1 if days > 0 else -1))
            return
        if isinstance(obj, ManualIndicatorValue):  # a value's day is its period's last day
            model.objects.filter(pk=obj.pk).update(
                period_start=F("period_start") + shift, period_end=F("period_end") + shift
            )
            return
        names = [
            f.name
            for f in model._meta.concrete_fields
            if f.name.endswith(("_on", "_at")) and f.name not in {"updated_at"}
        ]
        if not any(n != "created_at" for n in names):
            names = ["created_at"]
        else:
            names = [n for n in names if n != "created_at"]
        current = model.objects.filter(pk=obj.pk).values(*names).first()
        if current is None:
            return
        changes = {n: v + shift for n, v in current.items() if v is not None}
        model.objects.filter(pk=obj.pk).update(**changes)

    def move(self, obj, ward_no):
        try:
            with transaction.atomic():
                self._move(obj, ward_no)
        except IntegrityError:  # e.g. a second recognition of that ward for the year
            pass

    def _move(self, obj, ward_no):
        model, ward = type(obj), self.wards[ward_no]
        rows = model.objects.filter(pk=obj.pk)
        if isinstance(obj, VideoExtraction):
            Camera.objects.filter(pk=obj.camera_id).update(ward=ward)
        elif isinstance(obj, Household):
            rows.update(ward=ward, group=self.groups[ward_no])
        elif isinstance(obj, Commitment):  # the household moves, and its commitment with it
            Household.objects.filter(pk=obj.household_id).update(
                ward=ward, group=self.groups[ward_no]
            )
            rows.update(ward=ward)
        elif isinstance(obj, EidTally):
            rows.update(ward=ward, group=None)
        elif isinstance(obj, SafetyRecognition | Appraisal):
            rows.update(ward=ward, subject="ward", group=None, organisation=None)
        elif isinstance(obj, Camera):
            rows.update(ward=ward, group=None, recorder=None, model=None)
        else:
            rows.update(ward=ward)

    def regroup(self, obj, days):
        """A household (a commitment's, a contribution's) moves to the other group of its ward,
        moves out or back, and its entry date is corrected: raw updates of what the records
        that read it read of it. A tally, or an extraction's camera, changes group."""
        if isinstance(obj, EidTally | VideoExtraction):
            # A tally, or an extraction's camera, moves to a group of its ward.
            model, pk = (EidTally, obj.pk) if isinstance(obj, EidTally) else (Camera, obj.camera_id)
            ward_id = model.objects.filter(pk=pk).values_list("ward_id", flat=True).first()
            pair = next((p for p in self.group_pairs if p[0].ward_id == ward_id), None)
            if pair is not None:
                model.objects.filter(pk=pk).update(group=pair[days % 2])
            return
        if isinstance(obj, Household):
            household_id = obj.pk
        elif isinstance(obj, Commitment | Contribution) and obj.household_id:
            household_id = obj.household_id
        else:
            return
        household = Household.objects.filter(pk=household_id).first()
        if household is None:
            return
        pair = next(p for p in self.group_pairs if p[0].ward_id == household.ward_id)
        other = pair[1] if household.group_id == pair[0].pk else pair[0]
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE households_household SET group_id = %s, active = NOT active,"
                " created_at = created_at + make_interval(days => %s) WHERE id = %s",
                [other.pk if days % 3 else household.group_id, days, household_id],
            )

    def delete(self, obj):
        try:
            with transaction.atomic():
                type(obj).objects.filter(pk=obj.pk).delete()
        except (ProtectedError, IntegrityError):
            pass

    def raw_redate(self, obj, days):
        """A raw SQL re-date of a dated record (an import or a database fix would do this); a
        commitment's household deleted in raw SQL before its commitments."""
        if isinstance(obj, Commitment) and days % 5 == 0:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM households_household WHERE id = %s", [obj.household_id])
                cursor.execute("DELETE FROM movement_commitment WHERE id = %s", [obj.pk])
            return
        columns = [f.column for f in type(obj)._meta.concrete_fields if f.name.endswith("_on")]
        if not columns:
            return
        shift = ", ".join(f'"{column}" = "{column}" + %(days)s' for column in columns)
        with connection.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{type(obj)._meta.db_table}" SET {shift} WHERE id = %(id)s',
                {"days": days, "id": obj.pk},
            )


KINDS = (
    "household", "group", "organisation", "commitment", "model", "team", "mediation", "outreach",
    "commendation", "weapon", "reintegration", "eid", "safety", "tip", "incident", "hotspot",
    "recorder", "camera", "contribution", "extraction", "manual", "org_safety", "appraisal",
    "patrol", "team_appraisal",
    "org_tally",
)  # fmt: skip
records_strategy = st.lists(
    st.tuples(
        st.sampled_from(KINDS),
        st.integers(0, 2),
        st.integers(0, DAYS - 1),
        st.one_of(st.none(), st.integers(0, 400)),
        st.integers(0, 60),
    ),
    min_size=len(KINDS),
    max_size=45,
)
changes_strategy = st.lists(
    st.tuples(
        st.sampled_from(("redate", "move", "delete", "raw", "regroup")),
        st.integers(0, 10_000),
        st.integers(-200, 200).filter(bool),
    ),
    min_size=3,
    max_size=15,
)
SPECS = (
    "month:{y}-{m:02d}", "quarter:{y}-Q{q}", "half:{y}-H{h}", "year:{y}", "months:{y}:{m}",
    "ytd:{y}-{m:02d}-{d:02d}", "range:{y}-{m:02d}-{d:02d}..{y2}-{m2:02d}-{d:02d}",
)  # fmt: skip
query_strategy = st.tuples(
    st.sampled_from(("all", "ward", "province", "cluster")),
    st.sampled_from(SPECS),
    st.sampled_from(("civil", "reporting")),
    st.integers(2021, 2023),
    st.integers(1, 12),
    st.integers(1, 28),
    st.integers(0, 18),
)


@pytest.fixture
def world_setup(ward_a, ward_b, ward_c, cluster_a, viewer_all, province):
    officer = UserFactory(username="exact_officer", role=User.Role.WARD_POLICE, scope_ward=ward_a)
    return {"wards": [ward_a, ward_b, ward_c], "officer": officer, "cluster": cluster_a}


def resolve(setup, scope_kind):
    a, b, c = setup["wards"]
    if scope_kind == "all":
        return "all", [a.pk, b.pk, c.pk]
    if scope_kind == "ward":
        return f"ward:{b.code}", [b.pk]
    if scope_kind == "province":
        return f"province:{a.province.code}", [a.pk, b.pk]
    return f"cluster:{setup['cluster'].pk}", [a.pk, c.pk]


def make_period(spec, calendar, year, month, day, extra):
    later = dt.date(year, month, day) + dt.timedelta(days=30 * extra)
    text = spec.format(
        y=year, m=month, d=day, q=1 + (month - 1) // 3, h=1 + (month > 6),
        y2=later.year, m2=later.month,
    )  # fmt: skip
    return parse_period(text, calendar=calendar)


def as_decimal(value):
    return None if value is None else Decimal(str(value))


def check_figure(figure, key, ward_ids, period, previous, group=ANY, where=""):
    expected = direct(key, ward_ids, period.start, period.end, group)
    assert as_decimal(figure["value"]) == as_decimal(expected), (
        f"{key} {where} {period.spec} ({period.calendar}): rollup {figure['value']},"
        f" direct {expected}"
    )
    expected = direct_previous(key, ward_ids, previous.start, previous.end, group)
    assert as_decimal(figure["previous"]) == as_decimal(expected), (
        f"{key} {where} {previous.spec} ({previous.calendar}): rollup {figure['previous']},"
        f" direct {expected}"
    )
    # No previous figure: the answer says why; a previous figure: no reason.
    assert (figure["previous"] is None) == ("no_previous" in figure), (key, figure)
    assert figure.get("no_previous") in (None, "no_data", "undefined"), (key, figure)


GROUPED = (
    "households", "residents", "commitments_signed", "commitment_coverage_pct", "chip_cards",
    "incidents", "mediation_success_pct", "reintegration_managed", "organisations",
    "residential_groups", "contributions_vnd", "video_extractions", "outreach_sessions",
    "criminal_clearance_pct", "traffic_accident_deaths",
)  # fmt: skip


def check_exact(setup, user, queries):
    ACTIVITY_CACHE.clear()
    for scope_kind, *period_args in queries:
        scope, ward_ids = resolve(setup, scope_kind)
        period = make_period(*period_args)
        answer = stats_for(user=user, scope=scope, period=period, by="ward")
        previous = period.same_period()
        for key, figure in answer["metrics"].items():
            check_figure(figure, key, ward_ids, period, previous, where=scope)
        for row in answer["breakdown"]:
            ward_id = row["ward"]["id"]
            for key in ("incidents", "cameras_active", "households", "team_members.security_team"):
                expected = direct(key, [ward_id], period.start, period.end)
                assert as_decimal(row["metrics"][key]["value"]) == as_decimal(expected), key
        # By residential group: each record under its own (a commitment under its household's).
        scope, ward_ids = resolve(setup, "ward")
        answer = stats_for(user=user, scope=scope, period=period, metrics=GROUPED, by="group")
        for row in answer["breakdown"]:
            group = row["group"]["id"]
            for key in GROUPED:
                figure = row["metrics"][key]
                check_figure(figure, key, ward_ids, period, previous, group, f"group {group}")
    scope_kind, *period_args = queries[0]
    scope, ward_ids = resolve(setup, scope_kind)
    period = make_period(*period_args)
    answer = stats_for(user=user, scope=scope, period=period, by="month")
    previous = period.same_period()
    for row in answer["breakdown"]:
        start, end = (dt.date.fromisoformat(row["period"][k]) for k in ("start", "end"))
        # A year earlier: the month of the year before, within the period's same period (the
        # same days for a clipped month; all 29 days of a February for a whole one).
        year, number = (int(part) for part in row["period"]["spec"][6:].split("-"))
        whole = month_span(year - 1, number, period.calendar)
        before = (max(whole[0], previous.start), min(whole[1], previous.end))
        for key in ("incidents", "residents", "weapons.explosive", "mediation_success_pct"):
            figure = row["metrics"][key]
            expected = direct(key, ward_ids, start, end)
            assert as_decimal(figure["value"]) == as_decimal(expected), (key, start)
            expected = direct_previous(key, ward_ids, *before)
            assert as_decimal(figure["previous"]) == as_decimal(expected), (key, before)


def rollup_tables():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ward_id, day, group_id, metric, value FROM reports_statday ORDER BY 1, 2, 3, 4"
        )
        days = cursor.fetchall()
        # Rows that add nothing (a series at zero) may differ in extent between runs.
        cursor.execute(
            "SELECT ward_id, metric, month, delta, closing FROM reports_statmonth"
            " WHERE delta <> 0 OR closing <> 0 ORDER BY 1, 2, 3"
        )
        months = cursor.fetchall()
        cursor.execute("SELECT ward_id, metric, first_day FROM reports_statseries ORDER BY 1, 2")
        return days, months, cursor.fetchall()


@settings(
    max_examples=4,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported, not shrunk
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    records=records_strategy,
    changes=changes_strategy,
    queries=st.lists(query_strategy, min_size=2, max_size=2),
)
def test_rollup_equals_direct_counts(world_setup, admin_user, records, changes, queries):
    # An administrator reads every figure as it is: a steering viewer's by-group figures of
    # police records hide small cells (tests/reports/test_small_cells.py), which is disclosure,
    # not the rollup's exactness.
    with transaction.atomic():
        world = World(world_setup["wards"], world_setup["officer"])
        # Every kind at least once, then the drawn mix.
        drawn = [(kind, 0, 100 + i, 30, i) for i, kind in enumerate(KINDS)] + records
        for spec in drawn:
            world.build(*spec)
        rollup.process_dirty()
        check_exact(world_setup, admin_user, queries)

        apply_changes(world, changes)
        rollup.process_dirty()
        check_exact(world_setup, admin_user, queries)

        incremental = rollup_tables()
        rollup.rebuild()
        assert rollup_tables() == incremental, "a rebuild disagrees with the incremental run"
        check_exact(world_setup, admin_user, queries)
        rollup.rebuild()
        assert rollup.process_dirty() == 0
        assert rollup_tables() == incremental, "running the rollup again changed it"

        # Changes while a full rebuild runs, each part processed incrementally on the live
        # tables at once: the first before the rebuild reads the records (in this test's one
        # transaction the build sees them too: they must not count twice), the second once the
        # new tables are built, before they are swapped in (they must not be lost).
        first, second = changes[: len(changes) // 2], changes[len(changes) // 2 :]
        processed = []

        def change_and_process(part, shift):
            def hook():
                apply_changes(world, part, shift)
                processed.append(rollup.process_dirty())

            return hook

        rollup.rebuild(
            on_snapshot=change_and_process(first, 1), on_built=change_and_process(second, 2)
        )
        assert len(processed) == 2, "the rebuild did not call its hooks"
        assert rollup.process_dirty() == 0
        check_exact(world_setup, admin_user, queries)
        swapped = rollup_tables()
        rollup.rebuild()
        assert rollup_tables() == swapped, "a rebuild across changes disagrees with a quiet one"
        transaction.set_rollback(True)


def apply_changes(world, changes, shift=0):
    """Apply the drawn changes (``shift``: to other records, the other way in time)."""
    for operation, index, days in changes:
        obj = world.records[(index + shift) % len(world.records)]
        days = -days if shift % 2 else days
        if operation == "redate":
            world.redate(obj, days)
        elif operation == "move":
            world.move(obj, abs(days) % 3)
        elif operation == "delete":
            world.delete(obj)
        elif operation == "regroup":
            world.regroup(obj, days)
        else:
            world.raw_redate(obj, days)
