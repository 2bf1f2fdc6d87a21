"""The multi-size results: one table, each figure's slope across sizes, the national projection.

``bench.run`` measures every size; this module turns the figures into Markdown and writes it
between the markers of BENCHMARKS.md. Nothing here measures: it only computes from the figures.

- The **slope** of a figure is its exponent across sizes: the least-squares fit of
  log(figure) on log(households). 0 is flat (a per-ward cost should be), 1 grows with the
  country, more is worse than linear.
- The **projection** to the whole country fits figure = a + b × households by least squares over
  the sizes measured (the database and a rebuild grow with the data; memory should not) and
  reads it at 27 M households; the power law of the slope is given beside it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.run import Context

COUNTRY = 27_000_000
START = "<!-- bench:results:start (written by bench/results.py; do not edit by hand) -->"
END = "<!-- bench:results:end -->"
# What the projection reads: (key, label).
PROJECTED = [
    ("db.size", "database size"),
    ("rebuild", "rollup full rebuild"),
    ("export.peak", "export job's peak memory"),
]


@dataclass
class Row:
    """One figure at one size."""

    key: str
    section: str
    name: str
    value: str
    limit: str
    ratio: str
    target: str
    met: bool | None
    number: float | None
    unit: str
    ratio_number: float | None


@dataclass
class Run:
    """One size: what was generated and every keyed figure."""

    households: int
    wards: int
    provinces: int
    largest_ward: int
    rows: int
    load: str
    figures: list[Row] = field(default_factory=list)

    @classmethod
    def of(cls, ctx: Context) -> Run:
        facts = ctx.facts
        return cls(
            households=ctx.households,
            wards=len(facts.get("wards", [])),
            provinces=facts.get("provinces", 0),
            largest_ward=facts.get("largest_ward", 0),
            rows=facts.get("rows", 0),
            load=f"{facts.get('load_before', '?')} → {facts.get('load_after', '?')}",
            figures=[
                Row(
                    f.key,
                    f.section,
                    f.name,
                    f.value,
                    f.limit,
                    f.ratio,
                    f.target,
                    f.met,
                    f.number,
                    f.unit,
                    f.ratio_number,
                )
                for f in ctx.figures
                if f.key
            ],
        )


# Other processes' CPU, in cores, from which a run says the machine was busy.
BUSY_CORES = 0.1


@dataclass
class Summary:
    scale: str
    when: str
    commit: str
    machine: str
    command: str
    minutes: float
    runs: list[Run]
    # The CPU other processes used while a size was measured, in cores (the largest of the
    # sizes; ``bench.run.foreign_cores``); None when it was not sampled.
    foreign_cores: float | None = None
    # Where the portal's server kept its cache (``bench.run.cache_layout``): the repeated reads
    # differ between each process's memory and Redis. "" when not said.
    cache: str = ""

    @property
    def busy(self) -> bool:
        return self.foreign_cores is not None and self.foreign_cores >= BUSY_CORES


def exponent(points: list[tuple[float, float]]) -> float | None:
    """Least-squares slope of log(y) on log(x); None without two positive, distinct points."""
    usable = [(math.log(x), math.log(y)) for x, y in points if x > 0 and y and y > 0]
    if len({x for x, _y in usable}) < 2:
        return None
    mean_x = sum(x for x, _y in usable) / len(usable)
    mean_y = sum(y for _x, y in usable) / len(usable)
    spread = sum((x - mean_x) ** 2 for x, _y in usable)
    return sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread


def linear(points: list[tuple[float, float]]) -> tuple[float, float] | None:
    """``(a, b)`` of the least-squares line y = a + b·x; None without two distinct x."""
    usable = [(x, y) for x, y in points if y is not None and math.isfinite(y)]
    if len({x for x, _y in usable}) < 2:
        return None
    mean_x = sum(x for x, _y in usable) / len(usable)
    mean_y = sum(y for _x, y in usable) / len(usable)
    spread = sum((x - mean_x) ** 2 for x, _y in usable)
    b = sum((x - mean_x) * (y - mean_y) for x, y in usable) / spread
    return mean_y - b * mean_x, b


def points(runs: list[Run], key: str) -> list[tuple[float, float]]:
    found = []
    for run in runs:
        for row in run.figures:
            if row.key == key and row.number is not None and math.isfinite(row.number):
                found.append((float(run.households), row.number))
    return found


def keys_in_order(runs: list[Run]) -> list[tuple[str, str, str, str]]:
    """``(key, section, name, target)`` of every keyed figure, in the order first measured.
    The name is the largest size's (names carry sizes and counts)."""
    seen: dict[str, tuple[str, str, str, str]] = {}
    for run in runs:
        for row in run.figures:
            seen[row.key] = (row.key, row.section, row.name, row.target)
    order: list[str] = []
    for run in runs:
        for row in run.figures:
            if row.key not in order:
                order.append(row.key)
    return [seen[key] for key in order]


def cell(run: Run, key: str) -> str:
    for row in run.figures:
        if row.key == key:
            parts = [row.value]
            if row.limit:
                parts.append(f"limit {row.limit}")
            if row.ratio:
                parts.append(f"**{row.ratio}**")
            if row.met is False:
                parts.append("missed")
            return "; ".join(parts)
    return "—"


def short(households: float) -> str:
    if households >= 1_000_000:
        return f"{households / 1_000_000:g} M"
    return f"{households / 1000:g} k"


def fmt(value: float, unit: str) -> str:
    if unit == "MB" and value >= 1024:
        return f"{value / 1024:,.1f} GB"
    if unit == "s" and value >= 120:
        return f"{value / 60:,.1f} min"
    return f"{value:,.2f} {unit}" if value < 10 else f"{value:,.0f} {unit}"


def unit_of(runs: list[Run], key: str) -> str:
    for run in runs:
        for row in run.figures:
            if row.key == key:
                return row.unit
    return ""


def render(summary: Summary) -> str:
    runs = sorted(summary.runs, key=lambda r: r.households)
    out = [
        f"### {summary.scale.capitalize()} run, {summary.when}",
        "",
        f"`{summary.command}` at commit {summary.commit}, {summary.minutes:.0f} minutes. "
        f"Machine: {summary.machine}." + (f" Cache: {summary.cache}." if summary.cache else ""),
        "",
        "Each figure was measured interleaved with its limit (A B A B A B, short rounds); the "
        "ratio is the median of the pairs' ratios (their range in brackets), p95 and rates pool "
        "all rounds of each side.",
        "",
    ]
    if summary.scale == "small":
        out += [
            "A small run: sizes far below the country's, for checking the harness; "
            "its slopes say little.",
            "",
        ]
    if summary.busy:
        out += [
            f"**The machine was busy**: other processes than this run's (its server and "
            f"clients) and PostgreSQL's used {summary.foreign_cores:.2f} of a core on average "
            "while a size was measured, so times are inflated; the interleaved ratios are the "
            "figures to read.",
            "",
        ]
    elif summary.foreign_cores is not None:
        out += [
            f"Other processes than this run's and PostgreSQL's used {summary.foreign_cores:.2f} "
            "of a core on average while a size was measured (the load averages below include "
            "the run's own server and clients).",
            "",
        ]
    out += [
        "| size | wards | provinces | largest ward | generated rows | load average (1 min / "
        "5 min) before → after |",
        "|---|---|---|---|---|---|",
    ]
    for run in runs:
        out.append(
            f"| {run.households:,} | {run.wards:,} | {run.provinces} | {run.largest_ward:,} "
            f"| {run.rows:,} | {run.load} |"
        )
    out += [
        "",
        "| | figure | target | " + " | ".join(short(r.households) for r in runs) + " | slope |",
        "|---|---|---|" + "---|" * len(runs) + "---|",
    ]
    for key, section, name, target in keys_in_order(runs):
        slope = exponent(points(runs, key))
        unit = unit_of(runs, key)
        shown = "—" if slope is None else f"{slope:+.2f} ({unit})"
        cells = [cell(run, key) for run in runs]
        out.append(f"| {section} | {name} | {target} | " + " | ".join(cells) + f" | {shown} |")
    out += [
        "",
        "Slope: the exponent of the figure (the p95 for HTTP figures) across the sizes; 0 is "
        "flat, 1 grows with the data.",
        "",
        f"#### Projection to {COUNTRY / 1e6:.0f} M households",
        "",
        "| figure | at the largest size | per 1 M households (linear fit) | at 27 M, linear | "
        "slope | at 27 M, power law |",
        "|---|---|---|---|---|---|",
    ]
    for key, label in PROJECTED:
        found = points(runs, key)
        unit = unit_of(runs, key)
        line = linear(found)
        slope = exponent(found)
        if not found:
            out.append(f"| {label} | not measured | | | | |")
            continue
        largest_x, largest_y = max(found)
        per_million = f"{line[1] * 1e6:+,.2f} {unit}" if line else "—"
        at_country = fmt(line[0] + line[1] * COUNTRY, unit) if line else "—"
        power = fmt(largest_y * (COUNTRY / largest_x) ** slope, unit) if slope is not None else "—"
        shown_slope = "—" if slope is None else f"{slope:+.2f}"
        out.append(
            f"| {label} | {fmt(largest_y, unit)} at {short(largest_x)} | {per_million} | "
            f"{at_country} | {shown_slope} | {power} |"
        )
    out.append("")
    return "\n".join(out)


def write_benchmarks(path: Path, text: str) -> None:
    """Replace the text between the markers of ``path`` (appended with them when missing)."""
    current = path.read_text(encoding="utf-8")
    block = f"{START}\n\n{text.rstrip()}\n\n{END}"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        _old, after = rest.split(END, 1)
        updated = before + block + after
    else:
        updated = current.rstrip() + "\n\n" + block + "\n"
    path.write_text(updated, encoding="utf-8")
