"""Every figure from the rollup's running totals: the one computation every surface reads.

``metric_value`` computes one metric over one period from the ``Series`` of one slot (the
scope, a ward, a residential group), whatever else is asked for: a ratio or a span reads its
parts itself. ``compared`` adds the same period's value and the change, or says why there is
none. ``reports.statistics.selectors.stats_for`` answers with them and nothing else, and the
stats API, the dashboard's tiles, trends, ward ranking and group table, and the period reports
(.docx, .xlsx, .csv, print) all read ``stats_for``. Arithmetic is Decimal throughout;
percentages and changes are rounded half up to one decimal (docs/statistics.md).
"""

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from reports.statistics.metrics import (
    ANNUAL,
    COMPOSED,
    FLOW,
    METRICS,
    RATIO,
    SPAN,
    STOCK,
    Metric,
)
from wardsecurity.period_spec import Period, change

DAY = dt.timedelta(days=1)
ZERO = Decimal(0)
ONE_DECIMAL = Decimal("0.1")
# Why a figure has no same-period value to compare with (``no_previous`` in the API).
NO_DATA = "no_data"  # nothing was recorded for it yet (docs/statistics.md, "No data")
UNDEFINED = "undefined"  # a ratio whose denominator is zero in the same period
NOT_COMPARED = "not_compared"  # no comparison was asked for
# A small cell of a breakdown, hidden (reports.statistics.disclosure): its value too.
SUPPRESSED = "suppressed"
NO_PREVIOUS = (NO_DATA, UNDEFINED, NOT_COMPARED, SUPPRESSED)
# The key under which a ``Series`` holds the first day of its activity: the first day any
# counted-in-the-period figure (a flow or an annual one) has a row.
ACTIVITY = ""


def activity_keys() -> list[str]:
    """The metrics whose first rows say a scope had started recording what it does."""
    return [key for key, item in METRICS.items() if item.kind in (FLOW, ANNUAL)]


def first_day_keys(keys: Iterable[str]) -> list[str]:
    """Of the series read, those whose own first day matters (stocks: nothing existed yet)."""
    return [key for key in keys if METRICS[key].kind == STOCK]


@dataclass(frozen=True)
class Series:
    """The running totals of one slot: ``totals[(date, key)]`` is the sum of everything that
    fed ``key`` up to and including ``date``; ``first[key]`` the first day anything did (for
    a stock), ``first[ACTIVITY]`` the first day of any flow or annual figure."""

    totals: Mapping[tuple[dt.date, str], Decimal] = field(default_factory=dict)
    first: Mapping[str, dt.date] = field(default_factory=dict)

    def at(self, key: str, day: dt.date) -> Decimal:
        value = self.totals.get((day, key))
        if value is None:
            return ZERO
        return value if type(value) is Decimal else Decimal(value)

    def began(self, key: str, day: dt.date) -> bool:
        first = self.first.get(key)
        return first is not None and first <= day


class Value(NamedTuple):
    """A metric over a period; ``missing`` says why it is no base for a comparison.

    A named tuple, not a frozen dataclass: a page of 200 wards makes 60,000 of them, and a
    frozen dataclass's constructor costs several times a tuple's."""

    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    missing: str | None = None


def year_before(period: Period) -> dt.date:
    """The day before the year an annual figure counts for (the civil year of the end)."""
    return dt.date(period.end.year - 1, 12, 31)


def reading_dates(period: Period) -> list[dt.date]:
    """The dates whose running totals the figures of ``period`` need."""
    return [period.start - DAY, period.end, year_before(period)]


def read_keys(metrics: Iterable[Metric]) -> list[str]:
    """The rollup series the metrics are computed from (a ratio's or a span's parts)."""
    keys: list[str] = []
    for item in metrics:
        if item.kind in COMPOSED:
            assert item.parts is not None  # a ratio or a span always names its parts
            keys += list(item.parts)
        else:
            keys.append(item.key)
    return list(dict.fromkeys(keys))


def _percent(numerator: Decimal, denominator: Decimal) -> Decimal:
    return (numerator * 100 / denominator).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def metric_value(item: Metric, period: Period, series: Series) -> Value:
    """``item`` over ``period`` from the running totals of one slot (docs/statistics.md)."""
    before, end = period.start - DAY, period.end
    if item.kind == FLOW:  # no data: the slot had recorded no activity at all by the end
        value = series.at(item.key, end) - series.at(item.key, before)
        return Value(value, missing=None if series.began(ACTIVITY, end) else NO_DATA)
    if item.kind == STOCK:  # no data: nothing it counts existed yet
        value = series.at(item.key, end)
        return Value(value, missing=None if series.began(item.key, end) else NO_DATA)
    if item.kind == ANNUAL:  # no data: nothing was recorded for that year
        value = series.at(item.key, end) - series.at(item.key, year_before(period))
        return Value(value, missing=None if value else NO_DATA)
    assert item.parts is not None  # a ratio or a span always names its parts
    first, second = item.parts
    if item.kind == SPAN:  # the stock the day before the period, plus the flow in it
        value = series.at(first, before) + series.at(second, end) - series.at(second, before)
        return Value(value, missing=None if series.began(first, end) else NO_DATA)
    assert item.kind == RATIO, item.kind
    numerator = metric_value(METRICS[first], period, series)
    denominator = metric_value(METRICS[second], period, series)
    activity = numerator if item.activity_part == first else denominator
    if not denominator.value:
        return Value(None, numerator.value, denominator.value, activity.missing or UNDEFINED)
    # a ratio's numerator is a count or a span: it always has a value
    assert numerator.value is not None and denominator.value is not None
    value = _percent(numerator.value, denominator.value)
    return Value(value, numerator.value, denominator.value, activity.missing)


def number(value: Decimal | None) -> int | float | None:
    """A Decimal figure as JSON wants it: an int when whole, else a float that prints as it."""
    if value is None:
        return None
    if value.is_finite():
        whole = int(value)  # (cheaper than to_integral_value: 30,000 figures a page)
        if whole == value:
            return whole
    return float(value.normalize())


def _shown(item: Metric, value: Decimal | None) -> int | float | None:
    if item.kind == RATIO and value is not None:
        return float(value)  # a percentage keeps its decimal: 100.0
    return number(value)


def compared(
    item: Metric, period: Period, previous: Period | None, series: Series
) -> dict[str, Any]:
    """The API's entry for ``item``: its value over ``period`` and against ``previous``.

    ``{"value", "previous", "change", "change_pct"}``, plus ``"no_previous"`` (why
    ``previous`` is null) when it is, and a ratio's ``"numerator"`` and ``"denominator"``.
    """
    current = metric_value(item, period, series)
    value = _shown(item, current.value)
    entry: dict[str, Any] = {"value": value}
    if previous is None:
        entry.update(previous=None, change=None, change_pct=None, no_previous=NOT_COMPARED)
    else:
        base = metric_value(item, previous, series)
        if base.missing:
            entry.update(previous=None, change=None, change_pct=None, no_previous=base.missing)
        else:
            earlier = _shown(item, base.value)
            entry.update(previous=earlier, **change(value, earlier))
    if item.kind == RATIO:
        entry.update(numerator=number(current.numerator), denominator=number(current.denominator))
    return entry
