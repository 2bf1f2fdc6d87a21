"""Reading the statistics (SPEC §7, §8): any scope and period, against the same period last year.

``stats_for`` is the one reader the API, the dashboard and the period reports share. Figures come
from the rollup tables only: a value at a date is a running total, read from ``StatMonth`` (one
row per ward and metric at a month end) plus the ``StatDay`` rows of the days after it, so the
cost depends on the number of wards and metrics, not on the number of records, and the number
of queries does not depend on the number of wards in scope. A whole province, and the whole
country, are read from the rollup's province totals.
"""

# ruff: noqa: S608 - fixed SQL fragments; values are parameters

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from households.models import ResidentialGroup, Ward, WardCluster, WardSuccession, former_label
from reports.models import province_row
from reports.statistics.compute import (
    ACTIVITY,
    Series,
    activity_keys,
    compared_column,
    first_day_keys,
    read_keys,
    reading_dates,
)
from reports.statistics.disclosure import sensitive_keys, suppress_small_cells
from reports.statistics.metrics import METRICS, Metric, refresh_families
from wardsecurity.period_spec import Period
from wardsecurity.replica import LAG_SQL, read_alias
from wardsecurity.scope import ALL_WARDS, scope_ward_ids

if TYPE_CHECKING:
    from wardsecurity.models import User

SCOPE_PATTERN = r"all|ward:[0-9]{5}|province:[0-9]{2}|cluster:[0-9]{1,9}"
BREAKDOWNS = ("ward", "group", "predecessor", "month")
# A breakdown asked for in pages (issue 18, item 5): ``PAGE_SIZE_DEFAULT`` rows a page unless
# told, at most ``PAGE_SIZE_MAX``. The API answers a ``by=ward`` breakdown of more than
# ``PAGE_SIZE_MAX`` wards (the country: 3,321) in pages only; every province (the largest has
# 168 wards) fits in one answer. With every metric (148 on the benchmark) a ward takes about
# 13.6 kB nested and 4.2 kB compact: a default page is under 0.7 MB nested, a largest page
# about 0.85 MB compact (a page of 300 was 1.26 MB, over the 1 MB a page of issue 18).
PAGE_SIZE_DEFAULT = 50
PAGE_SIZE_MAX = 200
# The shapes of a breakdown in the API: ``nested`` (a row, its metrics, each an entry) or
# ``compact`` (``breakdown_table``: the labels once, every figure in a column).
SHAPES = ("nested", "compact")
# The fields of an entry (``compute.compared``, ``disclosure``), in the columns' order; the
# optional ones are in an entry only when they say something (null in a column: absent).
ENTRY_FIELDS = (
    "value",
    "previous",
    "change",
    "change_pct",
    "no_previous",
    "no_value",
    "numerator",
    "denominator",
)
OPTIONAL_FIELDS = ("no_previous", "no_value")
_SCOPE = re.compile(SCOPE_PATTERN)
_DAY = dt.timedelta(days=1)
_EPOCH = dt.date(1, 1, 1)


class StatsError(ValueError):
    """A request the statistics cannot answer as asked (a 400, with a translated message)."""

    def __init__(self, message: str, field: str = "detail") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Scope:
    """The wards a statistic covers: ``ward_ids`` None means every ward."""

    kind: str
    ward_ids: list[int] | None
    code: str | None = None
    id: int | None = None
    name: str = ""
    province_id: int | None = None  # a whole province

    @property
    def rollup_rows(self) -> list[int] | None:
        """The rollup's ``ward_id`` values holding the scope's totals; None: every province's."""
        if self.kind == "province":
            assert self.province_id is not None  # a province scope names its province
            return [province_row(self.province_id)]
        return self.ward_ids

    def as_dict(self) -> dict[str, Any]:
        count = None if self.ward_ids is None else len(self.ward_ids)
        return {"kind": self.kind, "code": self.code, "id": self.id, "name": self.name,
                "wards": count}  # fmt: skip


def _ids(queryset: QuerySet[Any]) -> list[int]:
    return list(queryset.values_list("id", flat=True))


def resolve_scope(user: User, scope: str) -> Scope:
    """The wards ``scope`` names, which must all be visible to ``user`` (else 404).

    ``all`` is the user's whole scope: every ward for a national viewer, the province, cluster or
    ward of anyone else.
    """
    if not _SCOPE.fullmatch(scope or ""):
        message = _("Use all, ward:<code>, province:<code> or cluster:<id>.")
        raise StatsError(message, "scope")
    kind, _sep, key = scope.partition(":")
    visible = Ward.objects.visible_to(user)
    if kind == "all":
        return _own_scope(user, visible)
    if kind == "ward":
        ward = visible.filter(code=key).values("id", "name").first()
        if ward is None:
            raise Http404
        return Scope("ward", [ward["id"]], code=key, id=ward["id"], name=ward["name"])
    if kind == "province":
        wards = list(
            visible.filter(province__code=key).values_list("id", "province__name", "province_id")
        )
        every = Ward.objects.filter(province__code=key).count()
        if not wards or len(wards) != every:
            raise Http404
        _id, name, province_id = wards[0]
        ids = [w for w, _n, _p in wards]
        return Scope("province", ids, code=key, name=name, province_id=province_id)
    cluster = WardCluster.objects.filter(pk=int(key)).values("id", "name").first()
    if cluster is None:
        raise Http404
    members = _ids(Ward.objects.filter(clusters=cluster["id"]))
    shown = set(_ids(visible.filter(clusters=cluster["id"])))
    if not members or shown != set(members):
        raise Http404
    return Scope("cluster", members, id=cluster["id"], name=cluster["name"])


def _own_scope(user: User, visible: QuerySet[Ward]) -> Scope:
    ids = scope_ward_ids(user)  # type: ignore[no-untyped-call]  # wardsecurity.scope: no hints
    if ids is ALL_WARDS:
        return Scope("all", None, name=_("All wards"))
    kind = user.scope_kind
    if kind == user.ScopeKind.WARD:
        ward = visible.values("id", "code", "name").first()
        if ward is None:
            raise Http404
        return Scope("ward", [ward["id"]], code=ward["code"], id=ward["id"], name=ward["name"])
    wards = list(visible.values_list("id", flat=True))
    if kind == user.ScopeKind.PROVINCE:
        province = user.scope_province
        assert province is not None  # a province-scoped user has one (a database constraint)
        return Scope(
            "province",
            wards,
            code=province.code,
            id=province.pk,
            name=province.name,
            province_id=province.pk,
        )
    cluster = user.scope_cluster
    assert cluster is not None  # the remaining kind, cluster, has one (a database constraint)
    return Scope("cluster", wards, id=cluster.pk, name=cluster.name)


# Reading running totals ----------------------------------------------------------------------


def _month_end(day: dt.date) -> dt.date:
    following = dt.date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - _DAY


@dataclass(frozen=True)
class Page:
    """One page of a breakdown: ``number`` from 1, ``size`` rows at most."""

    number: int = 1
    size: int = PAGE_SIZE_DEFAULT

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size

    def as_dict(self, count: int) -> dict[str, int]:
        """What the answer says of the page: its number and size, the rows in all, the pages."""
        pages = max(1, -(-count // self.size))
        return {"number": self.number, "size": self.size, "count": count, "pages": pages}

    def check(self, count: int) -> None:
        """A page past the last is a 400 (page 1 always exists, if empty)."""
        if self.number > 1 and self.offset >= count:
            message = _("There is no page %(number)s; the last is %(last)s.") % {
                "number": self.number,
                "last": self.as_dict(count)["pages"],
            }
            raise StatsError(message, "page")


@dataclass(frozen=True)
class RollupView:
    """What a reader needs to know of the rollup, read in one query.

    ``horizon``: the month up to which StatMonth is dense; ``processed_at``: when the rollup
    tables last changed (a cached answer computed before then is stale); ``as_of``: every change
    committed before it is in the figures (the oldest unprocessed change, else now; on a read
    replica no later than the last change it replayed); ``lag``: how far the read replica the
    figures come from is behind the primary (None: read on the primary).
    """

    horizon: dt.date | None
    processed_at: dt.datetime | None
    as_of: dt.datetime
    lag: dt.timedelta | None = None


def rollup_view() -> RollupView:
    """The rollup's state, from the database the figures are read from (``read_alias``)."""
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            "SELECT horizon, processed_at, CASE WHEN lag IS NULL THEN COALESCE(oldest, now())"
            " ELSE LEAST(COALESCE(oldest, now()), now() - lag) END, lag FROM (SELECT"
            " (SELECT horizon FROM reports_rollupstate WHERE id = 1) AS horizon,"
            " (SELECT processed_at FROM reports_rollupstate WHERE id = 1) AS processed_at,"
            " (SELECT created_at FROM reports_dirtybucket ORDER BY id LIMIT 1) AS oldest,"
            f" {LAG_SQL} AS lag) AS state"
        )
        return RollupView(*cursor.fetchone())


# Every province's total row (``province_row``), as a list the planner evaluates once: the
# index on (ward_id, day) then seeks each province's days, where ``ward_id < 0`` read every
# province row of every day (698,000 index entries, 2.8 s, for a national answer at 3,321 wards).
_PROVINCE_ROWS = "ARRAY(SELECT -id FROM households_province)"


def _running_totals(
    dates: list[dt.date],
    metric_keys: list[str],
    ward_ids: list[int] | None,
    horizon: dt.date | None,
    *,
    by_ward: bool = False,
) -> dict[tuple[dt.date, int, str], Decimal]:
    """{(date, ward id or 0, metric): total of the metric up to and including the date}.

    ``ward_ids``: the rollup rows to add up (``Scope.rollup_rows``: wards, or a province's
    total); None: every province's total, or with ``by_ward`` every ward's rows.
    """
    dates = sorted(set(dates))
    months: list[dt.date | None] = []
    afters: list[dt.date] = []
    for day in dates:
        full = day if day == _month_end(day) else day.replace(day=1) - _DAY  # last full month end
        if horizon is not None and full.replace(day=1) > horizon:
            full = _month_end(horizon)
        if horizon is None:  # nothing processed yet: every day counts
            months.append(None)
            afters.append(_EPOCH)
        else:
            months.append(full.replace(day=1))
            afters.append(full)
    ward = "{t}.ward_id" if by_ward else "0"
    if ward_ids is not None:
        wards = " AND {t}.ward_id = ANY(%(wards)s)"
    else:
        wards = " AND {t}.ward_id > 0" if by_ward else f" AND {{t}}.ward_id = ANY({_PROVINCE_ROWS})"
    sql = (
        "WITH b(idx, month, after, upto) AS (SELECT * FROM unnest("
        "%(idx)s::int[], %(months)s::date[], %(afters)s::date[], %(uptos)s::date[]))"
        f" SELECT b.idx, {ward.format(t='s')}, s.metric, SUM(s.closing)"
        " FROM reports_statmonth s JOIN b ON s.month = b.month"
        f" WHERE s.metric = ANY(%(metrics)s){wards.format(t='s')} GROUP BY 1, 2, 3"
        " UNION ALL"
        f" SELECT b.idx, {ward.format(t='d')}, d.metric, SUM(d.value)"
        " FROM reports_statday d JOIN b ON d.day > b.after AND d.day <= b.upto"
        f" WHERE d.metric = ANY(%(metrics)s){wards.format(t='d')} GROUP BY 1, 2, 3"
    )
    params: dict[str, Any] = {
        "idx": list(range(len(dates))),
        "months": months,
        "afters": afters,
        "uptos": dates,
        "metrics": list(metric_keys),
        "wards": ward_ids,
    }
    totals: dict[tuple[dt.date, int, str], Decimal] = {}
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, params)
        for idx, ward_id, key, value in cursor.fetchall():
            slot = (dates[idx], ward_id, key)
            totals[slot] = totals.get(slot, 0) + value
    return totals


def _first_days(
    metric_keys: list[str], ward_ids: list[int] | None, *, by_ward: bool = False
) -> dict[tuple[int, str], dt.date]:
    """{(ward id or 0, key): first day} of the stocks among ``metric_keys``, and under
    ``ACTIVITY`` the first day of any flow or annual figure (``_running_totals``' rows)."""
    ward = "ward_id" if by_ward else "0"
    if ward_ids is not None:
        wards = " AND ward_id = ANY(%(wards)s)"
    else:
        wards = " AND ward_id > 0" if by_ward else f" AND ward_id = ANY({_PROVINCE_ROWS})"
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(
            f"SELECT {ward}, metric, min(first_day) FROM reports_statseries"
            f" WHERE metric = ANY(%(metrics)s){wards} GROUP BY 1, 2"
            " UNION ALL"
            f" SELECT {ward}, %(activity)s, min(first_day) FROM reports_statseries"
            f" WHERE metric = ANY(%(flows)s){wards} GROUP BY 1",
            {
                "metrics": first_day_keys(metric_keys),
                "flows": activity_keys(),
                "activity": ACTIVITY,
                "wards": ward_ids,
            },
        )
        return {(slot, key): day for slot, key, day in cursor.fetchall()}


# A day row's slot in a breakdown by residential group, or by the group's former ward (the
# unit of the map before July 2025 it lay in: ``by=predecessor``; no group, no former ward).
_GROUP_SLOTS = {
    "group": ("d.group_id", ""),
    "predecessor": (
        "g.former_ward_id",
        " LEFT JOIN households_residentialgroup g ON g.id = d.group_id",
    ),
}


def _group_totals(
    dates: list[dt.date],
    metric_keys: list[str],
    ward_id: int,
    *,
    firsts: bool,
    slot: str = "group",
) -> tuple[dict[tuple[dt.date, int | None, str], Decimal], dict[tuple[int | None, str], dt.date]]:
    """Running totals and first days by residential group (group id or None) for one ward, or
    with ``slot="predecessor"`` by the groups' former ward (its id or None)."""
    dates = sorted(set(dates))
    column, join = _GROUP_SLOTS[slot]
    sql = (
        "WITH b(idx, upto) AS (SELECT * FROM unnest(%(idx)s::int[], %(uptos)s::date[]))"
        f" SELECT b.idx, {column}, d.metric, SUM(d.value)"
        f" FROM reports_statday d JOIN b ON d.day <= b.upto{join}"
        " WHERE d.ward_id = %(ward)s AND d.metric = ANY(%(metrics)s) GROUP BY 1, 2, 3"
    )
    params: dict[str, Any] = {
        "idx": list(range(len(dates))),
        "uptos": dates,
        "metrics": list(metric_keys),
    }
    first: dict[tuple[int | None, str], dt.date] = {}
    with connections[read_alias()].cursor() as cursor:
        cursor.execute(sql, {**params, "ward": ward_id})
        totals = {(dates[idx], group, key): value for idx, group, key, value in cursor.fetchall()}
        if firsts:
            cursor.execute(
                f"SELECT {column}, d.metric, min(d.day) FROM reports_statday d{join}"
                " WHERE d.ward_id = %(ward)s AND d.metric = ANY(%(metrics)s) GROUP BY 1, 2"
                " UNION ALL"
                f" SELECT {column}, %(activity)s, min(d.day) FROM reports_statday d{join}"
                " WHERE d.ward_id = %(ward)s AND d.metric = ANY(%(flows)s) GROUP BY 1",
                {
                    "ward": ward_id,
                    "metrics": first_day_keys(metric_keys),
                    "flows": activity_keys(),
                    "activity": ACTIVITY,
                },
            )
            first = {(group, key): day for group, key, day in cursor.fetchall()}
    return totals, first


# Figures -------------------------------------------------------------------------------------


def _series[Slot](
    totals: Mapping[tuple[dt.date, Slot, str], Decimal], first: Mapping[tuple[Slot, str], dt.date]
) -> dict[Slot, Series]:
    """{slot: Series} from {(date, slot, key): total} and {(slot, key): first day}."""
    slots: dict[Slot, tuple[dict[tuple[dt.date, str], Decimal], dict[str, dt.date]]] = {}
    for (day, slot, key), value in totals.items():
        slots.setdefault(slot, ({}, {}))[0][(day, key)] = value
    for (slot, key), day in first.items():
        slots.setdefault(slot, ({}, {}))[1][key] = day
    return {slot: Series(values, days) for slot, (values, days) in slots.items()}


def _compared[Slot](
    metrics: Iterable[Metric],
    period: Period,
    previous_period: Period | None,
    series: Mapping[Slot, Series],
    slot: Slot,
) -> dict[str, dict[str, Any]]:
    return _compared_rows(metrics, period, previous_period, series, [slot])[0]


def _compared_rows[Slot](
    metrics: Iterable[Metric],
    period: Period,
    previous_period: Period | None,
    series: Mapping[Slot, Series],
    slots: list[Slot],
) -> list[dict[str, dict[str, Any]]]:
    """The figures of each slot of a breakdown's rows, computed a metric at a time over them
    all (``compute.compared_column``)."""
    empty = Series()
    found = [series.get(slot, empty) for slot in slots]
    rows: list[dict[str, dict[str, Any]]] = [{} for _slot in slots]
    for item in metrics:
        key = item.key
        for row, entry in zip(
            rows, compared_column(item, period, previous_period, found), strict=True
        ):
            row[key] = entry
    return rows


def chosen_metrics(keys: list[str] | None) -> list[Metric]:
    """The metrics asked for (all when None), in the order asked.

    The families read from a catalogue (manual indicators) are refreshed first: one query.
    """
    refresh_families()
    if keys is None:
        return list(METRICS.values())
    unknown = [key for key in keys if key not in METRICS]
    if unknown:
        message = _("Unknown metric: %(keys)s.") % {"keys": ", ".join(unknown)}
        raise StatsError(message, "metrics")
    return [METRICS[key] for key in dict.fromkeys(keys)]


def stats_for(
    *,
    user: User,
    scope: str,
    period: Period,
    compare: bool = True,
    metrics: list[str] | None = None,
    by: str | None = None,
    rollup: RollupView | None = None,
    page: Page | None = None,
    whole_max: int | None = None,
) -> dict[str, Any]:
    """The figures of ``scope`` over ``period`` (SPEC §8), each against the same period.

    ``scope``: ``all`` (the user's whole scope), ``ward:<code>``, ``province:<code>`` or
    ``cluster:<id>``, all of whose wards the user must see (else ``Http404``). ``metrics``: keys
    of ``reports.statistics.metrics.METRICS`` (all when None). ``by``: ``ward``, ``group`` or
    ``predecessor`` (a one-ward scope only: by residential group, or by the groups' former ward
    of the map before July 2025) or ``month`` (the months of the period's calendar) adds a
    ``breakdown`` list.
    Answers ``{"scope", "period", "compare", "as_of", "metrics": {key: entry}}`` (+
    ``"breakdown"``), each entry from ``reports.statistics.compute.compared``: ``"value"``,
    ``"previous"``, ``"change"``, ``"change_pct"``, ``"no_previous"`` when there is no previous
    value, a ratio's ``"numerator"`` and ``"denominator"``. Every metric's figures are the same
    whatever else is asked for.
    Raises ``StatsError`` (a 400) for an unknown metric or breakdown. Statistics are for every
    role: counts of sensitive records are figures, never the records; in a ``by=group``
    breakdown their small cells are hidden from the roles that do not see the records
    (``reports.statistics.disclosure``). ``rollup``: the state
    read by the caller (``rollup_view()``), when it has read it already.
    ``page``: only that page of the breakdown (in its order), and a ``"page"`` entry
    (``Page.as_dict``). A page of ``by=ward`` reads the rollup rows of its own wards only, and
    the scope's totals as without a breakdown: the cost of a page does not grow with the
    number of wards in scope. Any other breakdown is computed whole, its small cells hidden
    over all its rows, and then cut, so every page hides what the whole answer hides.
    ``whole_max``: a ``by=ward`` breakdown of more wards than this needs a page (``StatsError``;
    the API's rule, ``PAGE_SIZE_MAX``; the dashboard reads every ward).
    """
    chosen = chosen_metrics(metrics)
    if by is not None and by not in BREAKDOWNS:
        raise StatsError(_("Unknown breakdown; use ward, group, predecessor or month."), "by")
    resolved = resolve_scope(user, scope)
    if by == "group" and resolved.kind != "ward":
        message = _("A breakdown by residential group needs a one-ward scope.")
        raise StatsError(message, "by")
    if by == "predecessor" and resolved.kind != "ward":
        message = _("A breakdown by former ward needs a one-ward scope.")
        raise StatsError(message, "by")
    previous = period.same_period() if compare else None
    spans = [(period, previous)]
    if by == "month":
        if compare:
            spans += period.compared_months()
        else:
            spans += [(month, None) for month in period.months()]
    dates: list[dt.date] = []
    for current, earlier in spans:
        for span in (current, earlier):
            if span is not None:
                dates += reading_dates(span)
    needed = read_keys(chosen)
    rollup = rollup or rollup_view()
    if by == "ward":
        return _ward_answer(
            resolved, chosen, (period, previous), (dates, needed), rollup, (page, whole_max)
        )
    totals = _running_totals(dates, needed, resolved.rollup_rows, rollup.horizon)
    first = _first_days(needed, resolved.rollup_rows) if compare else {}
    series = _series(totals, first)
    answer = _answer(resolved, chosen, (period, previous), series, rollup)
    if by == "group":
        breakdown = _by_group(user, resolved, chosen, (period, previous), dates, needed)
    elif by == "predecessor":
        breakdown = _by_predecessor(resolved, chosen, (period, previous), dates, needed)
    elif by == "month":
        breakdown = [
            {"period": _period_dict(month), "metrics": _compared(chosen, month, earlier, series, 0)}
            for month, earlier in spans[1:]
        ]
    else:
        return answer
    if page is not None:
        page.check(len(breakdown))
        answer["page"] = page.as_dict(len(breakdown))
        breakdown = breakdown[page.offset : page.offset + page.size]
    answer["breakdown"] = breakdown
    return answer


def _answer(
    scope: Scope,
    chosen: list[Metric],
    periods: tuple[Period, Period | None],
    series: Mapping[int, Series],
    rollup: RollupView,
) -> dict[str, Any]:
    """The answer without a breakdown: the scope's figures, from ``series[0]``."""
    period, previous = periods
    return {
        "scope": scope.as_dict(),
        "period": _period_dict(period),
        "compare": _period_dict(previous) if previous else None,
        "as_of": rollup.as_of,
        "replica_lag": rollup.lag,
        "metrics": _compared(chosen, period, previous, series, 0),
    }


def _ward_answer(
    scope: Scope,
    chosen: list[Metric],
    periods: tuple[Period, Period | None],
    reads: tuple[list[dt.date], list[str]],
    rollup: RollupView,
    paging: tuple[Page | None, int | None],
) -> dict[str, Any]:
    """``by=ward``: every ward of the scope, in code order, or one page of them.

    Whole, the scope's figures are the sum of its wards' rows (one read for both). A page reads
    its wards' rows and the scope's totals as ``rollup_rows`` keeps them (a province's total
    row): the same sums, read from fewer rows.
    """
    period, previous = periods
    dates, needed = reads
    page, whole_max = paging
    compare = previous is not None
    wards = Ward.objects.order_by("code")
    if scope.ward_ids is not None:
        wards = wards.filter(id__in=scope.ward_ids)
    shown_page: dict[str, int] | None = None
    if page is None:
        rows = list(wards.values_list("id", "code", "name"))
        if whole_max is not None and len(rows) > whole_max:
            message = _(
                "A breakdown of %(count)s wards is answered in pages of at most %(size)s: "
                "ask for page=1 (shape=compact makes each page smaller)."
            ) % {"count": len(rows), "size": whole_max}
            raise StatsError(message, "page")
        totals = _running_totals(dates, needed, scope.ward_ids, rollup.horizon, by_ward=True)
        first = _first_days(needed, scope.ward_ids, by_ward=True) if compare else {}
        for (day, _ward, key), value in list(totals.items()):
            totals[(day, 0, key)] = totals.get((day, 0, key), 0) + value
        for (_ward, key), day in list(first.items()):
            first[(0, key)] = min(day, first.get((0, key), day))
    else:
        count = len(scope.ward_ids) if scope.ward_ids is not None else wards.count()
        page.check(count)
        shown_page = page.as_dict(count)
        rows = list(wards.values_list("id", "code", "name")[page.offset : page.offset + page.size])
        shown = [ward_id for ward_id, _code, _name in rows]
        totals = _running_totals(dates, needed, scope.rollup_rows, rollup.horizon)
        first = _first_days(needed, scope.rollup_rows) if compare else {}
        if shown:
            totals.update(_running_totals(dates, needed, shown, rollup.horizon, by_ward=True))
            if compare:
                first.update(_first_days(needed, shown, by_ward=True))
    series = _series(totals, first)
    answer = _answer(scope, chosen, periods, series, rollup)
    if shown_page is not None:
        answer["page"] = shown_page
    figures = _compared_rows(chosen, period, previous, series, [row[0] for row in rows])
    answer["breakdown"] = [
        {"ward": {"id": ward_id, "code": code, "name": name}, "metrics": metrics}
        for (ward_id, code, name), metrics in zip(rows, figures, strict=True)
    ]
    return answer


def _period_dict(period: Period) -> dict[str, str]:
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "spec": period.spec,
        "calendar": period.calendar,
        "label": str(period.label),
    }


def _by_group(
    user: User,
    scope: Scope,
    chosen: list[Metric],
    periods: tuple[Period, Period | None],
    dates: list[dt.date],
    needed: list[str],
) -> list[dict[str, Any]]:
    period, previous = periods
    assert scope.id is not None  # a breakdown by group is of a one-ward scope
    series = _series(*_group_totals(dates, needed, scope.id, firsts=previous is not None))
    groups = (
        ResidentialGroup.objects.visible_to(user)
        .filter(ward_id=scope.id)
        .order_by("name__ws_natural", "name")
    )
    rows: list[tuple[int | None, str]] = [
        (group_id, name) for group_id, name in groups.values_list("id", "name")
    ]
    rows.append((None, _("Not in a residential group")))
    figures = _compared_rows(chosen, period, previous, series, [row[0] for row in rows])
    breakdown = [
        {"group": {"id": group_id, "name": name}, "metrics": metrics}
        for (group_id, name), metrics in zip(rows, figures, strict=True)
    ]
    if not user.can_see_sensitive:
        # Police-only records counted per group: small cells hidden (reports.statistics.disclosure).
        suppress_small_cells(breakdown, sensitive_keys(item.key for item in chosen))
    return breakdown


def _by_predecessor(
    scope: Scope,
    chosen: list[Metric],
    periods: tuple[Period, Period | None],
    dates: list[dt.date],
    needed: list[str],
) -> list[dict[str, Any]]:
    """The ward's figures by former ward: each record counts under its residential group's
    ``former_ward``; records without a group, or whose group names none, under ``id: null``.

    A former ward is a ward-sized unit, not a handful of households: like ``by=ward``, no small
    cells are hidden.
    """
    period, previous = periods
    assert scope.id is not None  # a breakdown by former ward is of a one-ward scope
    totals, first = _group_totals(
        dates, needed, scope.id, firsts=previous is not None, slot="predecessor"
    )
    series = _series(totals, first)
    successions = (
        WardSuccession.objects.filter(ward_id=scope.id)
        .order_by("former_ward__code")
        .values_list("former_ward_id", "former_ward__code", "former_ward__name", "partly")
    )
    rows: list[dict[str, Any]] = [
        {"id": former_id, "code": code, "name": former_label(name), "partly": partly}
        for former_id, code, name, partly in successions
    ]
    rows.append({"id": None, "name": _("No former ward")})
    figures = _compared_rows(chosen, period, previous, series, [row["id"] for row in rows])
    return [
        {"predecessor": row, "metrics": metrics} for row, metrics in zip(rows, figures, strict=True)
    ]


def breakdown_table(breakdown: list[dict[str, Any]]) -> dict[str, Any]:
    """The compact shape of a breakdown: ``{"rows": [label, …], "metrics": {key: {field:
    [one item per row]}}}``.

    The same figures as the nested rows, each metric key and field name written once instead
    of once a row. A column holds a field that any entry of the metric has; ``no_previous``
    and ``no_value`` are null where an entry has no such field (``breakdown_rows`` reads the
    table back into the nested rows).
    """
    rows = [{name: label for name, label in row.items() if name != "metrics"} for row in breakdown]
    columns: dict[str, dict[str, list[Any]]] = {}
    keys = dict.fromkeys(key for row in breakdown for key in row["metrics"])
    for key in keys:
        entries = [row["metrics"].get(key, {}) for row in breakdown]
        present = {name for entry in entries for name in entry}
        columns[key] = {
            name: [entry.get(name) for entry in entries] for name in ENTRY_FIELDS if name in present
        }
    return {"rows": rows, "metrics": columns}


def breakdown_rows(table: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The nested rows of a ``breakdown_table`` (what a client does to read it back)."""
    rows: list[dict[str, Any]] = []
    for i, label in enumerate(table["rows"]):
        figures = {}
        for key, fields in table["metrics"].items():
            entry = {
                name: column[i]
                for name, column in fields.items()
                if name not in OPTIONAL_FIELDS or column[i] is not None
            }
            figures[key] = entry
        rows.append({**label, "metrics": figures})
    return rows
