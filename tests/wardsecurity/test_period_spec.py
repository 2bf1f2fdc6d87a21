"""Period arithmetic (SPEC §6): calendars, named periods, the same period, leap days, bad specs."""

import datetime as dt
import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from wardsecurity.period_spec import (
    REPORTING,
    change,
    month_of,
    month_span,
    parse_period,
)

D = dt.date


def span(spec, calendar="civil"):
    period = parse_period(spec, calendar=calendar)
    return period.start, period.end


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2023, 8, 14), (2023, 8)),  # the last day of reporting-August
        (D(2023, 8, 15), (2023, 9)),  # the first day of reporting-September
        (D(2023, 12, 14), (2023, 12)),
        (D(2023, 12, 15), (2024, 1)),  # the reporting year 2024 starts on 15 December 2023
        (D(2024, 1, 1), (2024, 1)),
    ],
)
def test_reporting_month_boundaries(day, expected):
    assert month_of(day, REPORTING) == expected
    start, end = month_span(*expected, REPORTING)
    assert start <= day <= end


def test_civil_month_of_is_the_date_month():
    assert month_of(D(2023, 8, 15)) == (2023, 8)


@pytest.mark.parametrize(
    ("spec", "calendar", "expected"),
    [
        ("month:2023-08", "civil", (D(2023, 8, 1), D(2023, 8, 31))),
        ("month:2023-08", "reporting", (D(2023, 7, 15), D(2023, 8, 14))),
        ("month:2023-01", "reporting", (D(2022, 12, 15), D(2023, 1, 14))),
        ("quarter:2023-Q3", "civil", (D(2023, 7, 1), D(2023, 9, 30))),
        ("quarter:2023-q1", "reporting", (D(2022, 12, 15), D(2023, 3, 14))),
        ("half:2023-H1", "civil", (D(2023, 1, 1), D(2023, 6, 30))),
        ("half:2023-H2", "reporting", (D(2023, 6, 15), D(2023, 12, 14))),
        ("year:2023", "civil", (D(2023, 1, 1), D(2023, 12, 31))),
        ("year:2023", "reporting", (D(2022, 12, 15), D(2023, 12, 14))),
        ("months:2023:8", "civil", (D(2023, 1, 1), D(2023, 8, 31))),
        ("months:2023:8", "reporting", (D(2022, 12, 15), D(2023, 8, 14))),
        ("ytd:2023-08-20", "civil", (D(2023, 1, 1), D(2023, 8, 20))),
        ("ytd:2023-12-20", "reporting", (D(2023, 12, 15), D(2023, 12, 20))),
        ("range:2023-01-01..2023-08-31", "reporting", (D(2023, 1, 1), D(2023, 8, 31))),
        ("range:2023-05-05..2023-05-05", "civil", (D(2023, 5, 5), D(2023, 5, 5))),
    ],
)
def test_named_periods(spec, calendar, expected):
    assert span(spec, calendar) == expected


def test_bare_ytd_ends_today():
    period = parse_period("ytd:", today=D(2024, 3, 9))
    assert (period.start, period.end) == (D(2024, 1, 1), D(2024, 3, 9))


def test_boundary_day_is_a_setting(settings):
    settings.REPORTING_MONTH_START_DAY = 21
    assert span("month:2023-08", "reporting") == (D(2023, 7, 21), D(2023, 8, 20))


@pytest.mark.parametrize(
    ("spec", "calendar", "expected"),
    [
        # A named period is re-derived: February 2025 compares with all of February 2024.
        ("month:2025-02", "civil", (D(2024, 2, 1), D(2024, 2, 29))),
        ("month:2024-02", "civil", (D(2023, 2, 1), D(2023, 2, 28))),
        ("month:2025-03", "reporting", (D(2024, 2, 15), D(2024, 3, 14))),
        ("months:2023:8", "civil", (D(2022, 1, 1), D(2022, 8, 31))),
        ("months:2023:8", "reporting", (D(2021, 12, 15), D(2022, 8, 14))),
        # Dates are shifted; 29 February becomes 28 February.
        ("range:2024-02-01..2024-02-29", "civil", (D(2023, 2, 1), D(2023, 2, 28))),
        ("range:2024-02-29..2024-02-29", "civil", (D(2023, 2, 28), D(2023, 2, 28))),
        ("ytd:2024-02-29", "civil", (D(2023, 1, 1), D(2023, 2, 28))),
    ],
)
def test_same_period_one_year_earlier(spec, calendar, expected):
    previous = parse_period(spec, calendar=calendar).same_period()
    assert (previous.start, previous.end) == expected
    assert previous.calendar == calendar


def test_months_of_a_reporting_range_are_clipped():
    period = parse_period("range:2023-07-01..2023-09-10", calendar="reporting")
    months = [(m.spec, m.start, m.end) for m in period.months()]
    assert months == [
        ("month:2023-07", D(2023, 7, 1), D(2023, 7, 14)),
        ("month:2023-08", D(2023, 7, 15), D(2023, 8, 14)),
        ("month:2023-09", D(2023, 8, 15), D(2023, 9, 10)),
    ]


def spans(pairs):
    return [((m.start, m.end), (e.start, e.end)) for m, e in pairs]


@pytest.mark.parametrize(
    ("spec", "calendar", "expected"),
    [
        # A whole month is compared with the whole month; the clipped last one with its days.
        ("ytd:2022-05-10", "civil", [
            *(((D(2022, m, 1), month_span(2022, m)[1]), month_span(2021, m)) for m in (1, 2, 3, 4)),
            ((D(2022, 5, 1), D(2022, 5, 10)), (D(2021, 5, 1), D(2021, 5, 10))),
        ]),
        # Reporting May runs 15 April – 14 May; a range from 3 May compares with 3–14 May.
        ("range:2022-05-03..2022-07-20", "reporting", [
            ((D(2022, 5, 3), D(2022, 5, 14)), (D(2021, 5, 3), D(2021, 5, 14))),
            ((D(2022, 5, 15), D(2022, 6, 14)), (D(2021, 5, 15), D(2021, 6, 14))),
            ((D(2022, 6, 15), D(2022, 7, 14)), (D(2021, 6, 15), D(2021, 7, 14))),
            ((D(2022, 7, 15), D(2022, 7, 20)), (D(2021, 7, 15), D(2021, 7, 20))),
        ]),
        # All 29 days of February 2024 within a year to 10 March 2025; to 28 February 2025 the
        # period is shifted date by date (to 28 February 2024), and so is its February.
        ("ytd:2025-03-10", "civil", [
            ((D(2025, 1, 1), D(2025, 1, 31)), (D(2024, 1, 1), D(2024, 1, 31))),
            ((D(2025, 2, 1), D(2025, 2, 28)), (D(2024, 2, 1), D(2024, 2, 29))),
            ((D(2025, 3, 1), D(2025, 3, 10)), (D(2024, 3, 1), D(2024, 3, 10))),
        ]),
        ("ytd:2025-02-28", "civil", [
            ((D(2025, 1, 1), D(2025, 1, 31)), (D(2024, 1, 1), D(2024, 1, 31))),
            ((D(2025, 2, 1), D(2025, 2, 28)), (D(2024, 2, 1), D(2024, 2, 28))),
        ]),
        ("range:2024-02-29..2024-03-02", "civil", [
            ((D(2024, 2, 29), D(2024, 2, 29)), (D(2023, 2, 28), D(2023, 2, 28))),
            ((D(2024, 3, 1), D(2024, 3, 2)), (D(2023, 3, 1), D(2023, 3, 2))),
        ]),
    ],
)  # fmt: skip
def test_each_month_is_compared_with_its_days_a_year_earlier(spec, calendar, expected):
    pairs = parse_period(spec, calendar=calendar).compared_months()
    assert spans(pairs) == expected
    assert [earlier.calendar for _month, earlier in pairs] == [calendar] * len(expected)


@given(
    start=st.dates(min_value=D(1995, 1, 1), max_value=D(2095, 12, 31)),
    days=st.integers(0, 800),
    kind=st.sampled_from(["range", "ytd", "month", "quarter", "half", "year", "months"]),
    calendar=st.sampled_from(["civil", "reporting"]),
)
def test_the_months_same_periods_tile_the_periods(start, days, kind, calendar):
    """Without a gap or an overlap, from the same period's first day to its last."""
    end = start + dt.timedelta(days=days)
    spec = {
        "range": f"range:{start}..{end}",
        "ytd": f"ytd:{start}",
        "month": f"month:{start:%Y-%m}",
        "quarter": f"quarter:{start.year}-Q{1 + (start.month - 1) // 3}",
        "half": f"half:{start.year}-H{1 + (start.month > 6)}",
        "year": f"year:{start.year}",
        "months": f"months:{start.year}:{start.month}",
    }[kind]
    period = parse_period(spec, calendar=calendar)
    earlier = period.same_period()
    pairs = period.compared_months()
    assert [month for month, _earlier in pairs] == period.months()
    assert pairs[0][1].start == earlier.start and pairs[-1][1].end == earlier.end
    for (_m1, before), (_m2, after) in itertools.pairwise(pairs):
        assert before.start <= before.end
        assert after.start == before.end + dt.timedelta(days=1)


def test_first_eight_months_have_eight_months():
    months = parse_period("months:2023:8").months()
    assert [m.number for m in months] == [1, 2, 3, 4, 5, 6, 7, 8]


@given(
    day=st.dates(min_value=D(1995, 1, 1), max_value=D(2095, 12, 31)),
    calendar=st.sampled_from(["civil", "reporting"]),
)
def test_every_day_falls_in_exactly_one_month_of_its_year(day, calendar):
    year, month = month_of(day, calendar)
    start, end = month_span(year, month, calendar)
    assert start <= day <= end
    months = parse_period(f"year:{year}", calendar=calendar).months()
    assert len(months) == 12
    for before, after in itertools.pairwise(months):
        assert after.start == before.end + dt.timedelta(days=1)
    assert sum(m.days for m in months) == parse_period(f"year:{year}", calendar=calendar).days


def test_labels_in_vietnamese_and_english():
    with translation.override("vi"):
        assert parse_period("months:2023:8").label == "8 tháng đầu năm 2023"
        assert parse_period("month:2023-08").label == "tháng 8/2023"
        assert parse_period("quarter:2023-Q3").label == "quý III/2023"
        assert parse_period("half:2023-H1").label == "6 tháng đầu năm 2023"
        assert parse_period("year:2023").label == "năm 2023"
        assert parse_period("range:2023-01-01..2023-08-31").label == "từ 01/01/2023 đến 31/08/2023"
    with translation.override("en"):
        assert parse_period("months:2023:8").label == "first 8 months of 2023"


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "2023-08",
        "week:2023-33",
        "month:2023-13",
        "month:2023-00",
        "month:2023-8-1",
        "quarter:2023-Q5",
        "half:2023-H3",
        "months:2023:0",
        "months:2023:13",
        "year:1800",
        "year:２０２３",  # full-width digits
        "year:٢٠٢٣",  # Arabic-Indic digits
        "ytd:2023-02-30",
        "range:2023-08-31..2023-01-01",
        "range:2023-02-30..2023-03-01",
        "range:1900-01-01..2023-01-01",
        "range:2023-01-01",
        "month:2023-08\x00",
    ],
)
def test_bad_specs_are_refused_with_a_translated_message(spec):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        parse_period(spec)
    assert error.value.code == "invalid_period"
    message = error.value.messages[0]
    assert message and message.isascii() is False, message  # Vietnamese, with diacritics


def test_unknown_calendar_is_refused():
    with translation.override("vi"), pytest.raises(ValidationError, match="lịch"):
        parse_period("year:2023", calendar="lunar")


@pytest.mark.parametrize(
    ("value", "previous", "expected"),
    [
        (5, 18, {"change": -13, "change_pct": -72.2}),  # Tĩnh Gia, first 8 months of 2023
        (20, 18, {"change": 2, "change_pct": 11.1}),
        (449, 400, {"change": 49, "change_pct": 12.3}),  # 12.25 rounds half away from zero
        (351, 400, {"change": -49, "change_pct": -12.3}),  # and -12.25 away from zero too
        (7, 7, {"change": 0, "change_pct": 0.0}),
        (3, 0, {"change": 3, "change_pct": None}),  # no % change from nothing
        (None, 4, {"change": None, "change_pct": None}),
    ],
)
def test_change_against_the_same_period(value, previous, expected):
    answer = change(value, previous)
    assert answer == expected
    # A change of two counts is a count: an int, never 2.0.
    assert [type(answer[k]) for k in expected] == [type(expected[k]) for k in expected]


@pytest.mark.parametrize(
    ("written", "spec"),
    [
        ("tháng 8/2023", "month:2023-08"),
        ("Tháng 08/2023", "month:2023-08"),
        ("tháng 8 năm 2023", "month:2023-08"),
        ("thang 8/2023", "month:2023-08"),  # typed without accents
        ("T8/2023", "month:2023-08"),
        ("8/2023", "month:2023-08"),
        ("8 tháng đầu năm 2023", "months:2023:8"),
        ("9 tháng năm 2023", "months:2023:9"),
        ("quý III/2023", "quarter:2023-Q3"),
        ("Quý 3/2023", "quarter:2023-Q3"),
        ("QUÝ IV NĂM 2023", "quarter:2023-Q4"),
        ("6 tháng đầu năm 2023", "half:2023-H1"),
        ("6 tháng cuối năm 2023", "half:2023-H2"),
        ("năm 2023", "year:2023"),
        ("năm  2013", "year:2013"),
        ("từ 15/12/2022 đến 14/06/2023", "range:2022-12-15..2023-06-14"),
        ("15/12/2022 - 14/6/2023", "range:2022-12-15..2023-06-14"),
        ("first 8 months of 2023", "months:2023:8"),
        ("quarter III/2023", "quarter:2023-Q3"),
        ("from 15/12/2022 to 14/06/2023", "range:2022-12-15..2023-06-14"),
    ],
)
def test_periods_written_as_people_write_them(written, spec):
    assert parse_period(written) == parse_period(spec)


@given(
    kind=st.sampled_from(["month", "quarter", "half", "year", "months", "range"]),
    year=st.integers(2013, 2030),
    number=st.integers(1, 12),
    calendar=st.sampled_from(["civil", REPORTING]),
    language=st.sampled_from(["vi", "en"]),
)
def test_every_label_reads_back_as_its_period(kind, year, number, calendar, language):
    """The name a report prints for a period is accepted in the period box, in both languages."""
    specs = {
        "month": f"month:{year}-{number}",
        "quarter": f"quarter:{year}-Q{(number - 1) // 3 + 1}",
        "half": f"half:{year}-H{(number - 1) // 6 + 1}",
        "year": f"year:{year}",
        "months": f"months:{year}:{number}",
        "range": f"range:{year - 1}-12-15..{year}-{number:02d}-14",
    }
    period = parse_period(specs[kind], calendar=calendar)
    with translation.override(language):
        read_back = parse_period(str(period.label), calendar=calendar)
    assert (read_back.start, read_back.end) == (period.start, period.end)


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("tháng 13/2023", "Tháng phải từ 1 đến 12"),
        ("quý V/2023", "quý III/2023"),  # the message shows how to write one
        ("từ 31/02/2023 đến 01/03/2023", "31/02/2023 không phải là ngày hợp lệ"),
        ("từ 14/06/2023 đến 15/12/2022", "không được trước ngày bắt đầu"),
        ("năm 1800", "1990"),
        ("tháng ８/2023", "quý III/2023"),  # full-width digit
    ],
)
def test_bad_written_periods_are_refused_in_vietnamese(written, says):
    with translation.override("vi"), pytest.raises(ValidationError) as error:
        parse_period(written)
    assert error.value.code == "invalid_period"
    assert says in error.value.messages[0]


@pytest.mark.parametrize(
    ("value", "previous", "expected"),
    [
        (96.8, 95.2, {"change": 1.6, "change_pct": 1.7}),  # float arithmetic gives 1.5999999…
        (0.3, 0.1, {"change": 0.2, "change_pct": 200.0}),
        (100.0, 96.75, {"change": 3.3, "change_pct": 3.4}),  # 3.25 rounds half away from zero
        (12.25, 0.0, {"change": 12.3, "change_pct": None}),
    ],
)
def test_changes_of_ratios_have_no_float_noise(value, previous, expected):
    assert change(value, previous) == expected
