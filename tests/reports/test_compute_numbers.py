"""How a figure is written into JSON (``reports.statistics.compute``): the rollup's numeric
totals (three decimals in the database) come out as the numbers a user reads."""

import datetime as dt
import math
from decimal import Decimal

import pytest

from reports.statistics import compute
from reports.statistics.compute import Series, Value, metric_value, number
from reports.statistics.metrics import FLOW, METRICS
from wardsecurity.period_spec import parse_period


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (Decimal("5.000"), 5),
        (Decimal("0.000"), 0),
        (Decimal("-0.000"), 0),
        (Decimal("-12.000"), -12),
        (Decimal("1E+3"), 1000),
        (Decimal("2.500"), 2.5),
        (Decimal("-0.125"), -0.125),
        (Decimal("96.8"), 96.8),
        (None, None),
    ],
)
def test_a_whole_figure_is_an_int_and_any_other_a_float_that_prints_as_it(stored, shown):
    written = number(stored)
    assert written == shown
    assert type(written) is type(shown)


def test_a_figure_that_is_not_a_number_stays_one():
    assert math.isnan(number(Decimal("NaN")))


def test_a_series_reads_what_it_holds_as_decimals_and_nothing_as_zero():
    day = dt.date(2025, 3, 31)
    series = Series(totals={(day, "a"): Decimal("3.000"), (day, "b"): 4})
    assert series.at("a", day) == Decimal(3)
    assert series.at("b", day) == Decimal(4)
    assert type(series.at("b", day)) is Decimal
    assert series.at("c", day) == 0
    assert type(series.at("c", day)) is Decimal


def test_a_flow_over_a_period_is_its_total_at_the_end_less_the_day_before():
    flow = next(item for item in METRICS.values() if item.kind == FLOW)
    period = parse_period("month:2025-03")
    series = Series(
        totals={
            (dt.date(2025, 2, 28), flow.key): Decimal("10.000"),
            (dt.date(2025, 3, 31), flow.key): Decimal("17.000"),
        },
        first={"": dt.date(2025, 1, 5)},
    )
    assert metric_value(flow, period, series) == Value(Decimal(7))
    assert metric_value(flow, period, Series()) == Value(Decimal(0), missing="no_data")


def test_a_column_of_slots_gives_each_slot_the_entries_it_has_alone():
    """A breakdown computes each metric over all its rows at once (``compared_column``): every
    row's entry is the one its slot alone gets, whatever the rows beside it hold."""
    period = parse_period("quarter:2025-Q1")
    previous = period.same_period()
    days = compute.reading_dates(period) + compute.reading_dates(previous)
    keys = compute.read_keys(METRICS.values())
    busy = Series(
        totals={
            (day, key): Decimal(3 * n + i)
            for n, day in enumerate(days)
            for i, key in enumerate(keys)
        },
        first={key: dt.date(2023, 1, 1) for key in [*keys, compute.ACTIVITY]},
    )
    # Began this year: no base last year; every figure's parts zero at the end of last year.
    new = Series(
        totals={
            (day, key): Decimal("1.5") for day in compute.reading_dates(period) for key in keys
        },
        first={key: dt.date(2025, 1, 2) for key in [*keys, compute.ACTIVITY]},
    )
    slots = [busy, Series(), new, busy]
    for item in METRICS.values():
        for earlier in (previous, None):
            alone = [compute.compared(item, period, earlier, slot) for slot in slots]
            assert compute.compared_column(item, period, earlier, slots) == alone
    assert (
        compute.compared_column(METRICS[keys[0]], period, previous, slots)[0]["change"] is not None
    )
    kinds = {item.kind for item in METRICS.values()}
    assert kinds == {"flow", "stock", "ratio", "annual", "span"}
