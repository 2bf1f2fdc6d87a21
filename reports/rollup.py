"""Keeping the rollup current (SPEC §7): incremental runs over dirty buckets, and full rebuilds.

``process_dirty()`` claims the outbox rows up to a watermark (the highest id at the start) in
bounded batches; each batch, in one transaction, deletes the claimed rows, deletes and reinserts
the ``StatDay`` rows of their (ward, day) buckets from the source tables, and rewrites the
affected wards' ``StatMonth`` rows from the earliest dirty month on. A run killed half-way rolls
its batch back, outbox rows included, so the next run repairs it; running twice changes nothing.
A PostgreSQL advisory lock keeps runs (and rebuilds) from overlapping. The work of a batch is
proportional to its buckets (and to the months after them), not to the size of the data.
"""

# ruff: noqa: S608 - SQL built from the registry (reports.sql); values are parameters

import datetime as dt
import logging

from django.db import connection, transaction
from django.utils import timezone

from reports.models import DirtyBucket, RollupState
from reports.sql import DIRTY_TABLE, contribution_selects

logger = logging.getLogger(__name__)

LOCK_KEY = 0x5EC0_57A7  # any constant shared by every rollup run
BATCH = 5000  # outbox rows per transaction


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _lock(cursor, *, wait: bool) -> bool:
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
    return cursor.fetchone()[0]


def _insert_days(cursor, *, dirty=None, since=None, ward_ids=None):
    """Insert the StatDay rows of the chosen buckets, computed from the source tables."""
    ward_filter = "{ward} = ANY(%(wards)s)" if ward_ids is not None else ""
    selects = contribution_selects(
        dirty=dirty, since="%(since)s" if since else None, ward_filter=ward_filter
    )
    cursor.execute(
        "INSERT INTO reports_statday (ward_id, day, group_id, metric, value)"
        " SELECT ward_id, day, group_id, metric, SUM(value) FROM ("
        + " UNION ALL ".join(selects)
        + ") AS rows GROUP BY ward_id, day, group_id, metric HAVING SUM(value) <> 0",
        {"since": since, "wards": list(ward_ids) if ward_ids is not None else None},
    )


def _horizon(cursor, state: RollupState) -> dt.date:
    """The month up to which StatMonth is dense: this month, or a later one a record names."""
    cursor.execute("SELECT max(day) FROM reports_statday")
    latest = cursor.fetchone()[0]
    horizon = _month(timezone.localdate())
    if latest is not None:
        horizon = max(horizon, _month(latest))
    if state.horizon is not None:
        horizon = max(horizon, state.horizon)
    return horizon


def _extend(cursor, old: dt.date | None, new: dt.date):
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


def _rewrite_months(cursor, horizon: dt.date):
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


def _finish(cursor, *, rebuilt: bool):
    """Extend or rewrite StatMonth for the wards in ``_rollup_wards`` and stamp the state."""
    state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
    horizon = _horizon(cursor, state)
    _extend(cursor, state.horizon, horizon)
    _rewrite_months(cursor, horizon)
    state.horizon = horizon
    now = timezone.now()
    state.processed_at = now
    if rebuilt:
        state.rebuilt_at = now
    state.save()


def _temp_tables(cursor):
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _rollup_dirty (ward_id int, day date) ON COMMIT DROP"
    )
    cursor.execute(
        "CREATE TEMP TABLE IF NOT EXISTS _rollup_wards (ward_id int PRIMARY KEY, first_month date)"
        " ON COMMIT DROP"
    )
    # Inside an outer transaction (a test, a command's atomic block) they outlive a batch.
    cursor.execute("TRUNCATE _rollup_dirty, _rollup_wards")


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
        claimed = cursor.rowcount
        if not claimed:
            return 0
        cursor.execute("ANALYZE _rollup_dirty")
        cursor.execute(
            "DELETE FROM reports_statday s USING _rollup_dirty d"
            " WHERE s.ward_id = d.ward_id AND s.day = d.day"
        )
        _insert_days(cursor, dirty="_rollup_dirty")
        cursor.execute(
            "INSERT INTO _rollup_wards SELECT ward_id, date_trunc('month', min(day))::date"
            " FROM _rollup_dirty GROUP BY ward_id"
        )
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


def rebuild(*, since: dt.date | None = None, ward_ids=None) -> None:
    """Recompute the rollup from the source tables (all of it, or from ``since``, or some wards).

    Outbox rows the rebuild covers are consumed; the rest wait for the next incremental run.
    """
    ward_ids = None if ward_ids is None else sorted(set(ward_ids))
    first_month = _month(since) if since else None
    with transaction.atomic(), connection.cursor() as cursor:
        _lock(cursor, wait=True)
        _temp_tables(cursor)
        cursor.execute(f"SELECT max(id) FROM {DIRTY_TABLE}")
        watermark = cursor.fetchone()[0] or 0
        # A rebuild from ``since`` recomputes whole months so StatMonth stays consistent.
        delete = ["TRUE"]
        params = {"since": first_month, "wards": ward_ids, "watermark": watermark}
        if first_month:
            delete.append("day >= %(since)s")
        if ward_ids is not None:
            delete.append("ward_id = ANY(%(wards)s)")
        where = " AND ".join(delete)
        cursor.execute(f"DELETE FROM reports_statday WHERE {where}", params)
        _insert_days(cursor, since=first_month, ward_ids=ward_ids)
        cursor.execute(f"DELETE FROM {DIRTY_TABLE} WHERE id <= %(watermark)s AND {where}", params)
        # Every ward with rows now or before, from the first month rebuilt (or the first ever).
        cursor.execute(
            "INSERT INTO _rollup_wards"
            " SELECT ward_id, COALESCE(%(since)s, min(month)) FROM ("
            "  SELECT ward_id, date_trunc('month', min(day))::date AS month"
            "  FROM reports_statday GROUP BY ward_id"
            "  UNION ALL SELECT ward_id, min(month) FROM reports_statmonth GROUP BY ward_id"
            f") AS w WHERE {'TRUE' if ward_ids is None else 'ward_id = ANY(%(wards)s)'}"
            " GROUP BY ward_id",
            params,
        )
        _finish(cursor, rebuilt=True)
    if not connection.in_atomic_block:
        # Index-only reads need the visibility map of the rewritten pages (VACUUM, not allowed
        # inside a transaction); autovacuum would get there, but only after a while.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE) reports_statday, reports_statmonth")
    logger.info("rollup rebuilt (since %s, %s wards)", since or "the start", ward_ids or "all")


def pending() -> DirtyBucket | None:
    """The oldest change the rollup has not processed yet, if any."""
    return DirtyBucket.objects.order_by("id").first()
