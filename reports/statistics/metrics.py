"""The metric registry (SPEC §7): every figure the portal reports, and how records feed it.

A ``Metric`` is what is reported: a stable key, a label, a unit and a kind. A ``Source`` is how
one table feeds the rollup: every row matching ``where`` adds ``value`` to the metric ``key`` of
its ward and residential group, on the local day of its ``date`` (and, for a stock with an
``end`` date, subtracts it again on that day). How each kind is read from those day rows is
``reports.statistics.compute``. Each app declares both in its own ``<app>/metrics.py`` with
``register()``;
``reports.apps.ReportsConfig.ready()`` imports those modules, so ``reports`` never names another
app's models. Everything else — the dirty-marking triggers, the rollup SQL, the readers — is
generated from this registry.

Stable interface for the reports and the dashboard: ``METRICS`` (key → Metric, in registration
order), ``metric(key)``, ``keys()`` and ``Metric.label``/``unit_label``/``kind``.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FLOW, STOCK, RATIO = "flow", "stock", "ratio"
# ANNUAL: counted for the (civil) year the period ends in, from 1 January to the period's end.
# SPAN: at any time in the period: a stock at the day before it starts plus a flow over it.
ANNUAL, SPAN = "annual", "span"
KINDS = (FLOW, STOCK, RATIO, ANNUAL, SPAN)
KIND_LABELS = {
    FLOW: _("counted within the period"),
    STOCK: _("value at the end of the period"),
    RATIO: _("ratio of two figures"),
    ANNUAL: _("counted for the year the period ends in"),
    SPAN: _("counted at any time in the period"),
}
COMPOSED = (RATIO, SPAN)
UNITS: dict[str, Promise | str] = {
    "count": _("count"),
    "households": _("households"),
    "people": _("people"),
    "vnd": _("VND"),
    "percent": "%",
    "quantity": _("quantity"),
}
_KEY = re.compile(r"[a-z0-9_]+(\.[a-z0-9_]+)?")
_SAFE_VALUE = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True)
class Metric:
    """A reported figure: stable key, label, unit and kind (flow, stock or ratio)."""

    key: str
    label: "Promise | str | _FamilyLabel"
    unit: str
    kind: str
    # Keys of two other metrics: a ratio's (numerator, denominator), 100 × the first / the
    # second; a span's (stock, flow), the stock the day before the period plus the flow in it.
    parts: tuple[str, str] | None = None
    definition: Promise | str = ""
    # A ratio's part that records the activity (default: the numerator): when it has no data
    # for the same period, neither has the ratio (docs/statistics.md, "No data").
    activity: str | None = None

    @property
    def activity_part(self) -> str | None:
        if self.parts is None:
            return None
        return self.activity or self.parts[0]

    @property
    def unit_label(self) -> Promise | str:
        return UNITS[self.unit]

    @property
    def family(self) -> str | None:
        """``teams`` for ``teams.security_team``; None for a plain key."""
        head, dot, _tail = self.key.partition(".")
        return head if dot else None


@dataclass(frozen=True)
class Source:
    """How the rows of one model feed one metric (or one family of metrics) per ward and day.

    ``date``: the field that places a row on a day (a DateTimeField counts on its local date);
    ``year``: instead of ``date``, a year field — the row counts on 1 January of that year.
    ``not_before``: with ``year``, a date of a related record (``household__created_at``): the
    row counts from the later of 1 January and that day, and not at all when that day is after
    the year (a household entered after the year it committed for).
    ``end``: for a stock, the field whose day removes the row again (empty: never removed).
    ``latest_per``: for a stock of running totals, a field (``group``): each row stands until the
    next later date of a row of the same ward and field, which replaces it.
    ``value``: the field summed (None: each row counts 1). ``by``: a choices field; each row
    then feeds ``<key>.<value of by>``. ``where``: equality filters on the row's fields or on a
    related record's (``field``, ``field__isnull``, ``field__in``, ``household__active``).
    ``ward``: the path to the row's ward (default: the model's ``ward_path``); ``group``: the
    path to its residential group (default: its own ``group``, if it has one), or paths tried in
    turn (a contribution's household's group, else its organisation's); ``id`` for a group
    itself. A path reaches a related record through one foreign key (``household__group``).
    """

    model: type[models.Model]
    key: str
    date: str | None = None
    year: str | None = None
    end: str | None = None
    value: str | None = None
    by: str | None = None
    where: dict[str, Any] = field(default_factory=dict)
    ward: str | None = None
    group: str | tuple[str, ...] | None = None
    not_before: str | None = None
    latest_per: str | None = None

    def __post_init__(self) -> None:
        if (self.date is None) == (self.year is None):
            raise ValueError(f"{self.key}: give exactly one of date and year")
        if self.not_before and not self.year:
            raise ValueError(f"{self.key}: not_before needs a year")
        if self.latest_per and (self.end or not self.date):
            raise ValueError(f"{self.key}: latest_per needs a date and no end")

    @property
    def ward_path(self) -> str:
        if self.ward:
            return self.ward
        path: str = getattr(self.model, "ward_path", "ward")
        return path

    @property
    def group_paths(self) -> tuple[str, ...]:
        """Where the row's residential group is: the first of these paths that has one."""
        if self.group is not None:
            return (self.group,) if isinstance(self.group, str) else tuple(self.group)
        try:
            group = self.model._meta.get_field("group")
        except FieldDoesNotExist:
            return ()
        return ("group",) if isinstance(group, models.ForeignKey) else ()


METRICS: dict[str, Metric] = {}
SOURCES: list[Source] = []
# Families whose members are rows of a catalogue kept in the database (``manual.<code>``): the
# prefix and a function that reads the catalogue's current metrics (``refresh_families``).
FAMILIES: dict[str, Callable[[], list[Metric]]] = {}


def register(*items: Metric | Source) -> None:
    """Declare metrics and their sources (called from each app's ``metrics.py``)."""
    for item in items:
        if isinstance(item, Metric):
            if not _KEY.fullmatch(item.key) or item.kind not in KINDS or item.unit not in UNITS:
                raise ValueError(f"malformed metric {item.key!r}")
            if item.key in METRICS:
                raise ValueError(f"metric {item.key!r} is registered twice")
            METRICS[item.key] = item
        else:
            SOURCES.append(item)


def register_family(prefix: str, loader: Callable[[], list[Metric]]) -> None:
    """Declare a family of metrics ``<prefix>.<code>`` read from a catalogue by ``loader``.

    A ``Source`` of the family uses ``by`` on a plain text column holding the code. The members
    are (re)read by ``refresh_families``, which the reader calls before every answer, so an
    indicator added in the admin is a metric at once, in every process.
    """
    if not _SAFE_VALUE.fullmatch(prefix):
        raise ValueError(f"malformed family prefix {prefix!r}")
    FAMILIES[prefix] = loader


def refresh_families() -> None:
    """Bring the catalogue families' members in ``METRICS`` up to date (one query a family)."""
    for prefix, loader in FAMILIES.items():
        current = {item.key: item for item in loader()}
        for item in current.values():
            if item.family != prefix or not _KEY.fullmatch(item.key) or item.unit not in UNITS:
                raise ValueError(f"malformed metric {item.key!r} of family {prefix!r}")
        held = {key: item for key, item in METRICS.items() if item.family == prefix}
        if held == current:
            continue  # the usual case: nothing changes, nothing is written
        for key in held.keys() - current.keys():
            METRICS.pop(key, None)
        METRICS.update(current)


def family(
    key: str,
    label: Promise | str,
    unit: str,
    kind: str,
    choices: type[models.Choices],
    definition: Promise | str = "",
) -> list[Metric]:
    """``<key>.<choice>`` metrics for every value of a choices class, labelled by the choice."""
    return [
        Metric(
            f"{key}.{value}",
            _FamilyLabel(label, choice_label),
            unit,
            kind,
            definition=definition,
        )
        for value, choice_label in choices.choices
    ]


class _FamilyLabel:
    """``Teams: Social security group`` in the active language, evaluated when shown."""

    def __init__(self, head: Promise | str, tail: Promise | str) -> None:
        self.head, self.tail = head, tail

    def __str__(self) -> str:
        return f"{self.head}: {self.tail}"

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash((str(self.head), str(self.tail)))


def metric(key: str) -> Metric:
    return METRICS[key]


def keys() -> list[str]:
    return list(METRICS)


def source_metric_keys(source: Source) -> list[str]:
    """The metric keys a source can feed."""
    if source.by is None:
        return [source.key]
    if source.key in FAMILIES:  # a catalogue family: its members are read at run time
        return [key for key, item in METRICS.items() if item.family == source.key]
    by = source.model._meta.get_field(source.by)
    assert isinstance(by, models.Field)  # ``by`` names a choices field of the model
    choices = by.choices or ()
    return [f"{source.key}.{value}" for value, _label in choices]


def check_registry() -> None:
    """Every source feeds registered metrics, every ratio names registered parts."""
    for source in SOURCES:
        for key in source_metric_keys(source):
            if key not in METRICS:
                raise ValueError(f"source of {source.model._meta.label} feeds unknown {key!r}")
        for name, value in source.where.items():
            values = value if isinstance(value, list | tuple) else [value]
            for item in values:
                if not isinstance(item, bool) and not _SAFE_VALUE.fullmatch(str(item)):
                    raise ValueError(f"{source.key}: unsafe filter value {item!r} for {name}")
    for item in METRICS.values():
        if (item.kind in COMPOSED) != (item.parts is not None):
            raise ValueError(f"{item.key!r}: only a ratio or a span has parts")
        if item.parts is None:
            continue
        if not set(item.parts) <= set(METRICS) or item.activity_part not in item.parts:
            raise ValueError(f"{item.key!r} needs two registered metrics")
        if any(METRICS[part].kind in COMPOSED for part in item.parts):
            raise ValueError(f"{item.key!r}: a part is a figure read from the rollup")
        if item.kind == SPAN and [METRICS[p].kind for p in item.parts] != [STOCK, FLOW]:
            raise ValueError(f"span {item.key!r} needs a stock and a flow")
