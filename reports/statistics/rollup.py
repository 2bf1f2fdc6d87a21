"""Keeping the rollup current (SPEC §7): incremental runs over dirty buckets, and full rebuilds.

``process_dirty()`` claims the outbox rows up to a watermark (the highest id at the start) in
bounded batches; each batch, in one transaction, deletes the claimed rows, deletes and reinserts
the ``StatDay`` rows of their (ward, day) buckets from the source tables, and adds the
difference between the old and the new rows to the ``StatMonth`` rows of the changed months and
of the months after them (and moves the first day in ``StatSeries`` of a series it changed
at or before its start). A run killed half-way rolls its batch back, outbox rows included, so
the next run repairs it; running twice changes nothing.
A PostgreSQL advisory lock keeps runs (and rebuilds of a part) from overlapping. The work of a
batch is proportional to its buckets (and to the months after them), not to the size of the data;
a rebuild recomputes the months from the day rows. A rebuild of the whole rollup builds new
tables beside the live ones while incremental runs go on, and swaps them in under the lock for a
moment only (``_rebuild_swap``).
"""

# ruff: noqa: S608 - SQL built from the registry (reports.statistics.sql); values are parameters

import datetime as dt
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from functools import partial

from django.conf import settings
from django.db import OperationalError, connection, connections, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from households.models import Ward
from reports.models import DirtyBucket, RollupState, province_row
from reports.statistics.metrics import SOURCES, Source
from reports.statistics.sql import DIRTY_TABLE, contribution_selects, events, quote

logger = logging.getLogger(__name__)

LOCK_KEY = 0x5EC0_57A7  # any constant shared by every rollup run
BATCH = 5000  # outbox rows per transaction
# A rebuild groups millions of rows: with PostgreSQL's default 4 MB the aggregate spills to disk.
WORK_MEM = "256MB"
DAY_TABLE, MONTH_TABLE, SERIES_TABLE = "reports_statday", "reports_statmonth", "reports_statseries"
ROLLUP_TABLES = (DAY_TABLE, MONTH_TABLE, SERIES_TABLE)
NEW = "_new"  # a full rebuild's tables are built under the live names with this suffix
# While a full rebuild builds its tables, the buckets incremental runs process on the live ones
# are also noted here, to be replayed on the new tables at the swap (``_swap``).
REPLAY_TABLE = "reports_rollup_replay"
REBUILD_LOCK_KEY = 0x5EC0_57A8  # one full rebuild at a time (incremental runs go on)
# The swap needs the live tables alone (ACCESS EXCLUSIVE): while it waits for a long read to
# end, every read that comes after queues behind it, and the statistics stop. So a try waits at
# most SWAP_LOCK_TIMEOUT for a lock, then gives way (rolls back: the readers go on) and the
# swap is tried again SWAP_PAUSE seconds later, SWAP_ATTEMPTS times in all.
SWAP_LOCK_TIMEOUT = "2s"
SWAP_PAUSE = 1.0
SWAP_ATTEMPTS = 30
LOCK_NOT_AVAILABLE = "55P03"  # PostgreSQL's SQLSTATE for a lock_timeout


class SwapBlocked(Exception):
    """The rebuilt tables could not be swapped in: the live ones were never free long enough."""


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _lock(cursor: CursorWrapper, *, wait: bool) -> bool:
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
    locked: bool = cursor.fetchone()[0]
    return locked


def days_select(
    *,
    dirty: str | None = None,
    since: dt.date | None = None,
    ward_ids: list[int] | None = None,
    ordered: bool = True,
) -> str:
    """The StatDay rows of the chosen buckets, computed from the source tables, in index order
    (``ordered``; the benchmark's limit, ``bench.run.group_by_sql``, asks for them unordered).

    Written in the order of the ``(ward_id, day)`` index, a rebuild's millions of rows append
    to the index instead of splitting pages all over it (half the time of an unordered insert).
    """
    ward_filter = "{ward} = ANY(%(wards)s)" if ward_ids is not None else ""
    selects = contribution_selects(
        dirty=dirty, since="%(since)s" if since else None, ward_filter=ward_filter
    )
    return (
        "SELECT ward_id, day, group_id, metric, SUM(value) FROM ("
        + " UNION ALL ".join(selects)
        + ") AS rows GROUP BY ward_id, day, group_id, metric HAVING SUM(value) <> 0"
        + (" ORDER BY ward_id, day" if ordered else "")
    )


def _insert_days(
    cursor: CursorWrapper,
    *,
    since: dt.date | None = None,
    ward_ids: list[int] | None = None,
) -> None:
    """Insert the StatDay rows of a rebuild of a part."""
    cursor.execute(
        "INSERT INTO reports_statday (ward_id, day, group_id, metric, value) "
        + days_select(since=since, ward_ids=ward_ids),
        {"since": since, "wards": list(ward_ids) if ward_ids is not None else None},
    )


def _replace_dirty_days(cursor: CursorWrapper) -> None:
    """Replace the StatDay rows of the buckets in ``_rollup_dirty``, noting the net change.

    What the deleted rows held goes to ``_rollup_change`` negated and what the new rows hold
    goes there as is, per ward, metric and month: the months are then corrected by that
    difference alone (``_apply_changes``), whatever the size of the ward's history.
    """
    cursor.execute(
        "WITH gone AS (DELETE FROM reports_statday s USING _rollup_dirty d"
        " WHERE s.ward_id = d.ward_id AND s.day = d.day"
        " RETURNING s.ward_id, s.metric, s.day, s.value)"
        " INSERT INTO _rollup_change"
        " SELECT ward_id, metric, date_trunc('month', day)::date, -SUM(value) FROM gone"
        " GROUP BY 1, 2, 3"
    )
    # One statement per ward, so that each carries its own first and last day as constants.
    cursor.execute("SELECT ward_id, min(day), max(day) FROM _rollup_dirty GROUP BY 1 ORDER BY 1")
    for ward_id, first, last in cursor.fetchall():
        cursor.execute(
            "WITH added AS (INSERT INTO reports_statday (ward_id, day, group_id, metric, value) "
            + days_select(dirty="_rollup_dirty")
            + " RETURNING ward_id, metric, day, value)"
            " INSERT INTO _rollup_change"
            " SELECT ward_id, metric, date_trunc('month', day)::date, SUM(value) FROM added"
            " GROUP BY 1, 2, 3",
            {"dirty_wards": [ward_id], "dirty_first": first, "dirty_last": last},
        )


def _replace_province_days(cursor: CursorWrapper) -> None:
    """Recompute the province totals of the days in ``_rollup_dirty`` from their wards' rows,
    noting the net change in ``_rollup_change`` as ``_replace_dirty_days`` does."""
    cursor.execute(
        "INSERT INTO _rollup_province_days SELECT DISTINCT -w.province_id, d.day"
        " FROM _rollup_dirty d JOIN households_ward w ON w.id = d.ward_id"
    )
    cursor.execute(
        "WITH gone AS (DELETE FROM reports_statday s USING _rollup_province_days p"
        " WHERE s.ward_id = p.ward_id AND s.day = p.day"
        " RETURNING s.ward_id, s.metric, s.day, s.value)"
        " INSERT INTO _rollup_change"
        " SELECT ward_id, metric, date_trunc('month', day)::date, -SUM(value) FROM gone"
        " GROUP BY 1, 2, 3"
    )
    cursor.execute(
        "WITH added AS (INSERT INTO reports_statday (ward_id, day, group_id, metric, value)"
        " SELECT p.ward_id, p.day, NULL, s.metric, SUM(s.value) FROM _rollup_province_days p"
        " JOIN households_ward w ON w.province_id = -p.ward_id"
        " JOIN reports_statday s ON s.ward_id = w.id AND s.day = p.day"
        " GROUP BY 1, 2, 4 HAVING SUM(s.value) <> 0"
        " RETURNING ward_id, metric, day, value)"
        " INSERT INTO _rollup_change"
        " SELECT ward_id, metric, date_trunc('month', day)::date, SUM(value) FROM added"
        " GROUP BY 1, 2, 3"
    )


def _insert_province_days(
    cursor: CursorWrapper,
    *,
    since: dt.date | None = None,
    province_ids: list[int] | None = None,
) -> None:
    """Insert the province totals of a rebuild of a part (every province, or the given ones)."""
    conditions = ["s.ward_id > 0"]
    if since:
        conditions.append("s.day >= %(since)s")
    if province_ids is not None:
        conditions.append("w.province_id = ANY(%(provinces)s)")
    cursor.execute(
        "INSERT INTO reports_statday (ward_id, day, group_id, metric, value)"
        " SELECT -w.province_id, s.day, NULL, s.metric, SUM(s.value)"
        " FROM reports_statday s JOIN households_ward w ON w.id = s.ward_id"
        f" WHERE {' AND '.join(conditions)}"
        " GROUP BY 1, 2, 4 HAVING SUM(s.value) <> 0 ORDER BY 1, 2",
        {"since": since, "provinces": province_ids},
    )


def _update_series(cursor: CursorWrapper) -> None:
    """Recompute the first day of the series a batch changed (noted in ``_rollup_change``).

    A series whose first day is before every month the batch changed keeps it; the others
    look for their first day row from the first changed month on.
    """
    cursor.execute(
        "INSERT INTO _rollup_touched SELECT c.ward_id, c.metric, min(c.month)"
        " FROM _rollup_change c GROUP BY 1, 2"
        " HAVING NOT EXISTS (SELECT 1 FROM reports_statseries s WHERE s.ward_id = c.ward_id"
        "  AND s.metric = c.metric AND s.first_day < min(c.month))"
    )
    cursor.execute(
        "DELETE FROM reports_statseries s USING _rollup_touched t"
        " WHERE s.ward_id = t.ward_id AND s.metric = t.metric"
    )
    cursor.execute(
        "INSERT INTO reports_statseries (ward_id, metric, first_day)"
        " SELECT t.ward_id, t.metric, f.day FROM _rollup_touched t"
        " CROSS JOIN LATERAL (SELECT d.day FROM reports_statday d"
        "  WHERE d.ward_id = t.ward_id AND d.metric = t.metric AND d.day >= t.month"
        "  ORDER BY d.day LIMIT 1) f"
    )


def _rebuild_series(
    cursor: CursorWrapper, *, since: dt.date | None, rows: list[int] | None
) -> None:
    """Recompute the first days of the rebuilt rows (a series that began before ``since``
    keeps its first day)."""
    kept, days = ["TRUE"], ["TRUE"]
    if since:
        kept.append("first_day >= %(since)s")
        days.append("day >= %(since)s")
    if rows is not None:
        kept.append("ward_id = ANY(%(rows)s)")
        days.append("ward_id = ANY(%(rows)s)")
    params = {"since": since, "rows": rows}
    cursor.execute(f"DELETE FROM reports_statseries WHERE {' AND '.join(kept)}", params)
    cursor.execute(
        "INSERT INTO reports_statseries (ward_id, metric, first_day)"
        f" SELECT ward_id, metric, min(day) FROM reports_statday WHERE {' AND '.join(days)}"
        " GROUP BY 1, 2 ON CONFLICT (ward_id, metric) DO NOTHING",
        params,
    )


def _horizon(cursor: CursorWrapper, state: RollupState) -> dt.date:
    """The month up to which StatMonth is dense: this month, or a later one a record names."""
    cursor.execute("SELECT max(day) FROM reports_statday")
    latest = cursor.fetchone()[0]
    horizon = _month(timezone.localdate())
    if latest is not None:
        horizon = max(horizon, _month(latest))
    if state.horizon is not None:
        horizon = max(horizon, state.horizon)
    return horizon


def _extend(cursor: CursorWrapper, old: dt.date | None, new: dt.date) -> None:
    """Carry every series' running total forward from the old horizon to the new one."""
    if old is None or new <= old:
        return
    cursor.execute(
        "INSERT INTO reports_statmonth (ward_id, metric, month, delta, closing)"
        " SELECT s.ward_id, s.metric, m::date, 0, s.closing FROM reports_statmonth s"
        " CROSS JOIN generate_series(%(first)s::date, %(new)s::date, interval '1 month') AS m"
        " WHERE s.month = %(old)s",
        {"old": old, "new": new, "first": _add_month(old)},
    )


def _add_month(month: dt.date) -> dt.date:
    return dt.date(month.year + (month.month == 12), month.month % 12 + 1, 1)


def _rewrite_months(cursor: CursorWrapper, horizon: dt.date) -> None:
    """Rewrite StatMonth of each ward in ``_rollup_wards`` from its first dirty month on."""
    cursor.execute(
        "DELETE FROM reports_statmonth s USING _rollup_wards w"
        " WHERE s.ward_id = w.ward_id AND s.month >= w.first_month"
    )
    cursor.execute(
        """
        INSERT INTO reports_statmonth (ward_id, metric, month, delta, closing)
        WITH base AS (
            SELECT s.ward_id, s.metric, s.closing AS base, FALSE AS moves
            FROM reports_statmonth s JOIN _rollup_wards w ON w.ward_id = s.ward_id
            WHERE s.month = (w.first_month - interval '1 month')::date
        ),
        deltas AS (
            SELECT d.ward_id, d.metric, date_trunc('month', d.day)::date AS month,
                   SUM(d.value) AS delta
            FROM reports_statday d JOIN _rollup_wards w ON w.ward_id = d.ward_id
            WHERE d.day >= w.first_month
            GROUP BY 1, 2, 3
        ),
        series AS (
            SELECT ward_id, metric, SUM(base) AS base FROM (
                SELECT ward_id, metric, base, moves FROM base
                UNION ALL SELECT DISTINCT ward_id, metric, 0, TRUE FROM deltas
            ) AS parts
            GROUP BY ward_id, metric
            HAVING SUM(base) <> 0 OR bool_or(moves)
        )
        SELECT s.ward_id, s.metric, m.month, COALESCE(d.delta, 0),
               s.base + SUM(COALESCE(d.delta, 0)) OVER (
                   PARTITION BY s.ward_id, s.metric ORDER BY m.month
               )
        FROM series s
        JOIN _rollup_wards w ON w.ward_id = s.ward_id
        CROSS JOIN LATERAL (
            SELECT g::date AS month
            FROM generate_series(w.first_month, %(horizon)s::date, interval '1 month') AS g
        ) AS m
        LEFT JOIN deltas d
            ON d.ward_id = s.ward_id AND d.metric = s.metric AND d.month = m.month
        """,
        {"horizon": horizon},
    )


def _apply_changes(cursor: CursorWrapper, horizon: dt.date) -> None:
    """Add the net changes of ``_rollup_change`` to StatMonth: to the month's delta and to the
    closing of that month and of every later one, up to the horizon.

    The series a change touches are first made dense from the changed month on (rows at zero,
    where the series had not started yet), so a new metric or an earlier first record is added
    like any other change. The work follows the changed series and months, not the day rows.
    """
    cursor.execute(
        "INSERT INTO _rollup_net SELECT ward_id, metric, month, SUM(diff) FROM _rollup_change"
        " GROUP BY 1, 2, 3 HAVING SUM(diff) <> 0"
    )
    if not cursor.rowcount:
        return
    cursor.execute("ANALYZE _rollup_net")
    cursor.execute(
        "INSERT INTO reports_statmonth (ward_id, metric, month, delta, closing)"
        " SELECT n.ward_id, n.metric, g::date, 0, 0"
        " FROM (SELECT ward_id, metric, min(month) AS first FROM _rollup_net GROUP BY 1, 2) n"
        " CROSS JOIN LATERAL generate_series(n.first, %(horizon)s::date, interval '1 month') g"
        " ON CONFLICT (ward_id, metric, month) DO NOTHING",
        {"horizon": horizon},
    )
    cursor.execute(
        "UPDATE reports_statmonth s"
        " SET delta = s.delta + x.delta, closing = s.closing + x.closing"
        " FROM (SELECT m.ward_id, m.metric, m.month,"
        "  COALESCE(SUM(n.diff) FILTER (WHERE n.month = m.month), 0) AS delta,"
        "  SUM(n.diff) AS closing"
        "  FROM reports_statmonth m JOIN _rollup_net n"
        "  ON n.ward_id = m.ward_id AND n.metric = m.metric AND n.month <= m.month"
        "  GROUP BY 1, 2, 3) x"
        " WHERE s.ward_id = x.ward_id AND s.metric = x.metric AND s.month = x.month"
    )


def _finish(cursor: CursorWrapper, *, rebuilt: bool, swapped: dt.date | None = None) -> None:
    """Bring StatMonth up to date and stamp the state.

    After a rebuild the months of the wards in ``_rollup_wards`` are rewritten from the day
    rows; after an incremental batch the changes in ``_rollup_change`` are added to them.
    ``swapped``: the horizon of the tables a full rebuild has just swapped in (incremental runs
    may have carried the old ones further meanwhile); the replayed changes are added to them.
    """
    state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
    if swapped is not None:
        state.horizon = swapped
    horizon = _horizon(cursor, state)
    _extend(cursor, state.horizon, horizon)
    if rebuilt and swapped is None:
        _rewrite_months(cursor, horizon)
    else:
        _apply_changes(cursor, horizon)
    state.horizon = horizon
    now = timezone.now()
    state.processed_at = now
    if rebuilt:
        state.rebuilt_at = now
    state.save()


def _temp_tables(cursor: CursorWrapper) -> None:
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _rollup_dirty (ward_id int, day date) ON COMMIT DROP"
    )
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _rollup_wards (ward_id int PRIMARY KEY, first_month date)"
        " ON COMMIT DROP"
    )
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _rollup_province_days (ward_id int, day date)"
        " ON COMMIT DROP"
    )
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _rollup_touched (ward_id int, metric text, month date)"
        " ON COMMIT DROP"
    )
    for table in ("_rollup_change", "_rollup_net"):
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {table}"
            " (ward_id int, metric text, month date, diff numeric) ON COMMIT DROP"
        )
    # Inside an outer transaction (a test, a command's atomic block) they outlive a batch.
    cursor.execute(
        "TRUNCATE _rollup_dirty, _rollup_wards, _rollup_province_days, _rollup_change,"
        " _rollup_net, _rollup_touched"
    )
    cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])


def process_batch(watermark: int, *, wait: bool = False) -> int | None:
    """Recompute the buckets of up to BATCH outbox rows ≤ ``watermark``; the rows processed.

    None when another run holds the lock (it will process what is there).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if not _lock(cursor, wait=wait):
            return None
        _temp_tables(cursor)
        cursor.execute(
            f"WITH claimed AS (DELETE FROM {DIRTY_TABLE} WHERE id IN ("
            f" SELECT id FROM {DIRTY_TABLE} WHERE id <= %s ORDER BY id LIMIT %s)"
            " RETURNING ward_id, day)"
            " INSERT INTO _rollup_dirty SELECT DISTINCT ward_id, day FROM claimed",
            [watermark, BATCH],
        )
        claimed: int = cursor.rowcount
        if not claimed:
            return 0
        # A full rebuild is building new tables: what this batch changes on the live ones is
        # replayed on the new ones at the swap (checked after the claim: a rebuild that began
        # before this batch's changes were committed is seen here).
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [REPLAY_TABLE])
        if cursor.fetchone()[0]:
            cursor.execute(f"INSERT INTO {REPLAY_TABLE} SELECT ward_id, day FROM _rollup_dirty")
        cursor.execute("ANALYZE _rollup_dirty")
        _replace_dirty_days(cursor)
        _replace_province_days(cursor)
        _update_series(cursor)
        _finish(cursor, rebuilt=False)
        return claimed


def process_dirty(*, wait: bool = False) -> int:
    """Bring the rollup up to date with every change committed so far; the buckets processed.

    Returns at once (0) when another run holds the lock, unless ``wait``.
    """
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {DIRTY_TABLE}")
        watermark = cursor.fetchone()[0]
    total = 0
    while watermark is not None:
        done = process_batch(watermark, wait=wait)
        if not done:
            break
        total += done
    if total:
        logger.info("rollup: %d changed buckets processed", total)
    return total


def rebuild(
    *,
    since: dt.date | None = None,
    ward_ids: Iterable[int] | None = None,
    province_ids: Iterable[int] | None = None,
    on_snapshot: Callable[[], None] | None = None,
    on_built: Callable[[], None] | None = None,
) -> None:
    """Recompute the rollup from the source tables (all of it, or from ``since``, or some wards
    or provinces).

    The whole rollup is built into new tables and swapped in (``_rebuild_swap``): incremental
    runs go on meanwhile. A part of it is replaced in place, under the rollup's lock, at a cost
    proportional to that part (``_rebuild_part``). ``on_snapshot`` and ``on_built`` are called
    in a full rebuild once the source rows it reads are fixed and once the new tables are built
    (tests use them to write while it runs).
    """
    if since is None and ward_ids is None and province_ids is None:
        _rebuild_swap(on_snapshot=on_snapshot, on_built=on_built)
        return
    wards = None if ward_ids is None else set(ward_ids)
    if province_ids is not None:
        found = Ward.objects.filter(province_id__in=list(province_ids)).values_list("id", flat=True)
        wards = (wards or set()) | set(found)
    _rebuild_part(since=since, wards=None if wards is None else sorted(wards))


def _rebuild_part(*, since: dt.date | None, wards: list[int] | None) -> None:
    """Replace the rollup's rows from ``since`` or of some wards (and their provinces' totals).

    Outbox rows the rebuild covers are consumed; the rest wait for the next incremental run.
    """
    first_month = _month(since) if since else None
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor, wait=True)
        _temp_tables(cursor)
        cursor.execute(f"SELECT max(id) FROM {DIRTY_TABLE}")
        watermark = cursor.fetchone()[0] or 0
        # A rebuild from ``since`` recomputes whole months so StatMonth stays consistent.
        delete = ["TRUE"]
        province_ids = None
        rows = None  # the rollup's ward_ids rebuilt: every one, or these wards and provinces
        if wards is not None:
            province_ids = sorted(
                set(Ward.objects.filter(id__in=wards).values_list("province_id", flat=True))
            )
            rows = wards + [province_row(p) for p in province_ids]
        params = {"since": first_month, "rows": rows, "watermark": watermark}
        if first_month:
            delete.append("day >= %(since)s")
        if rows is not None:
            delete.append("ward_id = ANY(%(rows)s)")
        where = " AND ".join(delete)
        cursor.execute(f"DELETE FROM reports_statday WHERE {where}", params)
        _insert_days(cursor, since=first_month, ward_ids=wards)
        _insert_province_days(cursor, since=first_month, province_ids=province_ids)
        _rebuild_series(cursor, since=first_month, rows=rows)
        consume = f"DELETE FROM {DIRTY_TABLE} WHERE id <= %(watermark)s AND {where}"
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [REPLAY_TABLE])
        if cursor.fetchone()[0]:
            # A full rebuild is building: the changes consumed here reach its tables too.
            consume = (
                f"WITH gone AS ({consume} RETURNING ward_id, day)"
                f" INSERT INTO {REPLAY_TABLE} SELECT ward_id, day FROM gone"
            )
        cursor.execute(consume, params)
        # Every series with rows now or before, from the first month rebuilt (or the first ever).
        scope = "TRUE" if rows is None else "ward_id = ANY(%(rows)s)"
        cursor.execute(
            "INSERT INTO _rollup_wards"
            " SELECT ward_id, COALESCE(%(since)s, min(month)) FROM ("
            "  SELECT ward_id, date_trunc('month', min(day))::date AS month"
            f"  FROM reports_statday WHERE {scope} GROUP BY ward_id"
            "  UNION ALL SELECT ward_id, min(month) FROM reports_statmonth"
            f"  WHERE {scope} GROUP BY ward_id"
            ") AS w GROUP BY ward_id",
            params,
        )
        _finish(cursor, rebuilt=True)
    if wards is None and not connection.in_atomic_block:
        # Index-only reads need the visibility map of the rewritten pages (VACUUM, not allowed
        # inside a transaction); autovacuum would get there, but only after a while. A few
        # wards' rows are left to autovacuum: vacuuming the whole table is not proportional.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) reports_statday, reports_statmonth")
    logger.info("rollup rebuilt (since %s, %s wards)", since or "the start", wards or "all")


# A full rebuild: build new tables, then swap them in -------------------------------------------


def _indexes(cursor: CursorWrapper, table: str) -> list[tuple[str, str, bool]]:
    """(name, definition, is a constraint) of the live table's indexes and their constraints,
    as the migrations left them: a new table gets the same, built after its rows."""
    cursor.execute(
        "SELECT c.conname, pg_get_constraintdef(c.oid), TRUE FROM pg_constraint c"
        " WHERE c.conrelid = %(table)s::regclass AND c.contype IN ('p', 'u', 'x')"
        " UNION ALL"
        " SELECT i.relname, pg_get_indexdef(x.indexrelid), FALSE FROM pg_index x"
        " JOIN pg_class i ON i.oid = x.indexrelid"
        " WHERE x.indrelid = %(table)s::regclass AND NOT EXISTS ("
        "  SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid"
        "  AND c.conrelid = x.indrelid)"
        " ORDER BY 3 DESC, 1",
        {"table": table},
    )
    return list(cursor.fetchall())


def _create_indexes(cursor: CursorWrapper, table: str) -> None:
    """The live table's indexes and constraints on ``table + NEW``, under names ending in NEW."""
    for name, definition, constraint in _indexes(cursor, table):
        if constraint:
            cursor.execute(
                f"ALTER TABLE {table}{NEW} ADD CONSTRAINT {quote(name + NEW)} {definition}"
            )
            continue
        head, sep, tail = definition.partition(" ON ")
        assert sep and head.endswith(f"INDEX {name}"), definition
        target, rest = tail.split(" ", 1)
        assert target.split(".")[-1] == table, definition
        cursor.execute(f"{head.removesuffix(name)}{quote(name + NEW)} ON {table}{NEW} {rest}")


def _insert_all_days(
    cursor: CursorWrapper, table: str, sources: Sequence[Source] | None = None
) -> None:
    """The whole rollup's day rows into the bare ``table`` (or those of the metrics of
    ``sources``): the wards' rows and the province totals grouped in one pass over the source
    rows (two grouping sets), in no order (the indexes are built after). The same rows as the
    incremental runs write (``_replace_dirty_days`` then ``_replace_province_days``:
    ``tests/reports/test_exactness.py`` compares a rebuild with them); a ward missing from
    ``households_ward`` keeps its rows and adds to no province."""
    selects = contribution_selects(dirty=None, since=None, ward_filter="", sources=sources)
    cursor.execute(
        f"INSERT INTO {table} (ward_id, day, group_id, metric, value)"
        " SELECT CASE WHEN GROUPING(r.ward_id) = 0 THEN r.ward_id ELSE -w.province_id END,"
        " r.day, r.group_id, r.metric, SUM(r.value) FROM ("
        + " UNION ALL ".join(selects)
        + ") AS r LEFT JOIN households_ward w ON w.id = r.ward_id"
        " GROUP BY GROUPING SETS ((r.ward_id, r.day, r.group_id, r.metric),"
        " (w.province_id, r.day, r.metric))"
        " HAVING SUM(r.value) <> 0 AND (GROUPING(r.ward_id) = 0 OR w.province_id IS NOT NULL)"
    )


def _parts(cursor: CursorWrapper, count: int) -> list[list[Source]]:
    """The sources cut into at most ``count`` parts of about as many source rows each (the
    planner's estimate of each table's rows, times the events read from it).

    A source's metrics are its key or its key, a dot and a value (``sql.Rows.key``), so they
    begin with the key's first dotted segment; the sources whose keys share that segment stay
    in one part. So every row a part groups (a ward's or a province's, of one metric) has all
    its contributions in that part: the parts' rows are the whole rebuild's, each once."""
    groups: dict[str, list[Source]] = {}
    for source in SOURCES:
        groups.setdefault(source.key.split(".")[0], []).append(source)
    if count < 2 or len(groups) < 2:
        return [list(SOURCES)]
    tables = sorted({source.model._meta.db_table for source in SOURCES})
    cursor.execute(
        "SELECT relname, greatest(reltuples, 0) FROM pg_class"
        " WHERE relname = ANY(%s) AND relkind = 'r'",
        [tables],
    )
    rows: dict[str, float] = {name: float(n) for name, n in cursor.fetchall()}

    def weight(group: list[Source]) -> float:
        return sum(
            (1 + rows.get(source.model._meta.db_table, 0)) * len(events(source)) for source in group
        )

    bins: list[list[Source]] = [[] for _ in range(count)]
    loads = [0.0] * count
    for key in sorted(groups, key=lambda k: (-weight(groups[k]), k)):
        lightest = loads.index(min(loads))
        bins[lightest] += groups[key]
        loads[lightest] += weight(groups[key])
    return [bin_ for bin_ in bins if bin_]


def _together(jobs: Sequence[Callable[[], None]]) -> None:
    """Run ``jobs`` at once: the first on this thread and its connection, each other one on a
    thread and database connection of its own. Once all have ended, the first error any of
    them raised is raised (one failing does not stop the others)."""
    errors: list[BaseException] = []

    def run(job: Callable[[], None]) -> None:
        try:
            job()
        except BaseException as exc:  # raised again on the caller's thread
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connections

    threads = [
        threading.Thread(target=run, args=(job,), name=f"rollup-rebuild-{number}")
        for number, job in enumerate(jobs[1:], start=1)
    ]
    for thread in threads:
        thread.start()
    try:
        jobs[0]()
    finally:
        for thread in threads:
            thread.join()
    if errors:
        raise errors[0]


def _set_work_mem(cursor: CursorWrapper) -> None:
    """This transaction's memory for sorts, aggregates and index builds (``WORK_MEM``)."""
    cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
    cursor.execute("SELECT set_config('maintenance_work_mem', %s, true)", [WORK_MEM])


def _insert_part(snapshot: str, sources: Sequence[Source]) -> None:
    """One part of the day rows, on this thread's connection, from the rebuild's snapshot."""
    if not re.fullmatch(r"[0-9A-F-]+", snapshot):  # pg_export_snapshot()'s own form
        raise ValueError(f"not a snapshot identifier: {snapshot!r}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
        _set_work_mem(cursor)
        _insert_all_days(cursor, DAY_TABLE + NEW, sources)


def _build_months(
    cursor: CursorWrapper, horizon: dt.date, share: tuple[int, int] | None = None
) -> None:
    """StatMonth of the new tables from their day rows: every series of a ward (the new
    StatSeries), dense from the ward's first month up to ``horizon``, with its month's change
    and its running total. The grid of months and the day rows are added up in one aggregate,
    so each day row finds its month without a join (a join of the grid with the months' sums,
    merged on two of its three keys, compared 7 million pairs at 100,000 households).

    ``share`` = (shares, share): only the series whose ward and metric hash to ``share`` of
    ``shares``. A series' months depend on its own day rows and on its ward's first month, read
    from the whole StatSeries, so the shares' rows are together the whole table's, each once."""
    params: dict[str, dt.date | int] = {"horizon": horizon}
    day_share = series_share = ""
    if share is not None:
        params["shares"], params["share"] = share
        day_share = f" WHERE {_SHARE_OF.format(row='d')}"
        series_share = f" WHERE {_SHARE_OF.format(row='s')}"
    cursor.execute(
        f"""
        INSERT INTO {MONTH_TABLE}{NEW} (ward_id, metric, month, delta, closing)
        SELECT ward_id, metric, month, SUM(delta),
               SUM(SUM(delta)) OVER (PARTITION BY ward_id, metric ORDER BY month)
        FROM (
            SELECT d.ward_id, d.metric, date_trunc('month', d.day)::date AS month,
                   d.value AS delta
            FROM {DAY_TABLE}{NEW} d{day_share}
            UNION ALL
            SELECT s.ward_id, s.metric, g::date, 0
            FROM {SERIES_TABLE}{NEW} s
            JOIN (
                SELECT ward_id, date_trunc('month', min(first_day))::date AS first_month
                FROM {SERIES_TABLE}{NEW} GROUP BY 1
            ) w ON w.ward_id = s.ward_id
            CROSS JOIN LATERAL generate_series(
                w.first_month, %(horizon)s::date, interval '1 month'
            ) AS g{series_share}
        ) AS rows
        GROUP BY 1, 2, 3
        """,
        params,
    )


# The share of a (ward, metric) series among %(shares)s (``_build_months``).
_SHARE_OF = (
    "mod(abs(hashtext({row}.metric || ' ' || {row}.ward_id)::bigint), %(shares)s) = %(share)s"
)


def _months_share(horizon: dt.date, share: tuple[int, int]) -> None:
    """One share of the new months, in a transaction of its own on this thread's connection."""
    with transaction.atomic(), connection.cursor() as cursor:
        _set_work_mem(cursor)
        _build_months(cursor, horizon, share)


class _Steps:
    """Seconds each step of a rebuild took, for the log."""

    def __init__(self) -> None:
        self.started = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def done(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = now - self.started
        self.started = now

    def __str__(self) -> str:
        return ", ".join(f"{name} {took:.1f} s" for name, took in self.seconds.items())


def _connections() -> int:
    """How many connections a full rebuild works on (``ROLLUP_REBUILD_CONNECTIONS``); one
    within an outer transaction, whose uncommitted tables no other connection can see."""
    if connection.in_atomic_block:
        return 1
    count: int = settings.ROLLUP_REBUILD_CONNECTIONS
    return count


def _build_days(on_snapshot: Callable[[], None] | None, count: int) -> dt.date | None:
    """The new day rows, from one snapshot of the source tables, cut into ``count`` parts
    (``_parts``) computed at once on as many connections that share this transaction's
    snapshot (``pg_export_snapshot``); the horizon the live rollup had then.

    Runs in the caller's REPEATABLE READ transaction. The outbox rows that snapshot sees are
    noted in ``_rollup_covered`` (the new tables count their changes); later changes reach the
    new tables through ``_swap``.
    """
    with connection.cursor() as cursor:
        _set_work_mem(cursor)
        cursor.execute("DROP TABLE IF EXISTS _rollup_covered")
        cursor.execute(f"CREATE TEMP TABLE _rollup_covered AS SELECT id FROM {DIRTY_TABLE}")
        parts = _parts(cursor, count)
        snapshot = ""
        if len(parts) > 1:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        if on_snapshot is not None:
            on_snapshot()
        state = RollupState.objects.filter(pk=1).values_list("horizon", flat=True).first()

        own = partial(_insert_all_days, cursor, DAY_TABLE + NEW, parts[0])
        _together([own] + [partial(_insert_part, snapshot, part) for part in parts[1:]])
    return state


def _build_rest(state: dt.date | None, count: int) -> dt.date:
    """The new series, months and indexes from the new day rows; the months' horizon.

    The series first, committed; then the months in ``count`` shares (``_build_months``) on as
    many connections at once (2.1 s of a 9 s rebuild on one at 300,000 households); then the
    indexes, on one connection: building the day table's indexes already takes PostgreSQL's
    parallel maintenance workers, and the months built beside them on a second connection made
    the step no faster on a 2-core server (8.5–9.0 s beside each other against 8.4–8.6 s one
    after the other; 10.4 s with the index build held to one worker)."""
    with transaction.atomic(), connection.cursor() as cursor:
        _set_work_mem(cursor)
        cursor.execute(
            f"INSERT INTO {SERIES_TABLE}{NEW} (ward_id, metric, first_day)"
            f" SELECT ward_id, metric, min(day) FROM {DAY_TABLE}{NEW} GROUP BY 1, 2"
        )
        cursor.execute(f"SELECT max(day) FROM {DAY_TABLE}{NEW}")
        latest = cursor.fetchone()[0]
        horizon = _month(timezone.localdate())
        if latest is not None:
            horizon = max(horizon, _month(latest))
        if state is not None:
            horizon = max(horizon, state)
        if count < 2:
            _build_months(cursor, horizon)
    if count > 1:
        _together([partial(_months_share, horizon, (count, share)) for share in range(count)])
    with transaction.atomic(), connection.cursor() as cursor:
        _set_work_mem(cursor)
        for table in ROLLUP_TABLES:
            _create_indexes(cursor, table)
    return horizon


def _swap(horizon: dt.date) -> None:
    """Put the new tables in the place of the live ones, in one short transaction under the
    rollup's lock, and bring them up to date with what changed since their snapshot: the
    buckets incremental runs processed meanwhile (``REPLAY_TABLE``) and those still waiting
    that the snapshot did not see. Outbox rows the snapshot saw are consumed unprocessed."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT set_config('lock_timeout', %s, true)", [SWAP_LOCK_TIMEOUT])
        _lock(cursor, wait=True)
        for table in ROLLUP_TABLES:
            indexes = _indexes(cursor, table)
            cursor.execute(f"DROP TABLE {table}")
            cursor.execute(f"ALTER TABLE {table}{NEW} RENAME TO {table}")
            for name, _definition, constraint in indexes:
                if constraint:
                    cursor.execute(
                        f"ALTER TABLE {table}"
                        f" RENAME CONSTRAINT {quote(name + NEW)} TO {quote(name)}"
                    )
                else:
                    cursor.execute(f"ALTER INDEX {quote(name + NEW)} RENAME TO {quote(name)}")
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            if sequence is not None:
                cursor.execute(f"ALTER SEQUENCE {sequence} RENAME TO {quote(table + '_id_seq')}")
        _temp_tables(cursor)
        cursor.execute(f"DELETE FROM {DIRTY_TABLE} d USING _rollup_covered c WHERE d.id = c.id")
        cursor.execute(
            f"WITH claimed AS (DELETE FROM {DIRTY_TABLE} WHERE id IN ("
            f" SELECT id FROM {DIRTY_TABLE} ORDER BY id LIMIT %s) RETURNING ward_id, day)"
            " INSERT INTO _rollup_dirty SELECT ward_id, day FROM claimed"
            f" UNION SELECT ward_id, day FROM {REPLAY_TABLE}",
            [BATCH],
        )
        replayed = cursor.rowcount
        cursor.execute(f"DROP TABLE {REPLAY_TABLE}")
        cursor.execute("DROP TABLE _rollup_covered")
        if replayed:
            cursor.execute("ANALYZE _rollup_dirty")
        _replace_dirty_days(cursor)
        _replace_province_days(cursor)
        _update_series(cursor)
        _finish(cursor, rebuilt=True, swapped=horizon)


def _swap_giving_way(horizon: dt.date) -> None:
    """``_swap``, tried again while a lock it needs is held past ``SWAP_LOCK_TIMEOUT``."""
    for attempt in range(1, SWAP_ATTEMPTS + 1):
        try:
            _swap(horizon)
            return
        except OperationalError as exc:
            if getattr(exc.__cause__, "sqlstate", None) != LOCK_NOT_AVAILABLE:
                raise
            logger.warning(
                "rollup swap: the live tables were busy past %s (try %d of %d)",
                SWAP_LOCK_TIMEOUT,
                attempt,
                SWAP_ATTEMPTS,
            )
        if attempt < SWAP_ATTEMPTS:
            time.sleep(SWAP_PAUSE)
    raise SwapBlocked(f"the live rollup tables stayed busy through {SWAP_ATTEMPTS} tries")


def _drop_leftovers() -> None:
    """A rebuild that failed leaves no new table, and no replay table for batches to fill."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ROLLUP_TABLES:
            cursor.execute(f"DROP TABLE IF EXISTS {table}{NEW}")
        cursor.execute(f"DROP TABLE IF EXISTS {REPLAY_TABLE}")


def _rebuild_swap(
    *, on_snapshot: Callable[[], None] | None, on_built: Callable[[], None] | None
) -> None:
    """The whole rollup, built beside the live tables and swapped in.

    1. In its own committed transaction, ``REPLAY_TABLE`` is created: from then on every
       incremental batch also notes the buckets it processes there.
    2. The new tables are created bare and committed. One REPEATABLE READ transaction notes
       the outbox rows its snapshot sees and computes the new day rows from that snapshot, on
       ``ROLLUP_REBUILD_CONNECTIONS`` connections sharing it (``_build_days``); then the
       series, months and indexes are built from the day rows (``_build_rest``) and the new
       tables vacuumed, while incremental runs keep the live tables current.
    3. ``_swap`` renames them in and replays on them whatever the snapshot missed; it gives
       way to a long read rather than stop every reader behind it (``_swap_giving_way``).
       A rebuild that fails drops what it built (``SwapBlocked``: the live tables stayed busy).

    A bucket replayed that the snapshot had already counted is recomputed to the same rows
    (a bucket is replaced from the source tables, its months corrected by the difference), so
    a change is neither lost nor counted twice. Within an outer transaction (tests, a
    command's atomic block) the steps run in it, one after the other.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [REBUILD_LOCK_KEY])
    count = _connections()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for table in ROLLUP_TABLES:  # what a killed rebuild may have left
                cursor.execute(f"DROP TABLE IF EXISTS {table}{NEW}")
            cursor.execute(f"DROP TABLE IF EXISTS {REPLAY_TABLE}")
            cursor.execute(f"CREATE TABLE {REPLAY_TABLE} (ward_id int, day date)")
            # No index yet: the rows are appended to bare tables, the indexes built once after.
            # Committed here, so that every connection of the build sees them.
            for table in ROLLUP_TABLES:
                cursor.execute(
                    f"CREATE TABLE {table}{NEW} (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)"
                )
        steps = _Steps()
        if connection.in_atomic_block:
            state = _build_days(on_snapshot, count)
        else:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                state = _build_days(on_snapshot, count)
        steps.done("day rows")
        horizon = _build_rest(state, count)
        steps.done("series, months and indexes")
        if not connection.in_atomic_block:
            # Their visibility map (index-only reads) and planner statistics, before any
            # reader sees them (VACUUM cannot run in a transaction).
            with connection.cursor() as cursor:
                new = ", ".join(table + NEW for table in ROLLUP_TABLES)
                cursor.execute(f"VACUUM (ANALYZE) {new}")
            steps.done("vacuum")
        logger.info("rollup build on %d connection(s): %s", count, steps)
        if on_built is not None:
            on_built()
        steps = _Steps()
        _swap_giving_way(horizon)
        steps.done("swap")
        logger.info("rollup build: %s", steps)
    except BaseException:
        if not connection.in_atomic_block:  # else the outer transaction's rollback does it
            try:
                _drop_leftovers()
            except Exception:  # the first error is the one to see; the next rebuild drops them
                logger.exception("rollup rebuild: its new tables could not be dropped")
        raise
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [REBUILD_LOCK_KEY])
    logger.info("rollup rebuilt and swapped in")


def pending() -> DirtyBucket | None:
    """The oldest change the rollup has not processed yet, if any."""
    return DirtyBucket.objects.order_by("id").first()
