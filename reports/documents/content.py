"""The period report as data: built from a statistics answer, rendered by docx/xlsx/csv/print."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from households.models import WardSuccession, former_label
from reports.documents.layout import SECTIONS, Item
from reports.figures.numbers import Unit, comparison, format_number, format_percent
from reports.figures.scope import ReportScope
from wardsecurity.period_spec import Period


@dataclass(frozen=True)
class Figure:
    """One line of the report: a metric, its value and the same period's."""

    key: str
    label: str
    unit: Unit
    value: object
    previous: object = None
    change: object = None
    change_pct: object = None
    level: int = 0  # 1 for the kinds listed under a total ("of which")
    no_previous: str | None = None  # why there is no same-period figure (the statistics say)
    numerator: object = None  # a ratio's parts
    denominator: object = None
    zero_text: str | None = None  # the sentence of a nil figure (``Item.zero_text``)

    @property
    def value_text(self) -> str:
        return self.unit.format(self.value)

    @property
    def previous_text(self) -> str:
        return self.unit.format(self.previous)

    @property
    def change_text(self) -> str:
        if self.change is None:
            return ""
        sign = "+" if Decimal(str(self.change)) > 0 else ""
        if self.unit.kind == "percent":
            return sign + format_number(self.change, decimals=1)
        return sign + self.unit.amount(self.change)

    @property
    def change_pct_text(self) -> str:
        if self.change_pct is None or self.unit.kind == "percent":
            return ""
        return format_percent(self.change_pct, signed=True)

    @property
    def comparison(self) -> str:
        return comparison(
            self.value, self.previous, self.unit, self.change, self.change_pct, self.no_previous
        )

    @property
    def parts_text(self) -> str:
        """A rate's parts, ``3.993/4.126``: what it is computed from."""
        if self.numerator is None or self.denominator is None:
            return ""
        return f"{format_number(self.numerator)}/{format_number(self.denominator)}"

    @property
    def sentence(self) -> str:
        """``Incidents recorded: 5 vụ, giảm 13 vụ (72,2%) so với cùng kỳ.``"""
        if self.zero_text and self.value is not None and Decimal(str(self.value)) == 0:
            # "Không để xảy ra án …", and the same period only when it differed.
            changed = self.change is not None and Decimal(str(self.change)) != 0
            return self.zero_text + (f", {self.comparison}" if changed else "") + "."
        text = f"{self.label}: {self.value_text}"
        if self.value is not None and self.parts_text:
            text += f" ({self.parts_text})"
        if self.comparison:
            text += f", {self.comparison}"
        return text + "."


@dataclass(frozen=True)
class Heading:
    number: int
    title: str
    figures: tuple


@dataclass(frozen=True)
class Section:
    number: str
    title: str
    headings: tuple

    @property
    def figures(self):
        return [figure for heading in self.headings for figure in heading.figures]


@dataclass(frozen=True)
class Letterhead:
    """The Decree 30/2020 parts that name who reports, where and when."""

    superior: str  # the governing body, above the issuer ("CÔNG AN TỈNH KHÁNH HÒA")
    issuer: str  # "CÔNG AN PHƯỜNG BA NGÒI"
    number: str  # "Số:      /BC-CAP"
    place_date: str  # "Ba Ngòi, ngày 22 tháng 11 năm 2026"
    signer: str  # "TRƯỞNG CÔNG AN PHƯỜNG"
    recipients: tuple


@dataclass(frozen=True)
class Report:
    scope: ReportScope
    period: Period
    compare: dict | None
    as_of: dt.datetime | None
    issued_on: dt.date
    letterhead: Letterhead
    sections: tuple = field(default_factory=tuple)
    # For a period ending before 1 July 2025: the units of the old map the ward was made of,
    # as written after the merger ("phường Hải Hòa (cũ)"); empty otherwise (docs/domain.md).
    predecessors: tuple = field(default_factory=tuple)

    @property
    def territory(self) -> str:
        """ "Phường Tĩnh Gia, gồm phường Hải Hòa (cũ), …": the figures' ward on the old map."""
        if not self.predecessors:
            return ""
        return _("%(ward)s, comprising %(former)s") % {
            "ward": self.scope.name,
            "former": ", ".join(self.predecessors),
        }

    @property
    def title(self) -> str:
        return _("Results of the All People Protect National Security movement, %(period)s") % {
            "period": self.period.label
        }

    @property
    def span(self) -> str:
        """The dates covered and compared, in words."""
        text = _("Figures from %(start)s to %(end)s") % {
            "start": f"{self.period.start:%d/%m/%Y}",
            "end": f"{self.period.end:%d/%m/%Y}",
        }
        if self.compare:
            text += "; " + _("compared with the same period from %(start)s to %(end)s") % {
                "start": f"{self.compare['start']:%d/%m/%Y}",
                "end": f"{self.compare['end']:%d/%m/%Y}",
            }
        return text + "."

    @property
    def as_of_text(self) -> str:
        if self.as_of is None:
            return ""
        local = timezone.localtime(self.as_of) if timezone.is_aware(self.as_of) else self.as_of
        return _("Data as of %(time)s.") % {"time": f"{local:%H:%M %d/%m/%Y}"}

    @property
    def filename_stem(self) -> str:
        """``bao-cao-ward-22423-months-2023-8``: codes and dates only, never a person's name."""
        return re.sub(r"[^a-z0-9]+", "-", f"bao-cao {self.scope.spec} {self.period.spec}".lower())


def _date(value):
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _datetime(value):
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _figure(key, label, unit, entry, level=0, zero_text=None):
    """A line as the statistics computed it: nothing is recomputed here."""
    return Figure(
        key,
        str(label),
        unit,
        entry.get("value"),
        entry.get("previous"),
        entry.get("change"),
        entry.get("change_pct"),
        level,
        no_previous=entry.get("no_previous"),
        numerator=entry.get("numerator"),
        denominator=entry.get("denominator"),
        zero_text=None if zero_text is None else str(zero_text),
    )


def _nonzero(entry):
    return any(entry.get(name) not in (None, 0) for name in ("value", "previous"))


def _figures(item: Item, metrics: dict):
    """The lines of one layout item: a metric, or one line per kind that has a figure."""
    if item.choices is None:
        entry = metrics.get(item.key)
        if entry is None or entry.get("value") is None:
            return []
        if not (item.always or _nonzero(entry)):  # a nil line in both periods is noise
            return []
        zero_text = item.zero_text
        if item.zero_text_unless is not None:
            doubt = metrics.get(item.zero_text_unless) or {}
            if doubt.get("value") not in (None, 0):
                zero_text = None
        return [_figure(item.key, item.label, item.unit, entry, zero_text=zero_text)]
    figures = []
    for value, label in item.choices.choices:
        entry = metrics.get(item.key + value)
        if entry is None or not _nonzero(entry):
            continue
        unit = (item.units or {}).get(value, item.unit)
        # A kind listed on its own carries the item's noun ("Members — Social security group").
        text = label if item.key == "incidents." else f"{item.label} – {label}"
        figures.append(_figure(item.key + value, text, unit, entry, level=int(item.nested)))
    return figures


def place_name(name: str) -> str:
    """``Phường Ba Ngòi`` → ``Ba Ngòi``: the place line names the place without its kind."""
    for prefix in ("Phường ", "Xã ", "Đặc khu ", "Thành phố ", "Tỉnh "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def date_line(place: str, day: dt.date) -> str:
    # Decree 30/2020: days below 10 and months below 3 take a leading zero.
    when = _("on %(day)s/%(month)s/%(year)s") % {
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else str(day.month),
        "year": str(day.year),
    }
    if not place:
        return when[:1].upper() + when[1:]
    return _("%(place)s, %(date)s") % {"place": place, "date": when}


def letterhead(scope: ReportScope, issued_on: dt.date) -> Letterhead:
    """Who issues the report: the ward police for a ward, the steering committee otherwise."""
    if scope.kind == "ward":
        return Letterhead(
            superior=(_("Police of %(name)s") % {"name": scope.province_name}).upper(),
            issuer=(_("Police of %(name)s") % {"name": scope.name}).upper(),
            number=_("No.: %(blank)s/BC-CAP") % {"blank": " " * 6},
            place_date=date_line(place_name(scope.name), issued_on),
            signer=pgettext("report signer", "HEAD OF POLICE"),
            recipients=(
                _("- Provincial police (to report);"),
                _("- Ward Party committee and People's Committee (to report);"),
                _("- Filed: clerical office."),
            ),
        )
    province = scope.province_name if scope.kind != "all" else ""
    return Letterhead(
        superior=(scope.name if scope.kind != "all" else "").upper(),
        issuer=pgettext("report issuer", "STEERING COMMITTEE 138"),
        number=_("No.: %(blank)s/BC-BCĐ") % {"blank": " " * 6},
        place_date=date_line(place_name(province), issued_on),
        signer=pgettext("report signer", "HEAD OF THE STEERING COMMITTEE"),
        recipients=(
            _("- Steering committee of the level above (to report);"),
            _("- Members of the steering committee;"),
            _("- Filed: clerical office."),
        ),
    )


# The day the July 2025 map took effect (Nghị quyết 202/2025/QH15 and the Standing Committee's
# resolutions on the commune-level units of each province: docs/domain.md).
NEW_MAP = dt.date(2025, 7, 1)


def predecessor_labels(scope: ReportScope, period) -> tuple[str, ...]:
    """The former wards of a one-ward scope, for a period that ended before the new map."""
    if scope.kind != "ward" or period.end >= NEW_MAP:
        return ()
    code = scope.spec.partition(":")[2]
    names = (
        WardSuccession.objects.filter(ward__code=code)
        .order_by("former_ward__code")
        .values_list("former_ward__name", flat=True)
    )
    return tuple(former_label(name) for name in names)


def build_report(
    *, stats: dict, scope: ReportScope, period, issued_on: dt.date, predecessors: tuple = ()
) -> Report:
    """The report of ``stats`` (a ``stats_for`` answer) for ``scope`` and ``period``;
    ``predecessors``: ``predecessor_labels(scope, period)``, named under the title."""
    metrics = stats.get("metrics") or {}
    sections = []
    for layout in SECTIONS:
        headings: list[Heading] = []
        for heading in layout.headings:
            figures = [figure for item in heading.items for figure in _figures(item, metrics)]
            if figures:
                headings.append(Heading(len(headings) + 1, str(heading.title), tuple(figures)))
        sections.append(Section(layout.number, str(layout.title), tuple(headings)))
    compare = stats.get("compare")
    if compare:
        compare = {"start": _date(compare["start"]), "end": _date(compare["end"])}
    return Report(
        scope=scope,
        period=period,
        compare=compare or None,
        as_of=_datetime(stats.get("as_of")),
        issued_on=issued_on,
        letterhead=letterhead(scope, issued_on),
        sections=tuple(sections),
        predecessors=predecessors,
    )
