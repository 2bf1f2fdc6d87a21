"""Keeping the rollup current (SPEC §7): incremental runs over dirty buckets, and full rebuilds.

``process_dirty()`` claims the outbox rows up to a watermark (the highest id at the start) in
bounded batches; each batch, in one transaction, deletes the claimed rows, deletes and reinserts
the ``StatDay`` rows of their (ward, day) buckets from the source tables, and adds the
difference between the old and the new rows to the ``StatMonth`` rows of the changed months and
of the months after them (and moves the first day in ``StatSeries`` of a series it changed
at or before its start). A run killed half-way rolls its batch back, outbox rows included, so
the next run repairs it; running twice changes nothing.
A PostgreSQL advisory lock keeps runs (and rebuilds) from overlapping. The work of a batch is
proportional to its buckets (and to the months after them), not to the size of the data; a
rebuild recomputes the months from the day rows.
"""

# ruff: noqa: S608 - SQL built from the registry (reports.statistics.sql); values are parameters

import datetime as dt
import logging

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.utils import timezone

from households.models import Ward
from reports.models import DirtyBucket, RollupState, province_row
from reports.statistics.sql import DIRTY_TABLE, contribution_selects

logger = logging.getLogger(__name__)

LOCK_KEY = 0x5EC0_57A7  # any constant shared by every rollup run
BATCH = 5000  # outbox rows per transaction
# A rebuild groups millions of rows: with PostgreSQL's default 4 MB the aggregate spills to disk.
WORK_MEM = "256MB"


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _lock(cursor, *, wait: bool) -> bool:
    if wait:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [LOCK_KEY])
    return cursor.fetchone()[0]


def _days_select(*, dirty=None, since=None, ward_ids=None) -> str:
    """The StatDay rows of the chosen buckets, computed from the source tables, in index order.

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
        " ORDER BY ward_id, day"
    )


def _insert_days(cursor, *, since=None, ward_ids=None):
    """Insert the StatDay rows of a rebuild."""
    cursor.execute(
        "INSERT INTO reports_statday (ward_id, day, group_id, metric, value) "
        + _days_select(since=since, ward_ids=ward_ids),
        {"since": since, "wards": list(ward_ids) if ward_ids is not None else None},
    )


def _replace_dirty_days(cursor):
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
            + _days_select(dirty="_rollup_dirty")
            + " RETURNING ward_id, metric, day, value)"
            " INSERT INTO _rollup_change"
            " SELECT ward_id, metric, date_trunc('month', day)::date, SUM(value) FROM added"
            " GROUP BY 1, 2, 3",
            {"dirty_wards": [ward_id], "dirty_first": first, "dirty_last": last},
        )


def _replace_province_days(cursor):
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


def _insert_province_days(cursor, *, since=None, province_ids=None):
    """Insert the province totals of a rebuild (every province, or the given ones)."""
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


def _apply_changes(cursor, horizon: dt.date):
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


def _finish(cursor, *, rebuilt: bool):
    """Bring StatMonth up to date and stamp the state.

    After a rebuild the months of the wards in ``_rollup_wards`` are rewritten from the day
    rows; after an incremental batch the changes in ``_rollup_change`` are added to them.
    """
    state, _created = RollupState.objects.select_for_update().get_or_create(pk=1)
    horizon = _horizon(cursor, state)
    _extend(cursor, state.horizon, horizon)
    if rebuilt:
        _rewrite_months(cursor, horizon)
    else:
        _apply_changes(cursor, horizon)
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
        claimed = cursor.rowcount
        if not claimed:
            return 0
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
        province_ids = None
        rows = None  # the rollup's ward_ids rebuilt: every one, or these wards and provinces
        if ward_ids is not None:
            province_ids = sorted(
                set(Ward.objects.filter(id__in=ward_ids).values_list("province_id", flat=True))
            )
            rows = ward_ids + [province_row(p) for p in province_ids]
        params = {"since": first_month, "rows": rows, "watermark": watermark}
        if first_month:
            delete.append("day >= %(since)s")
        if rows is not None:
            delete.append("ward_id = ANY(%(rows)s)")
        where = " AND ".join(delete)
        cursor.execute(f"DELETE FROM reports_statday WHERE {where}", params)
        _insert_days(cursor, since=first_month, ward_ids=ward_ids)
        _insert_province_days(cursor, since=first_month, province_ids=province_ids)
        _rebuild_series(cursor, since=first_month, rows=rows)
        cursor.execute(f"DELETE FROM {DIRTY_TABLE} WHERE id <= %(watermark)s AND {where}", params)
        # Every series with rows now or before, from the first month rebuilt (or the first ever).
        cursor.execute(
            "INSERT INTO _rollup_wards"
            " SELECT ward_id, COALESCE(%(since)s, min(month)) FROM ("
            "  SELECT ward_id, date_trunc('month', min(day))::date AS month"
            "  FROM reports_statday GROUP BY ward_id"
            "  UNION ALL SELECT ward_id, min(month) FROM reports_statmonth GROUP BY ward_id"
            f") AS w WHERE {'TRUE' if rows is None else 'ward_id = ANY(%(rows)s)'}"
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
