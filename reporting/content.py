"""A period report's figures: the frozen snapshot, sections I and II, and the drafted narrative.

``take_snapshot`` freezes every figure of the ward for the report's period (the statistics
engine's answer with the same-period comparison, manual indicators included) and the text.
``report_sections`` lays a snapshot out as sections I and II, in the order of the period
reports (``reports.documents.layout``), the manual indicators under their section.
``draft_narrative`` writes a first draft of the general assessment and of sections III and IV
from the figures: the biggest rises and falls, and targets missed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import npgettext

from reporting.models import ManualIndicator
from reports.documents.content import Figure, Heading, Section, build_report
from reports.documents.layout import SECTIONS
from reports.figures.numbers import Unit, comparison, format_number, format_percent
from reports.figures.scope import ReportScope
from reports.figures.units import PERSON, SESSION
from reports.statistics.metrics import METRICS
from reports.statistics.selectors import stats_for

if TYPE_CHECKING:
    from reporting.models import PeriodReport
    from wardsecurity.models import User
    from wardsecurity.period_spec import Period

SNAPSHOT_SCHEMA = 1
MANUAL_PREFIX = "manual."

# The noun of each unit of the catalogue (literal calls, for makemessages).
MANUAL_UNITS = {
    "session": SESSION,
    "person": PERSON,
    "event": Unit(lambda n: npgettext("report unit", "event", "events", n)),
    "class": Unit(lambda n: npgettext("report unit", "class", "classes", n)),
    "copy": Unit(lambda n: npgettext("report unit", "copy", "copies", n)),
    "item": Unit(lambda n: npgettext("report unit", "item", "items", n)),
    "post": Unit(lambda n: npgettext("report unit", "news item", "news items", n)),
    "broadcast": Unit(lambda n: npgettext("report unit", "broadcast", "broadcasts", n)),
    "turn": Unit(lambda n: npgettext("report unit", "turn", "turns", n)),
}
COUNT = Unit()
# Figures whose rise is bad news: they go to "shortcomings", not to "results".
RISE_IS_BAD = (
    "incidents",
    "suspects",
    "hotspots_active",
    "incident_cases",
    "criminal_cases",
    "criminal_cases_grave",
    "traffic_accident_deaths",
    "traffic_accident_injuries",
    "traffic_accident_damage_vnd",
    "fire_deaths",
    "fire_injuries",
    "fire_damage_vnd",
)
# A change smaller than this is no "biggest" change worth a sentence.
MIN_CHANGE = 2
MOST = 3


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def digest(snapshot: dict[str, Any]) -> str:
    """The SHA-256 of the snapshot as canonical JSON: what a transition refers to."""
    text = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def ward_stats(*, user: User, ward_code: str, period: Period) -> dict[str, Any]:
    """Every figure of the ward over ``period`` with the same period (``stats_for``)."""
    return stats_for(user=user, scope=f"ward:{ward_code}", period=period, compare=True)


def indicator_meta(metrics: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The catalogue's entries of the manual indicators ``metrics`` holds, as a snapshot keeps
    them: ``{code: {label_vi, label_en, unit, section, order}}``."""
    catalogue = ManualIndicator.objects.values_list(
        "code", "label_vi", "label_en", "unit", "section", "order"
    )
    return {
        code: {
            "label_vi": label_vi,
            "label_en": label_en,
            "unit": unit,
            "section": section,
            "order": order,
        }
        for code, label_vi, label_en, unit, section, order in catalogue
        if f"{MANUAL_PREFIX}{code}" in metrics
    }


def live_figures(*, report: PeriodReport, user: User) -> dict[str, Any]:
    """A draft's figures shaped like a snapshot (without its text): the statistics the user
    sees now, the ward, its province and the manual indicators' catalogue entries. The report's
    page and its draft document both read them."""
    ward = report.ward
    stats = ward_stats(user=user, ward_code=ward.code, period=report.reporting_period)
    return {
        **stats,
        "ward": {"id": ward.pk, "code": ward.code, "name": ward.name},
        "province": {"id": ward.province_id, "name": ward.province.name},
        "indicators": indicator_meta(stats.get("metrics") or {}),
    }


def take_snapshot(*, report: PeriodReport, user: User) -> dict[str, Any]:
    """Every figure of the report's ward and period, labelled, and the report's text.

    Labels are frozen in Vietnamese, the language of the document; the metric keys stay, so a
    surface in another language can label them again.
    """
    from reporting.fields import PERIOD_REPORT_TEXT_FIELDS

    period = report.reporting_period
    ward = report.ward
    with translation.override("vi"):
        stats = ward_stats(user=user, ward_code=ward.code, period=period)
        metrics = {}
        for key, entry in stats["metrics"].items():
            item = METRICS.get(key)
            metrics[key] = {
                **entry,
                "label": str(item.label) if item else key,
                "unit": item.unit if item else "count",
            }
        indicators = indicator_meta(metrics)
        text = {name: getattr(report, name) for name in PERIOD_REPORT_TEXT_FIELDS}
        text["number_symbol"] = report.number_symbol
        snapshot = {
            "schema": SNAPSHOT_SCHEMA,
            "taken_at": timezone.now(),
            "ward": {"id": ward.pk, "code": ward.code, "name": ward.name},
            "province": {"id": ward.province_id, "name": ward.province.name},
            "period": {**stats["period"], "label": str(period.label)},
            "compare": stats["compare"],
            "as_of": stats["as_of"],
            "metrics": metrics,
            "indicators": indicators,
            "text": text,
        }
    result: dict[str, Any] = _jsonable(snapshot)
    return result


def _manual_figure(code: str, meta: Mapping[str, Any], entry: Mapping[str, Any]) -> Figure:
    english = (translation.get_language() or "vi").startswith("en")
    label = meta.get("label_en") if english else meta.get("label_vi")
    return Figure(
        f"{MANUAL_PREFIX}{code}",
        str(label or meta.get("label_vi") or code),
        MANUAL_UNITS.get(meta.get("unit", ""), COUNT),
        entry.get("value"),
        entry.get("previous"),
        entry.get("change"),
        entry.get("change_pct"),
        no_previous=entry.get("no_previous"),
    )


def manual_headings(
    stats: Mapping[str, Any], indicators: Mapping[str, Mapping[str, Any]]
) -> list[tuple[str, str, list[Figure]]]:
    """(section value, label, figures) of the manual indicators that have a figure, in the
    catalogue's section order: the page's sections and the documents' (``reporting.documents``)
    both place them so."""
    metrics = stats.get("metrics") or {}
    by_section: dict[str, list[tuple[int, str, Figure]]] = {}
    for code, meta in indicators.items():
        entry = metrics.get(f"{MANUAL_PREFIX}{code}")
        if not entry or not any(entry.get(k) not in (None, 0) for k in ("value", "previous")):
            continue
        figure = _manual_figure(code, meta, entry)
        order = int(meta.get("order") or 0)
        by_section.setdefault(meta.get("section", ""), []).append((order, code, figure))
    headings = []
    for value, label in ManualIndicator.Section.choices:
        rows = sorted(by_section.get(value, []), key=lambda row: (row[0], row[1]))
        if rows:
            headings.append((value, str(label), [figure for _o, _c, figure in rows]))
    return headings


def report_sections(snapshot: dict[str, Any]) -> list[Section]:
    """Sections I and II of a snapshot: the period reports' figures, then the manual ones."""
    from wardsecurity.period_spec import REPORTING, parse_period

    period = parse_period(snapshot["period"]["spec"], calendar=REPORTING)
    scope = ReportScope(
        spec=f"ward:{snapshot['ward']['code']}",
        kind="ward",
        name=snapshot["ward"]["name"],
        province_name=snapshot["province"]["name"],
    )
    built = build_report(stats=snapshot, scope=scope, period=period, issued_on=period.end)
    sections = list(built.sections)
    manual = manual_headings(snapshot, snapshot.get("indicators") or {})
    for index, section in enumerate(sections):
        extra = [
            (label.split(". ", 1)[-1], figures)
            for value, label, figures in manual
            if (value == ManualIndicator.Section.SITUATION) == (section.number == "I")
        ]
        headings = list(section.headings)
        for title, figures in extra:
            headings.append(Heading(len(headings) + 1, title, tuple(figures)))
        sections[index] = Section(section.number, section.title, tuple(headings))
    return sections


# The drafted narrative ---------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    sentence: str
    change: Decimal
    change_pct: Decimal | None


def _label(key: str, stats: dict[str, Any]) -> str:
    item = METRICS.get(key)
    return str(item.label) if item else key


def layout_units() -> dict[str, Unit]:
    """The unit the period reports count each metric in (``reports.documents.layout``)."""
    units: dict[str, Unit] = {}
    for section in SECTIONS:
        for heading in section.headings:
            for item in heading.items:
                if item.choices is None:
                    units[item.key] = item.unit
                    continue
                for value, _label in item.choices.choices:
                    units[item.key + value] = (item.units or {}).get(value, item.unit)
    return units


def _unit(key: str, indicators: dict[str, dict[str, Any]]) -> Unit:
    if key.startswith(MANUAL_PREFIX):
        meta = indicators.get(key[len(MANUAL_PREFIX) :], {})
        return MANUAL_UNITS.get(meta.get("unit", ""), COUNT)
    known = layout_units().get(key)
    if known is not None:
        return known
    item = METRICS.get(key)
    if item is None:
        return COUNT
    if item.unit == "percent":
        return Unit(kind="percent")
    if item.unit == "vnd":
        return Unit(kind="money")
    return COUNT


def changes(stats: dict[str, Any], indicators: dict[str, dict[str, Any]]) -> list[Change]:
    """The figures that moved against the same period, ratios left out (they have targets)."""
    found = []
    for key, entry in (stats.get("metrics") or {}).items():
        item = METRICS.get(key)
        if item is None or item.kind == "ratio" or item.family in ("teams", "team_members"):
            continue
        if entry.get("previous") is None or entry.get("value") is None:
            continue
        change = Decimal(str(entry.get("change") or 0))
        if abs(change) < MIN_CHANGE:
            continue
        unit = _unit(key, indicators)
        label = _label(key, stats)
        text = comparison(
            entry["value"], entry["previous"], unit, entry.get("change"), entry.get("change_pct")
        )
        sentence = f"{label}: {unit.format(entry['value'])}, {text}"
        pct = entry.get("change_pct")
        found.append(
            Change(key, label, sentence, change, None if pct is None else Decimal(str(pct)))
        )
    return found


def _biggest(found: list[Change], rising: bool) -> list[Change]:
    chosen = [c for c in found if (c.change > 0) == rising]
    # By the relative change when there is one (a rise from nothing ranks by its amount).
    chosen.sort(key=lambda c: abs(c.change_pct) if c.change_pct is not None else abs(c.change))
    return list(reversed(chosen))[:MOST]


def _entry(stats: dict[str, Any], key: str) -> dict[str, Any]:
    return (stats.get("metrics") or {}).get(key) or {}


def missed_targets(stats: dict[str, Any]) -> list[str]:
    """Sentences for the targets the figures miss: commitment coverage under 100 % …"""
    lines = []
    coverage = _entry(stats, "commitment_coverage_pct")
    if coverage.get("value") is not None and Decimal(str(coverage["value"])) < 100:
        numerator = coverage.get("numerator") or 0
        denominator = coverage.get("denominator") or 0
        lines.append(
            _(
                "Households that signed the safe-area commitment reached only %(pct)s "
                "(%(signed)s of %(total)s households); %(left)s households have not signed yet."
            )
            % {
                "pct": format_percent(coverage["value"]),
                "signed": format_number(numerator),
                "total": format_number(denominator),
                "left": format_number(Decimal(str(denominator)) - Decimal(str(numerator))),
            }
        )
    mediation = _entry(stats, "mediation_success_pct")
    if mediation.get("value") is not None and Decimal(str(mediation["value"])) < 100:
        lines.append(
            _("The mediation success rate was %(pct)s (%(resolved)s of %(received)s cases).")
            % {
                "pct": format_percent(mediation["value"]),
                "resolved": format_number(mediation.get("numerator") or 0),
                "received": format_number(mediation.get("denominator") or 0),
            }
        )
    verified = _entry(stats, "tips_verified")
    received = _entry(stats, "tips_received")
    if received.get("value") and (verified.get("value") or 0) < received["value"]:
        lines.append(
            _("%(open)s of the %(received)s tips received have not been verified yet.")
            % {
                "open": format_number(received["value"] - (verified.get("value") or 0)),
                "received": format_number(received["value"]),
            }
        )
    return lines


def _bullets(lines: list[str]) -> str:
    """One "- " line per sentence, each ending with a full stop (or its own colon)."""
    return "\n".join(
        f"- {line}" if line.endswith(":") else f"- {line.rstrip('.')}." for line in lines
    )


def draft_narrative(
    *,
    stats: dict[str, Any],
    indicators: dict[str, dict[str, Any]],
    ward_name: str,
    period_label: str,
) -> dict[str, str]:
    """A first draft of the general assessment, III (shortcomings) and IV (directions).

    Written only from the figures; the officer edits it in the browser. Proposals (V) are the
    ward's own and are left empty.
    """
    found = changes(stats, indicators)
    bad = [c for c in found if c.key.split(".")[0] in RISE_IS_BAD and c.change > 0]
    good_rises = [c for c in _biggest(found, rising=True) if c not in bad]
    falls = [c for c in _biggest(found, rising=False) if c.key.split(".")[0] not in RISE_IS_BAD]
    better = [c for c in found if c.key.split(".")[0] in RISE_IS_BAD and c.change < 0]

    paragraphs = []
    incidents = _entry(stats, "incidents")
    values = {"period": period_label, "ward": ward_name}
    if incidents.get("value") is not None and incidents.get("previous") is not None:
        if incidents["value"] > incidents["previous"]:
            paragraphs.append(
                _(
                    "In %(period)s the security and order situation in %(ward)s remained "
                    "complicated: incidents rose against the same period."
                )
                % values
            )
        else:
            paragraphs.append(
                _(
                    "In %(period)s the security and order situation in %(ward)s remained "
                    "basically stable; no incident became a hotspot."
                )
                % values
                if incidents["value"] < incidents["previous"] or not incidents["value"]
                else _(
                    "In %(period)s the security and order situation in %(ward)s was about the "
                    "same as in the same period."
                )
                % values
            )
    else:
        paragraphs.append(
            _("In %(period)s the movement in %(ward)s was carried out as planned.") % values
        )
    if better:
        paragraphs.append(
            _("Improvements on the same period:") + "\n" + _bullets([c.sentence for c in better])
        )
    if good_rises:
        paragraphs.append(
            _("The biggest rises on the same period:")
            + "\n"
            + _bullets([c.sentence for c in good_rises])
        )
    assessment = "\n\n".join(paragraphs)

    shortcomings_lines = [c.sentence for c in bad] + missed_targets(stats)
    if falls:
        shortcomings_lines.append(_("The biggest falls on the same period:"))
    shortcomings = _bullets(shortcomings_lines) if shortcomings_lines else ""
    if falls:
        shortcomings += "\n" + "\n".join(f"  + {c.sentence}." for c in falls)

    directions_lines = []
    coverage = _entry(stats, "commitment_coverage_pct")
    if coverage.get("value") is not None and Decimal(str(coverage["value"])) < 100:
        directions_lines.append(
            _("Mobilise the households that have not signed the safe-area commitment to sign it")
        )
    for change in bad:
        directions_lines.append(
            _("Step up prevention where the figures rose: %(label)s") % {"label": change.label}
        )
    for change in falls:
        directions_lines.append(
            _("Restore the level of %(label)s of the same period") % {"label": change.label}
        )
    directions = _bullets(directions_lines) if directions_lines else ""
    return {"assessment": assessment, "shortcomings": shortcomings, "directions": directions}


def period_dates_text(period: Period) -> str:
    return f"{period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}"


def local_date(moment: dt.datetime | None) -> dt.date | None:
    return None if moment is None else timezone.localdate(moment)
