"""Small-cell suppression of the residential-group breakdown (issue 15, item 13).

A residential group is a street or a hamlet of a few hundred people: "1 drug incident in Tổ 5"
or "2 people being reintegrated in Thôn 3" points at a family. So in a ``by=group`` breakdown,
for a user who does not see the police-only records themselves (clerks, steering viewers: not
``User.can_see_sensitive``), the figures of *sensitive* metrics — those fed by police-only
records: incidents, suspects, tips, reintegration cases, video extractions — are hidden in
every cell where the value (or the same period's) is above 0 and below ``STATS_MIN_CELL_SIZE``
(default 3).

Hiding one cell is not enough while the ward's total is shown beside it (the dashboard's tile,
the API's ``metrics``): the total minus the other groups would give it back. So when a metric
has hidden cells, one more cell is hidden with them (the smallest other group with something
to count), or, when no other group has anything, every cell of the metric. Every hidden cell
looks the same (``value`` null, ``no_value: "suppressed"``; the dashboard writes "ẩn"), so
nobody can tell which of them is the small one.

``stats_for`` applies it to the breakdown it answers, so the API, the dashboard's group table
and anything else reading ``stats_for`` hide the same cells. Ward totals, and the ward and month
breakdowns, are not suppressed (docs/statistics.md, "Small cells").
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings

from reports.statistics.compute import SUPPRESSED
from reports.statistics.metrics import METRICS, SOURCES

__all__ = ["SUPPRESSED", "is_sensitive", "min_cell_size", "sensitive_keys", "suppress_small_cells"]
# The numbers of an entry that a hidden cell must not show.
_NUMBERS = ("value", "previous", "change", "change_pct", "numerator", "denominator")


def min_cell_size() -> int:
    return int(getattr(settings, "STATS_MIN_CELL_SIZE", 3))


def is_sensitive(key: str) -> bool:
    """Whether metric ``key`` counts police-only records (a source model marked ``sensitive``),
    itself or through the parts of a ratio or a span."""
    item = METRICS[key]
    if item.parts is not None:
        return any(is_sensitive(part) for part in item.parts)
    head = item.family
    return any(
        getattr(source.model, "sensitive", False)
        for source in SOURCES
        if source.key == key or (source.by is not None and source.key == head)
    )


def sensitive_keys(keys: Iterable[str]) -> list[str]:
    return [key for key in keys if is_sensitive(key)]


def _small(entry: dict[str, Any], minimum: int) -> bool:
    for name in ("value", "previous", "numerator", "denominator"):
        number = entry.get(name)
        if number is not None and 0 < Decimal(str(number)) < minimum:
            return True
    return False


def _size(entry: dict[str, Any]) -> Decimal:
    return sum(
        (abs(Decimal(str(entry[name]))) for name in ("value", "previous") if entry.get(name)),
        Decimal(0),
    )


def _hide(entry: dict[str, Any]) -> None:
    for name in _NUMBERS:
        if name in entry:
            entry[name] = None
    entry["no_previous"] = SUPPRESSED
    entry["no_value"] = SUPPRESSED


def suppress_small_cells(rows: list[dict[str, Any]], keys: Iterable[str]) -> None:
    """Hide, in place, the small cells of ``keys`` in the breakdown ``rows`` (each row's
    ``metrics``: key → entry), and the cells that would give them away (module docstring)."""
    minimum = min_cell_size()
    for key in keys:
        cells = [row["metrics"][key] for row in rows if key in row["metrics"]]
        small = [i for i, entry in enumerate(cells) if _small(entry, minimum)]
        if not small:
            continue
        others = [
            (i, _size(entry))
            for i, entry in enumerate(cells)
            if i not in small and _size(entry) > 0
        ]
        if others:
            complement = min(others, key=lambda pair: (pair[1], pair[0]))[0]
            hidden = [*small, complement]
        else:  # nothing else to hide it among: the whole column goes
            hidden = list(range(len(cells)))
        for i in hidden:
            _hide(cells[i])
