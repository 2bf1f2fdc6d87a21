"""The metric registry (SPEC §7): every figure the portal reports, and how records feed it.

A ``Metric`` is what is reported: a stable key, a label, a unit and a kind. A ``Source`` is how
one table feeds the rollup: every row matching ``where`` adds ``value`` to the metric ``key`` of
its ward, on the local day of its ``date`` (and, for a stock with an ``end`` date, subtracts it
again on that day). Each app declares both in its own ``<app>/metrics.py`` with ``register()``;
``reports.apps.ReportsConfig.ready()`` imports those modules, so ``reports`` never names another
app's models. Everything else — the dirty-marking triggers, the rollup SQL, the readers — is
generated from this registry.

Stable interface for the reports and the dashboard: ``METRICS`` (key → Metric, in registration
order), ``metric(key)``, ``keys()`` and ``Metric.label``/``unit_label``/``kind``.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

FLOW, STOCK, RATIO = "flow", "stock", "ratio"
KINDS = (FLOW, STOCK, RATIO)
KIND_LABELS = {
    FLOW: _("counted within the period"),
    STOCK: _("value at the end of the period"),
    RATIO: _("ratio of two figures"),
}
UNITS = {
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
    label: Promise | str
    unit: str
    kind: str
    # A ratio is 100 × numerator / denominator, both keys of other metrics.
    ratio: tuple[str, str] | None = None
    definition: Promise | str = ""

    @property
    def unit_label(self):
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
    ``end``: for a stock, the field whose day removes the row again (empty: never removed).
    ``value``: the field summed (None: each row counts 1). ``by``: a choices field; each row
    then feeds ``<key>.<value of by>``. ``where``: equality filters on the row's own fields
    (``field``, ``field__isnull`` or ``field__in``).
    """

    model: type[models.Model]
    key: str
    date: str | None = None
    year: str | None = None
    end: str | None = None
    value: str | None = None
    by: str | None = None
    where: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        if (self.date is None) == (self.year is None):
            raise ValueError(f"{self.key}: give exactly one of date and year")


METRICS: dict[str, Metric] = {}
SOURCES: list[Source] = []


def register(*items: Metric | Source):
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


def family(key: str, label, unit: str, kind: str, choices, definition="") -> list[Metric]:
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

    def __init__(self, head, tail):
        self.head, self.tail = head, tail

    def __str__(self):
        return f"{self.head}: {self.tail}"

    def __eq__(self, other):
        return str(self) == str(other)

    def __hash__(self):
        return hash((str(self.head), str(self.tail)))


def metric(key: str) -> Metric:
    return METRICS[key]


def keys() -> list[str]:
    return list(METRICS)


def source_metric_keys(source: Source) -> list[str]:
    """The metric keys a source can feed."""
    if source.by is None:
        return [source.key]
    choices = source.model._meta.get_field(source.by).choices or ()
    return [f"{source.key}.{value}" for value, _label in choices]


def check_registry():
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
        if item.kind == RATIO and (item.ratio is None or not set(item.ratio) <= set(METRICS)):
            raise ValueError(f"ratio {item.key!r} needs two registered metrics")
