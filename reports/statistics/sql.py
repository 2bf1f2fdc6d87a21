"""SQL generated from the metric registry: the rows a source adds to the rollup, and its buckets.

Identifiers come from model metadata and filter values from code (checked by
``metrics.check_registry``), never from a request, so plain string formatting is safe here.
"""

# ruff: noqa: S608 - identifiers from model metadata, values from code

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from reports.statistics.metrics import SOURCES, Source

DIRTY_TABLE = "reports_dirtybucket"


def quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _column(model, name: str) -> str:
    return model._meta.get_field(name).column


@dataclass(frozen=True)
class Parent:
    """The record a source reaches its ward through (``camera__ward``): table and foreign key."""

    table: str
    fk_column: str


def parent_of(model) -> Parent | None:
    path = getattr(model, "ward_path", "ward")
    if path == "ward":
        return None
    hop, _sep, rest = path.partition("__")
    if rest != "ward":
        raise ValueError(f"{model._meta.label}: ward path {path!r} is longer than one hop")
    fk = model._meta.get_field(hop)
    return Parent(fk.related_model._meta.db_table, fk.column)


def ward_expr(model, alias: str) -> str:
    parent = parent_of(model)
    if parent is None:
        return f"{alias}.ward_id"
    return f"{alias}_p.ward_id"


def from_clause(model, alias: str, table: str | None = None) -> str:
    """``table alias`` plus the join to the parent that holds the ward, when there is one."""
    table = table or quote(model._meta.db_table)
    parent = parent_of(model)
    if parent is None:
        return f"{table} {alias}"
    return (
        f"{table} {alias} JOIN {quote(parent.table)} {alias}_p"
        f" ON {alias}_p.id = {alias}.{quote(parent.fk_column)}"
    )


def date_fields(source: Source) -> list[tuple[str, int]]:
    """(field, sign): the start date adds the value, the end date of a stock subtracts it."""
    fields = [(source.date or source.year, 1)]
    if source.end:
        fields.append((source.end, -1))
    return fields


def day_expr(source: Source, name: str, alias: str) -> str:
    """The local day a row counts on, for the field ``name``."""
    column = f"{alias}.{quote(_column(source.model, name))}"
    if name == source.year:
        return f"make_date({column}::int, 1, 1)"
    field = source.model._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return f"({column} AT TIME ZONE '{settings.TIME_ZONE}')::date"
    return column


def day_matches(source: Source, name: str, alias: str, day: str) -> str:
    """``day_expr = day``, written so that an index on the date column can serve it."""
    column = f"{alias}.{quote(_column(source.model, name))}"
    field = source.model._meta.get_field(name)
    if name != source.year and isinstance(field, models.DateTimeField):
        tz = settings.TIME_ZONE
        return (
            f"{column} >= ({day}::timestamp AT TIME ZONE '{tz}')"
            f" AND {column} < (({day} + 1)::timestamp AT TIME ZONE '{tz}')"
        )
    if name == source.year:
        # Also compare the year column itself, so the (ward, year) index can serve the match.
        year = f"{column} = date_part('year', {day})::int"
        return f"{year} AND {day_expr(source, name, alias)} = {day}"
    return f"{day_expr(source, name, alias)} = {day}"


def _literal(value) -> str:
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return "'" + str(value).replace("'", "''") + "'"


def where_sql(source: Source, alias: str) -> str:
    conditions = []
    for lookup, value in source.where.items():
        name, _sep, op = lookup.partition("__")
        column = f"{alias}.{quote(_column(source.model, name))}"
        if op == "isnull":
            conditions.append(f"{column} IS {'' if value else 'NOT '}NULL")
        elif op == "in":
            conditions.append(f"{column} IN ({', '.join(_literal(v) for v in value)})")
        elif op == "":
            conditions.append(f"{column} = {_literal(value)}")
        else:
            raise ValueError(f"{source.key}: unsupported filter {lookup!r}")
    return " AND ".join(conditions) or "TRUE"


def key_expr(source: Source, alias: str) -> str:
    if source.by is None:
        return _literal(source.key)
    return f"{_literal(source.key + '.')} || {alias}.{quote(_column(source.model, source.by))}"


def value_expr(source: Source, alias: str) -> str:
    if source.value is None:
        return "1::numeric"
    return f"{alias}.{quote(_column(source.model, source.value))}::numeric"


def group_expr(source: Source, alias: str) -> str:
    try:
        field = source.model._meta.get_field("group")
    except FieldDoesNotExist:
        return "NULL::int"
    if not isinstance(field, models.ForeignKey):
        return "NULL::int"
    return f"{alias}.{quote(field.column)}"


def day_between(source: Source, name: str, alias: str, first: str, last: str) -> str:
    """``first <= day_expr <= last`` (date placeholders), written so an index can serve it."""
    column = f"{alias}.{quote(_column(source.model, name))}"
    field = source.model._meta.get_field(name)
    if name == source.year:
        return (
            f"{column} BETWEEN date_part('year', {first}::date) AND date_part('year', {last}::date)"
        )
    if isinstance(field, models.DateTimeField):
        tz = settings.TIME_ZONE
        return (
            f"{column} >= ({first}::date::timestamp AT TIME ZONE '{tz}')"
            f" AND {column} < (({last}::date + 1)::timestamp AT TIME ZONE '{tz}')"
        )
    return f"{column} BETWEEN {first}::date AND {last}::date"


def contribution_selects(*, dirty: str | None = None, since=None, ward_filter: str = "") -> list:
    """One SELECT per source and date field yielding (ward_id, day, group_id, metric, value).

    ``dirty``: a table of (ward_id, day) to restrict to those buckets (incremental run), whose
    wards and first and last days are also given as the parameters ``dirty_wards``,
    ``dirty_first`` and ``dirty_last``; otherwise ``since`` (a date literal placeholder) and
    ``ward_filter`` bound a rebuild.
    """
    selects = []
    for source in SOURCES:
        alias = "t"
        ward = ward_expr(source.model, alias)
        for name, sign in date_fields(source):
            day = day_expr(source, name, alias)
            sql = (
                f"SELECT {ward} AS ward_id, {day} AS day, {group_expr(source, alias)} AS group_id,"
                f" {key_expr(source, alias)} AS metric,"
                f" {sign} * {value_expr(source, alias)} AS value"
            )
            source_from = from_clause(source.model, alias)
            if dirty is None:
                sql += f" FROM {source_from}"
            else:
                sql += (
                    f" FROM {source_from} JOIN {dirty} d ON d.ward_id = {ward}"
                    f" AND {day_matches(source, name, alias, 'd.day')}"
                )
            conditions = [where_sql(source, alias), f"{day} IS NOT NULL"]
            if dirty is not None:
                # The same bounds as constants: a join alone leaves the planner blind to the
                # dates, and it reads a large ward's every row through the ward index where
                # the (ward, date) index finds a bucket's rows in a millisecond.
                conditions.append(f"{ward} = ANY(%(dirty_wards)s)")
                conditions.append(
                    day_between(source, name, alias, "%(dirty_first)s", "%(dirty_last)s")
                )
            if since is not None:
                conditions.append(f"{day} >= {since}")
            if ward_filter:
                conditions.append(ward_filter.format(ward=ward))
            selects.append(sql + " WHERE " + " AND ".join(conditions))
    return selects


def source_models() -> list:
    seen = []
    for source in SOURCES:
        if source.model not in seen:
            seen.append(source.model)
    return seen


def bucket_select(model, alias: str, table: str) -> str:
    """(ward_id, day) of every bucket the rows of ``table`` (shaped like ``model``) count in."""
    parts = []
    ward = ward_expr(model, alias)
    for source in SOURCES:
        if source.model is not model:
            continue
        for name, _sign in date_fields(source):
            parts.append(
                f"SELECT {ward} AS ward_id, {day_expr(source, name, alias)} AS day"
                f" FROM {from_clause(model, alias, table)}"
            )
    return " UNION ".join(dict.fromkeys(parts))
