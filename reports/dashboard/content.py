"""The dashboard's figures (SPEC §9): KPI tiles, monthly trends, the ward ranking, the groups.

Every figure is an entry of a ``stats_for`` answer, shown as it is: nothing is recomputed here.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from reports.figures.numbers import Unit, comparison, format_number, format_percent
from reports.figures.units import (
    CAMERA,
    HOUSEHOLD,
    INCIDENT,
    MODEL,
    MONEY,
    PERCENT,
    SESSION,
    SPOT,
    TIP,
)
from reports.statistics.compute import SUPPRESSED
from reports.statistics.disclosure import min_cell_size
from reports.statistics.metrics import METRICS

# (metric, which way is good): fewer incidents is good, more cameras is good; None: neither.
TILES = (
    ("incidents", "lower"),
    ("criminal_cases", "lower"),
    ("criminal_cases_grave", "lower"),
    ("criminal_clearance_pct", "higher"),
    ("tips_received", None),
    ("hotspots_active", "lower"),
    ("outreach_sessions", "higher"),
    ("commitment_coverage_pct", "higher"),
    ("recognised_groups_pct", "higher"),
    ("recognised_organisations_pct", "higher"),
    ("self_management_models", "higher"),
    ("cameras_active", "higher"),
    ("mediation_success_pct", "higher"),
    ("contributions_vnd", "higher"),
    ("households", None),
)
TRENDS = ("incidents", "tips_received", "outreach_sessions", "cameras_active")
RANKING = (
    "households",
    "incidents",
    "outreach_sessions",
    "cameras_active",
    "commitment_coverage_pct",
)


# The unit of each figure shown, the one the period report counts it in.
UNITS = {
    "incidents": INCIDENT,
    "criminal_cases": INCIDENT,
    "criminal_cases_grave": INCIDENT,
    "criminal_clearance_pct": PERCENT,
    "tips_received": TIP,
    "hotspots_active": SPOT,
    "outreach_sessions": SESSION,
    "commitment_coverage_pct": PERCENT,
    "recognised_groups_pct": PERCENT,
    "recognised_organisations_pct": PERCENT,
    "self_management_models": MODEL,
    "cameras_active": CAMERA,
    "mediation_success_pct": PERCENT,
    "contributions_vnd": MONEY,
    "households": HOUSEHOLD,
}


def unit_of(key) -> Unit:
    return UNITS.get(key) or Unit()


def display(key, value) -> str:
    """A figure as a tile or table shows it: ``1.234``, ``72,5%``, ``1.234.567 đồng``."""
    if value is None:
        return "–"
    unit = unit_of(key)
    if unit.kind == "percent":
        return format_percent(value)
    if unit.kind == "money":
        return unit.format(value)
    return format_number(value)


def compared_text(key: str, entry: dict) -> str:
    """The same-period comparison of a statistics entry, as the period report words it."""
    return comparison(
        entry.get("value"),
        entry.get("previous"),
        unit_of(key),
        entry.get("change"),
        entry.get("change_pct"),
        entry.get("no_previous"),
    )


@dataclass(frozen=True)
class Tile:
    key: str
    label: str
    value: str
    previous: str
    comparison: str
    verdict: str  # "good", "bad" or "" (no change, no comparison, or neither way is good)
    verdict_text: str


def verdict(change, better) -> tuple[str, str]:
    if change is None or better is None or change == 0:
        return "", ""
    good = (change < 0) == (better == "lower")
    if good:
        return "good", _("better than the same period")
    return "bad", _("worse than the same period")


def tiles(metrics: dict) -> list[Tile]:
    result = []
    for key, better in TILES:
        entry = metrics.get(key)
        if entry is None:
            continue
        state, text = verdict(entry.get("change"), better)
        result.append(
            Tile(
                key=key,
                label=str(METRICS[key].label),
                value=display(key, entry.get("value")),
                previous=display(key, entry.get("previous")),
                comparison=compared_text(key, entry),
                verdict=state,
                verdict_text=text,
            )
        )
    return result


def month_label(period: dict) -> str:
    """``05/2022``: the month of the period's calendar, from its spec (``month:2022-05``). Not
    from its first day: a reporting month starts in the month before (15/04 for May), and a
    range's first days would read as the month that follows them."""
    year, month = period["spec"].removeprefix("month:").split("-")
    return f"{month}/{year}"


def trends(breakdown: list) -> dict:
    """Chart data, also shown as a table: each trend metric month by month, and a year before."""
    labels = [month_label(row["period"]) for row in breakdown]
    series = []
    for key in TRENDS:
        values = [row["metrics"].get(key, {}).get("value") for row in breakdown]
        previous = [row["metrics"].get(key, {}).get("previous") for row in breakdown]
        series.append(
            {
                "key": key,
                "label": str(METRICS[key].label),
                "values": [float(v) if v is not None else None for v in values],
                "previous": [float(v) if v is not None else None for v in previous],
                "values_text": [display(key, v) for v in values],
                "previous_text": [display(key, v) for v in previous],
            }
        )
    rows = [
        {
            "month": label,
            "cells": [[s["values_text"][i], s["previous_text"][i]] for s in series],
        }
        for i, label in enumerate(labels)
    ]
    return {
        "labels": labels,
        "series": series,
        "rows": rows,
        "current": _("this period"),
        "same_period": _("same period last year"),
    }


def table_rows(breakdown: list, name_of, link_of, rank: str) -> list[dict]:
    """The rows of the ward ranking or the group table, best first by ``rank``."""
    rows = []
    for row in breakdown:
        cells = []
        for key in RANKING:
            entry = row["metrics"].get(key, {})
            hidden = entry.get("no_value") == SUPPRESSED
            cells.append(
                {
                    "header": str(METRICS[key].label),
                    # A small cell of police records, hidden (reports.statistics.disclosure).
                    "value": hidden_text() if hidden else display(key, entry.get("value")),
                    "comparison": "" if hidden else compared_text(key, entry),
                    "suppressed": hidden,
                }
            )
        score = row["metrics"].get(rank, {}).get("value")
        rows.append({"name": name_of(row), "url": link_of(row), "cells": cells, "score": score})
    # "Fewer incidents is better": the ranking puts the best first whichever the metric.
    lower_first = dict(TILES).get(rank) == "lower"
    rows.sort(key=lambda r: (r["score"] is None, (r["score"] or 0) * (1 if lower_first else -1)))
    for position, row in enumerate(rows, start=1):
        row["position"] = position
    return rows


def hidden_text() -> str:
    """What a hidden small cell shows in place of its figure."""
    return _("hidden")


def suppression_note(rows: list[dict]) -> str:
    """The note under a table with hidden cells, or "" when it has none."""
    if not any(cell.get("suppressed") for row in rows for cell in row["cells"]):
        return ""
    return _(
        "%(hidden)s: a figure of police records in a residential group that is below "
        "%(size)s, or a figure that would reveal it, is not shown, to protect the people "
        "concerned."
    ) % {"hidden": hidden_text(), "size": min_cell_size()}


def ranking_headers() -> list[str]:
    return [str(METRICS[key].label) for key in RANKING]
