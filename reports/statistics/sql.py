"""SQL generated from the metric registry: the rows a source adds to the rollup, and its buckets.

Identifiers come from model metadata and filter values from code (checked by
``metrics.check_registry``), never from a request, so plain string formatting is safe here.

A source reads its own row and, through one foreign key each, the related records its paths
name (``camera__ward``, ``household__group``, ``household__created_at``): a *hop*. A hop is
joined as ``<alias>_<hop>``; ``triggers`` reads a hop from a transition table instead.
"""

# ruff: noqa: S608 - identifiers from model metadata, values from code

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models

from reports.statistics.metrics import SOURCES, Source

DIRTY_TABLE = "reports_dirtybucket"
START, END, NEXT = "start", "end", "next"
FILTER_OPS = ("isnull", "in")


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The field ``name`` of ``model``: a source's paths name fields with a column."""
    found = model._meta.get_field(name)
    assert isinstance(found, models.Field), f"{model._meta.label}.{name} is a relation"
    return found


def _db_column(model: type[models.Model], name: str) -> str:
    """The quoted column of the field ``name`` of ``model``."""
    column = _concrete(model, name).column
    assert column is not None, f"{model._meta.label}.{name} has no column"
    return quote(column)


@dataclass(frozen=True)
class Hop:
    """A related record a source reads through one foreign key (a commitment's household)."""

    name: str  # the foreign key's field name on the source's model
    fk_column: str
    model: type[models.Model]

    @property
    def table(self) -> str:
        return self.model._meta.db_table


def _split(model: type[models.Model], path: str) -> tuple[Hop | None, str]:
    """``household__group`` → (the household hop, ``group``); ``ward`` → (None, ``ward``)."""
    head, sep, rest = path.partition("__")
    if not sep:
        return None, path
    if "__" in rest:
        raise ValueError(f"{model._meta.label}: path {path!r} is longer than one hop")
    fk = model._meta.get_field(head)
    if not isinstance(fk, models.ForeignKey):
        raise ValueError(f"{model._meta.label}: {head!r} in {path!r} is not a foreign key")
    return Hop(head, fk.column, fk.related_model), rest


def _lookup(lookup: str) -> tuple[str, str]:
    """``household__isnull`` → (``household``, ``isnull``); ``household__active`` → (it, "")."""
    path, sep, op = lookup.rpartition("__")
    if sep and op in FILTER_OPS:
        return path, op
    return lookup, ""


def source_paths(source: Source) -> list[str]:
    """Every field path a source reads: ward, group, filters and its dates."""
    paths = [source.ward_path, *source.group_paths]
    if source.not_before:
        paths.append(source.not_before)
    paths += [_lookup(lookup)[0] for lookup in source.where]
    return paths


def source_hops(source: Source) -> list[Hop]:
    hops: dict[str, Hop] = {}
    for path in source_paths(source):
        hop, _name = _split(source.model, path)
        if hop is not None:
            hops.setdefault(hop.name, hop)
    return list(hops.values())


def hop_fields(source: Source, hop: Hop) -> list[str]:
    """The fields of the related record a source reads through ``hop``."""
    names: list[str] = []
    for path in source_paths(source):
        found, name = _split(source.model, path)
        if found is not None and found.name == hop.name and name not in names:
            names.append(name)
    return names


@dataclass(frozen=True)
class Event:
    """A day a source's row changes its metric on: +value on its start, -value on its end."""

    kind: str  # START (its date or year), END (its end date), NEXT (the next row's date)
    name: str  # the field: the date or year field, or the end field
    sign: int


def events(source: Source) -> list[Event]:
    start = source.date or source.year
    assert start is not None  # a Source has exactly one of date and year
    found = [Event(START, start, 1)]
    if source.end:
        found.append(Event(END, source.end, -1))
    if source.latest_per:
        assert source.date is not None  # latest_per needs a date
        found.append(Event(NEXT, source.date, -1))
    return found


@dataclass(frozen=True)
class Rows:
    """One source's rows as SQL: ``alias`` is the row (``table`` when it is not the model's own
    table, e.g. a transition table); ``given`` names hops read from an alias already in FROM."""

    source: Source
    alias: str
    table: str | None = None
    given: dict[str, str] = field(default_factory=dict)
    # The column of ``table`` holding a NEXT event's day (``next_table``), when computed once
    # for the whole table instead of once per row.
    next_column: str | None = None

    @property
    def model(self) -> type[models.Model]:
        return self.source.model

    def _hop_alias(self, hop: Hop) -> str:
        return self.given.get(hop.name) or f"{self.alias}_{hop.name}"

    def _field(self, path: str) -> tuple[str, models.Field[Any, Any]]:
        hop, name = _split(self.model, path)
        if hop is None:
            return self.alias, _concrete(self.model, name)
        return self._hop_alias(hop), _concrete(hop.model, name)

    def column(self, path: str) -> str:
        alias, found = self._field(path)
        assert found.column is not None, f"{path!r} has no column"
        return f"{alias}.{quote(found.column)}"

    def local_day(self, path: str) -> str:
        """The local date of a date or date-time field."""
        _alias, found = self._field(path)
        if isinstance(found, models.DateTimeField):
            return f"({self.column(path)} AT TIME ZONE '{settings.TIME_ZONE}')::date"
        return self.column(path)

    def from_clause(self, on: str | None = None) -> str:
        """The row's table (joined ``on`` a condition when given), then its hops' tables."""
        table = self.table or quote(self.model._meta.db_table)
        text = f"{table} {self.alias}"
        if on:
            text += f" ON {on}"
        for hop in source_hops(self.source):
            if hop.name in self.given:
                continue
            alias = self._hop_alias(hop)
            text += (
                f" LEFT JOIN {quote(hop.table)} {alias}"
                f" ON {alias}.id = {self.alias}.{quote(hop.fk_column)}"
            )
        return text

    def ward(self) -> str:
        return self.column(self.source.ward_path)

    def group(self) -> str:
        columns = [self.column(path) for path in self.source.group_paths]
        if not columns:
            return "NULL::int"
        return columns[0] if len(columns) == 1 else f"COALESCE({', '.join(columns)})"

    def key(self) -> str:
        source = self.source
        if source.by is None:
            return _literal(source.key)
        return f"{_literal(source.key + '.')} || {self.column(source.by)}"

    def value(self) -> str:
        if self.source.value is None:
            return "1::numeric"
        return f"{self.column(self.source.value)}::numeric"

    # Days.

    def _year_start(self) -> str:
        assert self.source.year is not None  # only a source counted by year starts on 1 January
        return f"make_date({self.column(self.source.year)}::int, 1, 1)"

    def _next(self) -> str:
        """The next later date of a row of the same ward and ``latest_per`` field."""
        source = self.source
        # a NEXT event is a latest_per source's, which has a date
        assert source.date is not None and source.latest_per is not None
        table = quote(self.model._meta.db_table)
        date, ward = self.column(source.date), self.column(source.ward_path)
        per = self.column(source.latest_per)
        date_column = _db_column(self.model, source.date)
        ward_column = _db_column(self.model, source.ward_path)
        per_column = _db_column(self.model, source.latest_per)
        return (
            f"(SELECT min(x.{date_column}) FROM {table} x WHERE x.{ward_column} = {ward}"
            f" AND x.{per_column} IS NOT DISTINCT FROM {per} AND x.{date_column} > {date})"
        )

    def day(self, event: Event) -> str:
        """The local day the event falls on."""
        if event.kind == NEXT:
            if self.next_column is not None:
                return f"{self.alias}.{self.next_column}"
            return self._next()
        if event.kind == START and self.source.year:
            if self.source.not_before:
                return f"GREATEST({self._year_start()}, {self.local_day(self.source.not_before)})"
            return self._year_start()
        return self.local_day(event.name)

    def day_matches(self, event: Event, day: str) -> str:
        """``day(event) = day``, written so that an index on the date column can serve it."""
        if event.kind == NEXT:
            return f"{self.day(event)} = {day} AND {self.column(event.name)} < {day}"
        column = self.column(event.name)
        if event.kind == START and self.source.year:
            # Also compare the year column itself, so the (ward, year) index can serve it.
            return f"{column} = date_part('year', {day})::int AND {self.day(event)} = {day}"
        if isinstance(self._field(event.name)[1], models.DateTimeField):
            tz = settings.TIME_ZONE
            return (
                f"{column} >= ({day}::timestamp AT TIME ZONE '{tz}')"
                f" AND {column} < (({day} + 1)::timestamp AT TIME ZONE '{tz}')"
            )
        return f"{column} = {day}"

    def day_between(self, event: Event, first: str, last: str) -> str:
        """``first <= day(event) <= last`` (date placeholders), written for an index."""
        column = self.column(event.name)
        if event.kind == NEXT:  # the next row's date is after the row's own
            return f"{column} < {last}::date"
        if event.kind == START and self.source.year:
            # A counted row's day is in its year (``not_before`` after the year drops it).
            return (
                f"{column} BETWEEN date_part('year', {first}::date)"
                f" AND date_part('year', {last}::date)"
            )
        if isinstance(self._field(event.name)[1], models.DateTimeField):
            tz = settings.TIME_ZONE
            return (
                f"{column} >= ({first}::date::timestamp AT TIME ZONE '{tz}')"
                f" AND {column} < (({last}::date + 1)::timestamp AT TIME ZONE '{tz}')"
            )
        return f"{column} BETWEEN {first}::date AND {last}::date"

    # Filters.

    def where(self) -> str:
        conditions: list[str] = []
        for lookup, value in self.source.where.items():
            path, op = _lookup(lookup)
            column = self.column(path)
            if op == "isnull":
                conditions.append(f"{column} IS {'' if value else 'NOT '}NULL")
            elif op == "in":
                conditions.append(f"{column} IN ({', '.join(_literal(v) for v in value)})")
            else:
                conditions.append(f"{column} = {_literal(value)}")
        return " AND ".join(conditions) or "TRUE"

    def conditions(self, event: Event) -> list[str]:
        """What a row must meet to add to its metric on the event's day."""
        found = [self.where(), f"{self.day(event)} IS NOT NULL", f"{self.ward()} IS NOT NULL"]
        if self.source.not_before:
            assert self.source.year is not None  # not_before needs a year
            year_end = f"make_date({self.column(self.source.year)}::int, 12, 31)"
            found.append(f"{self.local_day(self.source.not_before)} <= {year_end}")
        return found


def _literal(value: object) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "'" + str(value).replace("'", "''") + "'"


NEXT_COLUMN = "rollup_next_day"


def next_table(source: Source, ward_filter: str = "") -> str:
    """A ``latest_per`` source's table with each row's NEXT day (``Rows._next``: the next later
    date of a row of the same ward and ``latest_per`` field, whatever its other fields), computed
    by one window over the table instead of a look-up per row: a rebuild reads every row, and the
    look-ups cost as many scans of a ward's rows (``ward_filter``: the wards rebuilt)."""
    assert source.date is not None and source.latest_per is not None
    date = _db_column(source.model, source.date)
    ward = _db_column(source.model, source.ward_path)
    per = _db_column(source.model, source.latest_per)
    where = f" WHERE {ward_filter.format(ward=ward)}" if ward_filter else ""
    return (
        f"(SELECT *, min({date}) OVER (PARTITION BY {ward}, {per} ORDER BY {date}"
        " RANGE BETWEEN '1 day'::interval FOLLOWING AND UNBOUNDED FOLLOWING)"
        f" AS {NEXT_COLUMN} FROM {quote(source.model._meta.db_table)}{where})"
    )


def _next_dirty_select(rows: Rows, event: Event, dirty: str) -> str:
    """The NEXT event of a ``latest_per`` source, for the buckets in ``dirty`` of the wards in
    ``dirty_wards``.

    The rows whose next later date (``Rows._next``: same ward and ``latest_per`` field, any other
    fields) is a dirty day D are, for each value of the field that has a row on D, that value's
    rows on its latest date before D. They are found from D's rows, through the (ward, date)
    index: computing the next date of every earlier row of the ward, a look-up each, took 70 s
    for the largest ward of 250,000 households (``make bench``). Each (D, value)'s latest date is
    found once, in a subquery planned on its own (``OFFSET 0``), then its rows are joined: let
    the planner join the rows first and it looked the date up again for every row of the ward
    (4,655 look-ups of 4,655 rows each, 12 s for ten changes in ten wards at 300,000
    households); the latest date is read backwards through the (ward, date) index, stopping
    at the first row of the value; and only the statement's own wards' dirty days are looked
    at."""
    source = rows.source
    assert source.date is not None and source.latest_per is not None
    table = quote(rows.model._meta.db_table)
    date = _db_column(rows.model, source.date)
    ward_column = _db_column(rows.model, source.ward_path)
    per = _db_column(rows.model, source.latest_per)
    ward = rows.ward()
    on = (
        f"{ward} = p.ward_id AND {rows.column(source.latest_per)} IS NOT DISTINCT FROM"
        f" p.per AND {rows.column(source.date)} = p.before"
    )
    return (
        f"SELECT {ward} AS ward_id, p.day AS day, {rows.group()} AS group_id,"
        f" {rows.key()} AS metric, {event.sign} * {rows.value()} AS value"
        " FROM (SELECT d.ward_id, d.day, on_day.per, before.day AS before"
        f"  FROM {dirty} d"
        f"  CROSS JOIN LATERAL (SELECT DISTINCT x.{per} AS per FROM {table} x"
        f"   WHERE x.{ward_column} = d.ward_id AND x.{ward_column} = ANY(%(dirty_wards)s)"
        f"   AND x.{date} = d.day) AS on_day"
        f"  CROSS JOIN LATERAL (SELECT y.{date} AS day FROM {table} y"
        f"   WHERE y.{ward_column} = d.ward_id AND y.{ward_column} = ANY(%(dirty_wards)s)"
        f"   AND y.{per} IS NOT DISTINCT FROM on_day.per AND y.{date} < d.day"
        f"   ORDER BY y.{date} DESC LIMIT 1) AS before"
        "  WHERE d.ward_id = ANY(%(dirty_wards)s) OFFSET 0) AS p"
        f" JOIN {rows.from_clause(on=on)}"
        f" WHERE {rows.where()} AND {ward} = ANY(%(dirty_wards)s)"
    )


def contribution_selects(
    *,
    dirty: str | None = None,
    since: str | None = None,
    ward_filter: str = "",
    sources: Sequence[Source] | None = None,
) -> list[str]:
    """One SELECT per source (of ``SOURCES``, or of ``sources``) and event yielding
    (ward_id, day, group_id, metric, value).

    ``dirty``: a table of (ward_id, day) to restrict to those buckets (incremental run), whose
    wards and first and last days are also given as the parameters ``dirty_wards``,
    ``dirty_first`` and ``dirty_last``; otherwise ``since`` (a date literal placeholder) and
    ``ward_filter`` bound a rebuild.
    """
    selects: list[str] = []
    for source in SOURCES if sources is None else sources:
        rows = Rows(source, "t")
        if dirty is None and source.latest_per is not None:
            rows = Rows(source, "t", table=next_table(source, ward_filter), next_column=NEXT_COLUMN)
        ward = rows.ward()
        for event in events(source):
            if dirty is not None and event.kind == NEXT:
                selects.append(_next_dirty_select(rows, event, dirty))
                continue
            day = rows.day(event)
            sql = (
                f"SELECT {ward} AS ward_id, {day} AS day, {rows.group()} AS group_id,"
                f" {rows.key()} AS metric, {event.sign} * {rows.value()} AS value"
                f" FROM {rows.from_clause()}"
            )
            if dirty is not None:
                sql += (
                    f" JOIN {dirty} d ON d.ward_id = {ward} AND {rows.day_matches(event, 'd.day')}"
                )
            conditions = rows.conditions(event)
            if dirty is not None:
                # The same bounds as constants: a join alone leaves the planner blind to the
                # dates, and it reads a large ward's every row through the ward index where
                # the (ward, date) index finds a bucket's rows in a millisecond.
                conditions.append(f"{ward} = ANY(%(dirty_wards)s)")
                conditions.append(rows.day_between(event, "%(dirty_first)s", "%(dirty_last)s"))
            if since is not None:
                conditions.append(f"{day} >= {since}")
            if ward_filter:
                conditions.append(ward_filter.format(ward=ward))
            selects.append(sql + " WHERE " + " AND ".join(conditions))
    return selects


def source_models() -> list[type[models.Model]]:
    seen: list[type[models.Model]] = []
    for source in SOURCES:
        if source.model not in seen:
            seen.append(source.model)
    return seen


def bucket_select(model: type[models.Model], alias: str, table: str) -> str:
    """(ward_id, day) of every bucket the rows of ``table`` (shaped like ``model``) count in."""
    parts: list[str] = []
    for source in SOURCES:
        if source.model is not model:
            continue
        rows = Rows(source, alias, table=table)
        for event in events(source):
            parts.append(
                f"SELECT {rows.ward()} AS ward_id, {rows.day(event)} AS day"
                f" FROM {rows.from_clause()}"
            )
    return " UNION ".join(dict.fromkeys(parts))


def related_models() -> list[type[models.Model]]:
    """The models sources read through a hop (a commitment's household, an extraction's camera)."""
    seen: list[type[models.Model]] = []
    for source in SOURCES:
        for hop in source_hops(source):
            if hop.model not in seen:
                seen.append(hop.model)
    return seen


def related_bucket_selects(related: type[models.Model], *, deleted: bool) -> list[str]:
    """(ward_id, day) of the buckets of every row that reads a changed row of ``related``.

    An update marks the buckets as the rows stood with the old and with the new related row,
    when a field they read changed; a delete marks them with the old related row (the rows
    still there then; rows deleted before it marked their own).
    """
    selects: list[str] = []
    for source in SOURCES:
        for hop in source_hops(source):
            if hop.model is not related:
                continue
            columns = [_db_column(hop.model, name) for name in hop_fields(source, hop)]
            sides: tuple[str, ...]
            if deleted:
                sides, start = ("o",), "old_rows o"
            else:
                old, new = (", ".join(f"{side}.{c}" for c in columns) for side in ("o", "n"))
                sides = ("o", "n")
                start = (
                    "old_rows o JOIN new_rows n ON n.id = o.id"
                    f" AND ROW({old}) IS DISTINCT FROM ROW({new})"
                )
            for side in sides:
                rows = Rows(source, "c", given={hop.name: side})
                on = f"c.{quote(hop.fk_column)} = {side}.id"
                for event in events(source):
                    selects.append(
                        f"SELECT {rows.ward()} AS ward_id, {rows.day(event)} AS day"
                        f" FROM {start} JOIN {rows.from_clause(on)}"
                    )
    return list(dict.fromkeys(selects))
