"""Every figure from the rollup's running totals: the one computation every surface reads.

``metric_values`` computes one metric over one period from the ``Series`` of each slot (the
scope, a ward, a residential group), whatever else is asked for: a ratio or a span reads its
parts itself. ``compared_column`` adds the same period's value and the change, or says why
there is none; ``metric_value`` and ``compared`` are the same for one slot. A breakdown's page
computes a metric at a time over all its rows, so what each entry costs is the arithmetic, not
reading the metric's kind and the period's dates again.
``reports.statistics.selectors.stats_for`` answers with them and nothing else, and the stats
API, the dashboard's tiles, trends, ward ranking and group table, and the period reports
(.docx, .xlsx, .csv, print) all read ``stats_for``. Arithmetic is Decimal throughout;
percentages and changes are rounded half up to one decimal (docs/statistics.md).
"""

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
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


def metric_values(item: Metric, period: Period, slots: Sequence[Series]) -> list[Value]:
    """``item`` over ``period`` from the running totals of each slot (docs/statistics.md).

    One pass a metric over every slot of a page: its kind and the period's dates are read once,
    not once an entry (a page of 200 wards × 150 metrics is 30,000 entries)."""
    before, end = period.start - DAY, period.end
    kind = item.kind
    if kind == FLOW:  # no data: the slot had recorded no activity at all by the end
        key = item.key
        return [
            Value(
                s.at(key, end) - s.at(key, before),
                None,
                None,
                None if s.began(ACTIVITY, end) else NO_DATA,
            )
            for s in slots
        ]
    if kind == STOCK:  # no data: nothing it counts existed yet
        key = item.key
        return [
            Value(s.at(key, end), None, None, None if s.began(key, end) else NO_DATA) for s in slots
        ]
    if kind == ANNUAL:  # no data: nothing was recorded for that year
        key, start = item.key, year_before(period)
        values = [s.at(key, end) - s.at(key, start) for s in slots]
        return [Value(value, None, None, None if value else NO_DATA) for value in values]
    assert item.parts is not None  # a ratio or a span always names its parts
    first, second = item.parts
    if kind == SPAN:  # the stock the day before the period, plus the flow in it
        return [
            Value(
                s.at(first, before) + s.at(second, end) - s.at(second, before),
                None,
                None,
                None if s.began(first, end) else NO_DATA,
            )
            for s in slots
        ]
    assert kind == RATIO, kind
    numerators = metric_values(METRICS[first], period, slots)
    denominators = metric_values(METRICS[second], period, slots)
    activities = numerators if item.activity_part == first else denominators
    ratios: list[Value] = []
    for numerator, denominator, activity in zip(numerators, denominators, activities, strict=True):
        if not denominator.value:
            missing = activity.missing or UNDEFINED
            ratios.append(Value(None, numerator.value, denominator.value, missing))
        else:
            # a ratio's numerator is a count or a span: it always has a value
            assert numerator.value is not None
            value = _percent(numerator.value, denominator.value)
            ratios.append(Value(value, numerator.value, denominator.value, activity.missing))
    return ratios


def metric_value(item: Metric, period: Period, series: Series) -> Value:
    """``item`` over ``period`` from the running totals of one slot (``metric_values``)."""
    return metric_values(item, period, (series,))[0]


def number(value: Decimal | None) -> int | float | None:
    """A Decimal figure as JSON wants it: an int when whole, else a float that prints as it."""
    if value is None:
        return None
    if value.is_finite():
        whole = int(value)  # (cheaper than to_integral_value: 30,000 figures a page)
        if whole == value:
            return whole
    return float(value.normalize())


def _percentage(value: Decimal | None) -> float | None:
    """A ratio's figure: a percentage keeps its decimal (100.0)."""
    return None if value is None else float(value)


def compared_column(
    item: Metric, period: Period, previous: Period | None, slots: Sequence[Series]
) -> list[dict[str, Any]]:
    """The API's entries for ``item``, one a slot: its value over ``period`` and against
    ``previous``.

    ``{"value", "previous", "change", "change_pct"}``, plus ``"no_previous"`` (why
    ``previous`` is null) when it is, and a ratio's ``"numerator"`` and ``"denominator"``.
    """
    shown = _percentage if item.kind == RATIO else number
    current = metric_values(item, period, slots)
    entries: list[dict[str, Any]]
    if previous is None:
        entries = [
            {
                "value": shown(now.value),
                "previous": None,
                "change": None,
                "change_pct": None,
                "no_previous": NOT_COMPARED,
            }
            for now in current
        ]
    else:
        entries = []
        for now, base in zip(current, metric_values(item, previous, slots), strict=True):
            value = shown(now.value)
            if base.missing:
                entries.append(
                    {
                        "value": value,
                        "previous": None,
                        "change": None,
                        "change_pct": None,
                        "no_previous": base.missing,
                    }
                )
            else:
                earlier = shown(base.value)
                entries.append({"value": value, "previous": earlier, **change(value, earlier)})
    if item.kind == RATIO:
        for entry, now in zip(entries, current, strict=True):
            entry["numerator"] = number(now.numerator)
            entry["denominator"] = number(now.denominator)
    return entries


def compared(
    item: Metric, period: Period, previous: Period | None, series: Series
) -> dict[str, Any]:
    """The API's entry for ``item`` in one slot (``compared_column``)."""
    return compared_column(item, period, previous, (series,))[0]
