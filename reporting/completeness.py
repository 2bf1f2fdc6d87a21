"""Completeness and timeliness of the ward reports (issue 13, item 5).

For a scope (a province, a cluster, the caller's whole scope) and a reporting period: every
ward's state (not started, draft, submitted, returned, accepted) and whether its first
submission was on time, the rates, the wards still missing with their police's contacts, and a
year's table of wards × months. Every figure is read set-based, with a fixed number of queries
whatever the number of wards (``docs/reporting.md``, "Cost", counts them):

- a ward's report for the period is joined to the ward in one query (a ``FilteredRelation``);
- the rates are one aggregate (``Count(filter=…)``) over the scope's reports;
- the year's table is one query of the scope's monthly reports of the year;
- the contacts are one query of the missing wards' police officers.

On time: the local (``settings.TIME_ZONE``, Asia/Ho_Chi_Minh) date of the report's *first*
submission is on or before the report's due date. A resubmission after a return keeps the
first date, so a ward that sent on time and corrected its report later is on time.
Submitted: the report is with the province (state submitted or accepted); a returned report is
back with its ward and counts as missing until it is sent again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Q,
    QuerySet,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from households.models import Ward
from reporting.models import (
    PeriodKind,
    PeriodReport,
    ReportSchedule,
    kind_of,
    period_spec,
    reporting_period,
)
from reports.statistics.selectors import Scope, StatsError, resolve_scope
from wardsecurity.models import User
from wardsecurity.period_spec import Period

if TYPE_CHECKING:
    from collections.abc import Iterable

NOT_STARTED = "not_started"
STATES = (NOT_STARTED, *PeriodReport.State.values)
STATE_LABELS = {
    NOT_STARTED: pgettext_lazy("completeness", "Not started"),
    "draft": pgettext_lazy("completeness", "Draft"),
    "submitted": pgettext_lazy("completeness", "Submitted"),
    "returned": pgettext_lazy("completeness", "Returned"),
    "accepted": pgettext_lazy("completeness", "Accepted"),
}
# The year table's cells: a symbol beside the colour, so the table reads without colour.
SYMBOLS = {NOT_STARTED: "✗", "draft": "…", "submitted": "↑", "returned": "↩", "accepted": "✓"}
# States in which the report is with the province.
IN_HAND = ("submitted", "accepted")
ONE_DECIMAL = Decimal("0.1")
# What the year table reads of each report (``on_time`` is annotated by ``with_timeliness``).
YEAR_COLUMNS = ("ward_id", "period", "state", "on_time", "due_on")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def with_timeliness(reports: QuerySet[PeriodReport]) -> QuerySet[PeriodReport]:
    """``on_time``: the first submission's local date ≤ the due date (NULL: never submitted)."""
    return reports.annotate(
        first_day=TruncDate("first_submitted_at", tzinfo=local_zone()),
        on_time=ExpressionWrapper(Q(first_day__lte=F("due_on")), output_field=BooleanField()),
    )


def percent(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in %, one decimal rounded half up; None for an empty scope."""
    if not whole:
        return None
    value = (Decimal(part) * 100 / Decimal(whole)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
    return float(value)


# Who may see it, and for what ------------------------------------------------------------------


def may_see_completeness(user: Any) -> bool:
    """Steering viewers, province reviewers and administrators; never a ward's own staff."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_admin_role or user.is_reader_role)


def check_reader(user: User) -> None:
    if not may_see_completeness(user):
        raise PermissionDenied(
            _("Only steering viewers, province reviewers and administrators see completeness.")
        )


def completeness_scope(*, user: User, spec: str) -> Scope:
    """The scope ``spec`` names (``all``, ``province:<code>``, ``cluster:<id>``, ``ward:<code>``)
    if the caller may see completeness and sees every ward of it: ``PermissionDenied`` for a
    ward's own staff, ``ValidationError`` for a malformed scope, ``Http404`` for one outside."""
    check_reader(user)
    try:
        return resolve_scope(user, (spec or "all").strip())
    except StatsError as exc:
        raise ValidationError({"scope": [str(exc)]}, code="invalid_scope") from exc


def report_period(spec: str) -> Period:
    """A reporting period (a month, quarter, half, nine months or year); ``ValidationError``."""
    try:
        return reporting_period((spec or "").strip())
    except ValidationError as exc:
        raise ValidationError({"period": exc.messages}, code="invalid_period") from exc


def default_period(today: dt.date | None = None) -> Period:
    """The latest monthly period whose report is due by ``today`` (else the month before)."""
    today = today or timezone.localdate()
    due_days = _due_days().get(PeriodKind.MONTH.value, 0)
    year, month = today.year, today.month
    for _step in range(3):
        period = reporting_period(period_spec("month", year, month))
        if period.end + dt.timedelta(days=due_days) <= today:
            return period
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return period


def _due_days() -> dict[str, int]:
    return dict(ReportSchedule.objects.values_list("kind", "due_days"))


def due_on(period: Period, due_days: dict[str, int] | None = None) -> dt.date:
    """The period's deadline by the schedule (a report keeps the one it was created with)."""
    kind = kind_of(period) or ""
    days = (due_days if due_days is not None else _due_days()).get(kind, 0)
    return period.end + dt.timedelta(days=days)


def scope_wards(scope: Scope) -> QuerySet[Ward]:
    """The scope's wards as a query (a subquery where it is used: no list of ids is sent)."""
    wards = Ward.objects.all()
    if scope.kind == "province" and scope.province_id is not None:
        return wards.filter(province_id=scope.province_id)
    if scope.ward_ids is not None:
        return wards.filter(id__in=scope.ward_ids)
    return wards


def period_options(today: dt.date | None = None) -> list[tuple[str, str]]:
    """Reporting periods offered by the page: this year's and last year's, latest first."""
    today = today or timezone.localdate()
    options = []
    for year in (today.year, today.year - 1):
        specs = [period_spec("year", year), period_spec("nine_months", year)]
        specs += [period_spec("half", year, n) for n in (2, 1)]
        specs += [period_spec("quarter", year, n) for n in (4, 3, 2, 1)]
        specs += [period_spec("month", year, n) for n in range(12, 0, -1)]
        for spec in specs:
            period = reporting_period(spec)
            if period.start <= today:
                options.append((period.spec, str(period.label)))
    return options


# One period -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    """A ward police officer as the user account holds them (staff contacts, not residents)."""

    name: str
    email: str

    def as_dict(self) -> dict[str, str]:
        return {"name": self.name, "email": self.email}


@dataclass
class WardRow:
    """One ward's report for the period, or its absence."""

    id: int
    code: str
    name: str
    state: str
    on_time: bool | None
    first_submitted_at: dt.datetime | None
    due_on: dt.date
    overdue: bool  # not with the province and past its deadline
    report_id: int | None = None
    contacts: list[Contact] = field(default_factory=list)

    @property
    def missing(self) -> bool:
        return self.state not in IN_HAND

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])

    @property
    def css(self) -> str:
        """The cell's colour: its state, and ``late`` for a late first submission."""
        if self.state == NOT_STARTED and not self.overdue:
            return "not-due"
        return self.state.replace("_", "-") + (" late" if self.on_time is False else "")

    def as_dict(self) -> dict[str, Any]:
        answer = {
            "ward": {"id": self.id, "code": self.code, "name": self.name},
            "state": self.state,
            "on_time": self.on_time,
            "first_submitted_at": self.first_submitted_at,
            "due_on": self.due_on,
            "overdue": self.overdue,
            "report": self.report_id,
        }
        return answer


@dataclass(frozen=True)
class Rates:
    """The counts of a scope's wards by state, and the rates of the issue."""

    wards: int
    not_started: int
    draft: int
    submitted: int  # with the province: submitted or accepted
    returned: int
    accepted: int
    on_time: int  # first submitted on or before the due date
    late: int  # first submitted after it

    @property
    def submitted_pct(self) -> float | None:
        return percent(self.submitted, self.wards)

    @property
    def on_time_pct(self) -> float | None:
        return percent(self.on_time, self.wards)

    @property
    def accepted_pct(self) -> float | None:
        return percent(self.accepted, self.wards)

    @property
    def missing(self) -> int:
        return self.wards - self.submitted

    def as_dict(self) -> dict[str, Any]:
        return {
            "wards": self.wards,
            "counts": {
                "not_started": self.not_started,
                "draft": self.draft,
                "submitted": self.submitted,
                "awaiting_review": self.submitted - self.accepted,
                "returned": self.returned,
                "accepted": self.accepted,
                "on_time": self.on_time,
                "late": self.late,
                "missing": self.missing,
            },
            "submitted_pct": self.submitted_pct,
            "on_time_pct": self.on_time_pct,
            "accepted_pct": self.accepted_pct,
        }


def completeness_rates(*, scope: Scope, period: Period) -> Rates:
    """The rates of ``scope`` for ``period``: two queries (the wards, one aggregate)."""
    wards = scope_wards(scope)
    count = wards.count()
    reports = PeriodReport.objects.filter(period=period.spec, ward__in=wards).alias(
        first_day=TruncDate("first_submitted_at", tzinfo=local_zone())
    )
    totals = reports.aggregate(
        draft=Count("pk", filter=Q(state="draft")),
        submitted=Count("pk", filter=Q(state__in=IN_HAND)),
        returned=Count("pk", filter=Q(state="returned")),
        accepted=Count("pk", filter=Q(state="accepted")),
        on_time=Count("pk", filter=Q(first_day__lte=F("due_on"))),
        late=Count("pk", filter=Q(first_day__gt=F("due_on"))),
        reports=Count("pk"),
    )
    return Rates(
        wards=count,
        not_started=count - totals["reports"],
        draft=totals["draft"],
        submitted=totals["submitted"],
        returned=totals["returned"],
        accepted=totals["accepted"],
        on_time=totals["on_time"],
        late=totals["late"],
    )


def ward_rows(*, scope: Scope, period: Period, today: dt.date | None = None) -> list[WardRow]:
    """Every ward of ``scope`` with its report for ``period``: one query (plus the schedule)."""
    today = today or timezone.localdate()
    deadline = due_on(period)
    wards = (
        scope_wards(scope)
        .annotate(
            report=FilteredRelation(
                "period_reports", condition=Q(period_reports__period=period.spec)
            )
        )
        .annotate(
            first_day=TruncDate("report__first_submitted_at", tzinfo=local_zone()),
            on_time=ExpressionWrapper(
                Q(first_day__lte=F("report__due_on")), output_field=BooleanField()
            ),
        )
        .order_by("name", "code")
        .values_list(
            "id",
            "code",
            "name",
            "report__id",
            "report__state",
            "on_time",
            "report__first_submitted_at",
            "report__due_on",
        )
    )
    rows = []
    for ward_id, code, name, report_id, state, on_time, first, report_due in wards:
        state = state or NOT_STARTED
        deadline_here = report_due or deadline
        rows.append(
            WardRow(
                id=ward_id,
                code=code,
                name=name,
                state=state,
                on_time=on_time,
                first_submitted_at=first,
                due_on=deadline_here,
                overdue=state not in IN_HAND and today > deadline_here,
                report_id=report_id,
            )
        )
    return rows


def police_contacts(ward_ids: Iterable[int]) -> dict[int, list[Contact]]:
    """The active ward police officers of ``ward_ids``, by ward: one query."""
    found: dict[int, list[Contact]] = {}
    users = (
        User.objects.filter(
            is_active=True, role=User.Role.WARD_POLICE, scope_ward_id__in=list(ward_ids)
        )
        .order_by("scope_ward_id", "last_name", "first_name", "pk")
        .values_list("scope_ward_id", "last_name", "first_name", "username", "email")
    )
    for ward_id, last, first, username, email in users:
        name = f"{last} {first}".strip() or username
        found.setdefault(ward_id, []).append(Contact(name=name, email=email))
    return found


@dataclass
class Completeness:
    """What the page and the API show for one scope and period."""

    scope: Scope
    period: Period
    due_on: dt.date
    rates: Rates
    wards: list[WardRow]

    @property
    def missing(self) -> list[WardRow]:
        return [row for row in self.wards if row.missing]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope.as_dict(),
            "period": {
                "spec": self.period.spec,
                "label": str(self.period.label),
                "start": self.period.start,
                "end": self.period.end,
                "due_on": self.due_on,
            },
            "rates": self.rates.as_dict(),
            "wards": [row.as_dict() for row in self.wards],
            "missing": [
                {**row.as_dict(), "contacts": [c.as_dict() for c in row.contacts]}
                for row in self.missing
            ],
        }


def completeness(
    *, user: User, scope: str, period: str, today: dt.date | None = None
) -> Completeness:
    """Completeness of ``scope`` for ``period``, checked for ``user`` (see ``completeness_scope``).

    A fixed number of queries whatever the number of wards.
    """
    errors: dict[str, list[str]] = {}
    parsed: Period | None = None
    try:
        parsed = report_period(period)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        resolved = completeness_scope(user=user, spec=scope)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    assert parsed is not None
    rows = ward_rows(scope=resolved, period=parsed, today=today)
    contacts = police_contacts(row.id for row in rows if row.missing)
    for row in rows:
        row.contacts = contacts.get(row.id, [])
    return Completeness(
        scope=resolved,
        period=parsed,
        due_on=due_on(parsed),
        rates=completeness_rates(scope=resolved, period=parsed),
        wards=rows,
    )


# A year, month by month ------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    state: str
    on_time: bool | None
    overdue: bool

    @property
    def css(self) -> str:
        if self.state == NOT_STARTED and not self.overdue:
            return "not-due"
        return self.state.replace("_", "-") + (" late" if self.on_time is False else "")

    @property
    def symbol(self) -> str:
        if self.state == NOT_STARTED and not self.overdue:
            return "·"
        return SYMBOLS[self.state] + ("!" if self.on_time is False else "")

    @property
    def label(self) -> str:
        text = str(STATE_LABELS[self.state])
        if self.on_time is False:
            text += " – " + pgettext("completeness", "late")
        elif self.state == NOT_STARTED and not self.overdue:
            text = pgettext("completeness", "Not due yet")
        return text

    def as_dict(self) -> dict[str, Any]:
        return {"state": self.state, "on_time": self.on_time, "overdue": self.overdue}


@dataclass
class YearTable:
    """Wards × the 12 months of a reporting year, each cell the month's report state."""

    scope: Scope
    year: int
    months: list[Period]
    due: list[dt.date]
    rows: list[tuple[dict[str, Any], list[Cell]]]
    rates: list[Rates]

    def as_dict(self) -> dict[str, Any]:
        return {
            "scope": self.scope.as_dict(),
            "year": self.year,
            "months": [
                {
                    "spec": month.spec,
                    "label": str(month.label),
                    "due_on": due,
                    **rates.as_dict(),
                }
                for month, due, rates in zip(self.months, self.due, self.rates, strict=True)
            ],
            "wards": [
                {"ward": ward, "cells": [cell.as_dict() for cell in cells]}
                for ward, cells in self.rows
            ],
        }


def year_table(*, user: User, scope: str, year: int, today: dt.date | None = None) -> YearTable:
    """The monthly reports of ``scope`` for ``year``: three queries whatever its size (the
    schedule, the wards, the year's reports); the month's rates are counted from the same rows."""
    resolved = completeness_scope(user=user, spec=scope)
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": [_("Choose a year between 2000 and 2100.")]})
    today = today or timezone.localdate()
    days = _due_days()
    months = [reporting_period(period_spec("month", year, n)) for n in range(1, 13)]
    deadlines = [due_on(month, days) for month in months]
    column = {month.spec: index for index, month in enumerate(months)}
    wards = scope_wards(resolved)
    ward_list = list(wards.order_by("name", "code").values_list("id", "code", "name"))
    reports: Iterable[tuple[int, str, str, bool | None, dt.date]] = with_timeliness(
        PeriodReport.objects.filter(ward__in=wards, period__in=list(column))
    ).values_list(*YEAR_COLUMNS)
    found: dict[tuple[int, int], tuple[str, bool | None, dt.date]] = {}
    for ward_id, spec, state, on_time, report_due in reports:
        found[(ward_id, column[spec])] = (state, on_time, report_due)
    rows = []
    tallies = [dict.fromkeys((*STATES, "on_time", "late"), 0) for _month in months]
    for ward_id, code, name in ward_list:
        cells = []
        for index in range(len(months)):
            state, on_time, report_due = found.get(
                (ward_id, index), (NOT_STARTED, None, deadlines[index])
            )
            cells.append(Cell(state, on_time, state not in IN_HAND and today > report_due))
            tally = tallies[index]
            tally[state] += 1
            if on_time is not None:
                tally["on_time" if on_time else "late"] += 1
        rows.append(({"id": ward_id, "code": code, "name": name}, cells))
    rates = [
        Rates(
            wards=len(ward_list),
            not_started=t[NOT_STARTED],
            draft=t["draft"],
            submitted=t["submitted"] + t["accepted"],
            returned=t["returned"],
            accepted=t["accepted"],
            on_time=t["on_time"],
            late=t["late"],
        )
        for t in tallies
    ]
    return YearTable(resolved, year, months, deadlines, rows, rates)


# The dashboard's tile --------------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    period: Period
    due_on: dt.date
    rates: Rates
    query: str  # the completeness page's query string for the same scope and period


def dashboard_tile(*, user: User, scope: str, today: dt.date | None = None) -> Tile | None:
    """The rates of the latest monthly period that is due, for the dashboard's scope; None for
    a user who does not see completeness or a one-ward scope."""
    if not may_see_completeness(user):
        return None
    resolved = completeness_scope(user=user, spec=scope)
    if resolved.kind == "ward":
        return None
    period = default_period(today)
    query = urlencode({"scope": scope, "period": period.spec})
    rates = completeness_rates(scope=resolved, period=period)
    return Tile(period=period, due_on=due_on(period), rates=rates, query=query)
