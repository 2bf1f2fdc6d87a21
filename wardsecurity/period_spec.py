"""Period arithmetic (SPEC §6): named periods, the civil and reporting calendars, the same period.

A period is an inclusive span of local dates. Under the ``reporting`` calendar (Decree 09/2019)
month M runs from the boundary day of M-1 to the day before it in M (15 July – 14 August for
August) and year Y from 15 December Y-1 to 14 December Y; the boundary day is
``REPORTING_MONTH_START_DAY``.
"""

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

CIVIL = "civil"
REPORTING = "reporting"
CALENDARS = (CIVIL, REPORTING)
CALENDAR_LABELS = {
    CIVIL: gettext_lazy("civil calendar"),
    REPORTING: gettext_lazy("reporting calendar"),
}

# Named kinds are re-derived one year earlier for the same period (so February 2025 compares with
# all 29 days of February 2024); ``ytd`` and ``range`` are shifted date by date.
NAMED_KINDS = ("month", "quarter", "half", "year", "months")
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_RANGE_DAYS = 366 * 20

SPEC_FORMATS = (
    "month:2023-08",
    "quarter:2023-Q3",
    "half:2023-H1",
    "year:2023",
    "months:2023:8",
    "ytd:2023-08-20",
    "range:2023-01-01..2023-08-31",
)
DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"  # ASCII digits only: "\d" would accept full-width ones
_PATTERNS = {
    "month": re.compile(r"(?P<year>[0-9]{4})-(?P<number>[0-9]{1,2})"),
    "quarter": re.compile(r"(?P<year>[0-9]{4})-[Qq](?P<number>[1-4])"),
    "half": re.compile(r"(?P<year>[0-9]{4})-[Hh](?P<number>[12])"),
    "year": re.compile(r"(?P<year>[0-9]{4})"),
    "months": re.compile(r"(?P<year>[0-9]{4}):(?P<number>[0-9]{1,2})"),
    "ytd": re.compile(rf"(?P<end>{DATE})?"),  # bare "ytd:" means today
    "range": re.compile(rf"(?P<start>{DATE})\.\.(?P<end>{DATE})"),
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}

# How people write a period in a report or a search box, read besides the machine codes. The
# text is folded first (lower case, no accents, "đ" as "d", runs of spaces as one), so "Quý
# III/2023", "quy iii/2023" and "QUÝ 3 NĂM 2023" are one period. Shown in the error message.
WRITTEN_FORMATS = (
    "tháng 8/2023",
    "quý III/2023",
    "6 tháng đầu năm 2023",
    "6 tháng cuối năm 2023",
    "8 tháng đầu năm 2023",
    "năm 2023",
    "từ 15/12/2022 đến 14/06/2023",
)
_YEAR = r"(?P<year>[0-9]{4})"
_NUMBER = r"(?P<number>[0-9]{1,2})"
_OF_YEAR = rf"(?:\s*/\s*|\s+nam\s+|\s+of\s+|\s+)(?:nam\s+)?{_YEAR}"
_DMY = r"[0-9]{1,2}\s*/\s*[0-9]{1,2}\s*/\s*[0-9]{4}"
_WRITTEN = (
    ("month", re.compile(rf"(?:thang|month|t)\s*{_NUMBER}{_OF_YEAR}")),
    ("month", re.compile(rf"{_NUMBER}\s*/\s*{_YEAR}")),
    ("quarter", re.compile(rf"(?:quy|quarter|q)\s*(?P<quarter>iv|iii|ii|i|[1-4]){_OF_YEAR}")),
    ("half", re.compile(rf"6 thang (?P<half>dau|cuoi) nam\s+{_YEAR}")),
    ("half", re.compile(rf"(?P<half>first|last) 6 months of\s+{_YEAR}")),
    ("months", re.compile(rf"{_NUMBER} thang(?: dau)? nam\s+{_YEAR}")),
    ("months", re.compile(rf"first {_NUMBER} months of\s+{_YEAR}")),
    ("year", re.compile(rf"(?:nam|year)\s+{_YEAR}")),
    ("range", re.compile(rf"(?:tu|from)\s+(?P<start>{_DMY})\s+(?:den|to)\s+(?P<end>{_DMY})")),
    ("range", re.compile(rf"(?P<start>{_DMY})\s*(?:-|–|den|to)\s*(?P<end>{_DMY})")),
)
_ROMAN_NUMBERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"\s+", " ", plain).strip()


def _iso(day_month_year: str) -> str:
    """``15/12/2022`` as ``2022-12-15``; a date that does not exist is refused as written."""
    written = day_month_year.replace(" ", "")
    day, month, year = (int(part) for part in written.split("/"))
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        message = _("%(value)s is not a valid date (write it as dd/mm/yyyy).") % {"value": written}
        raise _invalid(message) from None


def read_written_period(text: str) -> str | None:
    """The machine code of a written period: "quý III/2023" gives ``quarter:2023-Q3``.

    None when ``text`` is no written period. A date that does not exist is refused here; the
    other values (a month 13) are checked by ``parse_period`` on the code, with its messages.
    """
    folded = _fold(text)
    for kind, pattern in _WRITTEN:
        match = pattern.fullmatch(folded)
        if match is None:
            continue
        parts = match.groupdict()
        if kind == "month":
            return f"month:{parts['year']}-{parts['number']}"
        if kind == "quarter":
            quarter = parts["quarter"]
            number = _ROMAN_NUMBERS.get(quarter) or int(quarter)
            return f"quarter:{parts['year']}-Q{number}"
        if kind == "half":
            return f"half:{parts['year']}-H{1 if parts['half'] in ('dau', 'first') else 2}"
        if kind == "months":
            if parts["number"] == "6":
                return f"half:{parts['year']}-H1"
            return f"months:{parts['year']}:{parts['number']}"
        if kind == "year":
            return f"year:{parts['year']}"
        return f"range:{_iso(parts['start'])}..{_iso(parts['end'])}"
    return None


def boundary_day() -> int:
    """The first day of a reporting month (15 unless configured)."""
    return settings.REPORTING_MONTH_START_DAY


def month_span(year: int, month: int, calendar: str = CIVIL) -> tuple[dt.date, dt.date]:
    """First and last day of ``month`` of ``year`` in ``calendar``."""
    if calendar == CIVIL:
        start = dt.date(year, month, 1)
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return start, following - dt.timedelta(days=1)
    day = boundary_day()
    previous_year, previous_month = (year - 1, 12) if month == 1 else (year, month - 1)
    return dt.date(previous_year, previous_month, day), dt.date(year, month, day - 1)


def month_of(day: dt.date, calendar: str = CIVIL) -> tuple[int, int]:
    """The (year, month) of ``calendar`` that contains ``day``."""
    if calendar == REPORTING and day.day >= boundary_day():
        return (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return day.year, day.month


def _months_span(year: int, first: int, last: int, calendar: str) -> tuple[dt.date, dt.date]:
    return month_span(year, first, calendar)[0], month_span(year, last, calendar)[1]


def _last_year(day: dt.date) -> dt.date:
    """The same date a year earlier; 29 February becomes 28 February."""
    if day.month == 2 and day.day == 29:
        return dt.date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Period:
    """An inclusive span of local dates, with the spec and calendar it was read from."""

    start: dt.date
    end: dt.date
    spec: str
    calendar: str = CIVIL
    kind: str = "range"
    year: int | None = None
    number: int | None = None  # month, quarter, half or N of "first N months"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def same_period(self) -> "Period":
        """The same span one year earlier."""
        if self.kind in NAMED_KINDS and self.year is not None:
            return _named(self.kind, self.year - 1, self.number, self.calendar)
        start, end = _last_year(self.start), _last_year(self.end)
        if self.kind == "ytd":
            return Period(start, end, f"ytd:{end.isoformat()}", self.calendar, "ytd")
        return Period(start, end, f"range:{start.isoformat()}..{end.isoformat()}", self.calendar)

    def months(self) -> list["Period"]:
        """The months of this period's calendar that overlap it, each clipped to the period."""
        result: list[Period] = []
        year, month = month_of(self.start, self.calendar)
        while True:
            start, end = month_span(year, month, self.calendar)
            if start > self.end:
                return result
            clipped = Period(
                max(start, self.start),
                min(end, self.end),
                f"month:{year:04d}-{month:02d}",
                self.calendar,
                "month",
                year,
                month,
            )
            result.append(clipped)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)

    def compared_months(self) -> list[tuple["Period", "Period"]]:
        """Each of ``months()`` with what it is compared with: the same month a year earlier,
        clipped to this period's same period. A whole month compares with the whole month (all
        29 days of a February); the clipped first and last months of a range or a year to date
        with the same days a year earlier — so the months' same periods tile the period's, and
        a flow's figures a year earlier add up to the period's."""
        earlier = self.same_period()
        result = []
        for month in self.months():
            whole = _named("month", (month.year or 0) - 1, month.number, self.calendar)
            start, end = max(whole.start, earlier.start), min(whole.end, earlier.end)
            result.append((month, replace(whole, start=start, end=end)))
        return result

    @property
    def span_label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"

    @property
    def label(self) -> str:
        """How a report names the period, in the active language ("8 tháng đầu năm 2023")."""
        values = {"year": self.year, "number": self.number}
        if self.kind == "month":
            return _("month %(number)d/%(year)d") % values
        if self.kind == "quarter":
            roman = ROMAN[self.number or 1]
            return _("quarter %(roman)s/%(year)d") % {"roman": roman, "year": self.year}
        if self.kind == "half":
            if self.number == 1:
                return _("first 6 months of %(year)d") % values
            return _("last 6 months of %(year)d") % values
        if self.kind == "year":
            return _("year %(year)d") % values
        if self.kind == "months":
            return _("first %(number)d months of %(year)d") % values
        return _("from %(start)s to %(end)s") % {
            "start": f"{self.start:%d/%m/%Y}",
            "end": f"{self.end:%d/%m/%Y}",
        }

    def as_dict(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


def _named(kind: str, year: int, number: int | None, calendar: str) -> Period:
    if kind == "year":
        start, end = _months_span(year, 1, 12, calendar)
        return Period(start, end, f"year:{year:04d}", calendar, kind, year, None)
    if number is None:
        raise ValueError(f"a {kind} period needs its number")
    if kind == "month":
        start, end = month_span(year, number, calendar)
        spec = f"month:{year:04d}-{number:02d}"
    elif kind == "quarter":
        start, end = _months_span(year, 3 * number - 2, 3 * number, calendar)
        spec = f"quarter:{year:04d}-Q{number}"
    elif kind == "half":
        start, end = _months_span(year, 6 * number - 5, 6 * number, calendar)
        spec = f"half:{year:04d}-H{number}"
    else:
        start, end = _months_span(year, 1, number, calendar)
        spec = f"months:{year:04d}:{number}"
    return Period(start, end, spec, calendar, kind, year, number)


def _invalid(message: str) -> ValidationError:
    return ValidationError(message, code="invalid_period")


def _year_out_of_range() -> ValidationError:
    bounds = {"min": MIN_YEAR, "max": MAX_YEAR}
    return _invalid(_("The year must be between %(min)d and %(max)d.") % bounds)


def _parse_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        message = _("%(value)s is not a valid date (use YYYY-MM-DD).") % {"value": text}
        raise _invalid(message) from None


def parse_period(spec: str, *, calendar: str = CIVIL, today: dt.date | None = None) -> Period:
    """Read a period such as ``months:2023:8`` or "8 tháng đầu năm 2023".

    The machine codes of ``SPEC_FORMATS`` and the written forms of ``WRITTEN_FORMATS`` (in
    Vietnamese, with or without accents, or in English) are read; a ``ValidationError`` explains
    any mistake.
    """
    if calendar not in CALENDARS:
        raise _invalid(_("Unknown calendar; use civil or reporting."))
    text = (spec or "").strip()
    kind, _sep, rest = text.partition(":")
    pattern = _PATTERNS.get(kind)
    match = pattern.fullmatch(rest) if pattern else None
    if match is None:
        written = read_written_period(text)
        if written is None:
            raise _invalid(
                _("Unknown period. Write it as %(written)s, or use one of: %(formats)s.")
                % {"written": "; ".join(WRITTEN_FORMATS), "formats": ", ".join(SPEC_FORMATS)}
            )
        return parse_period(written, calendar=calendar, today=today)
    parts = match.groupdict()
    if kind in NAMED_KINDS:
        year = int(parts["year"])
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise _year_out_of_range()
        number = int(parts["number"]) if parts.get("number") else None
        if kind in ("month", "months") and (number is None or not 1 <= number <= 12):
            raise _invalid(_("The month must be between 1 and 12."))
        return _named(kind, year, number, calendar)

    if kind == "ytd" and not parts["end"]:
        end = today or timezone.localdate()
        rest = end.isoformat()
    else:
        end = _parse_date(parts["end"])
    if kind == "ytd":
        year, _month = month_of(end, calendar)
        start = month_span(year, 1, calendar)[0]
    else:
        start = _parse_date(parts["start"])
    if start > end:
        raise _invalid(_("The period must not end before it starts."))
    if start.year < MIN_YEAR or end.year > MAX_YEAR:
        raise _year_out_of_range()
    if (end - start).days >= MAX_RANGE_DAYS:
        raise _invalid(_("A period can span at most 20 years."))
    return Period(start, end, f"{kind}:{rest}", calendar, kind)


ONE_DECIMAL = Decimal("0.1")


def exact(value: int | float | Decimal) -> Decimal:
    """A figure as the Decimal it prints as (a float's shortest repr, not its binary value)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def one_decimal(value: Decimal) -> float:
    """``value`` rounded half away from zero to one decimal, as the JSON number that prints so."""
    return float(value.quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP))


def change(value: float | None, previous: float | None) -> dict[str, float | int | None]:
    """The difference from the same period and the % change, in decimal arithmetic.

    A difference of whole numbers stays whole; any other is rounded half away from zero to one
    decimal (96.8 - 95.2 is 1.6, never 1.5999999999999943), as is the % change.
    """
    if value is None or previous is None:
        return {"change": None, "change_pct": None}
    shown: float | int
    if type(value) is int and type(previous) is int:  # counts: read as Decimals without str()
        shown = value - previous
        difference, base = Decimal(shown), Decimal(previous)
    else:
        difference, base = exact(value) - exact(previous), exact(previous)
        shown = one_decimal(difference)
    if not previous:
        return {"change": shown, "change_pct": None}
    return {"change": shown, "change_pct": one_decimal(difference * 100 / base)}
