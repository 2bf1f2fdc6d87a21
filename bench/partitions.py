"""Whether partitioning the largest tables pays (issue 18, item 9): the reads and writes that touch
them, on a copy of each table as it is and on a copy partitioned by ward, interleaved.

    BENCH_DATABASE_URL=… .venv/bin/python -m bench.partitions [--parts 16] [--runs 21]

The tables are the statistics' day rows (``reports_statday``) and the commitments
(``movement_commitment``), the two that grow with every household. Each gets two copies in the
benchmark database: ``bench_plain_<table>`` (the same rows and indexes) and ``bench_part_<table>``
(``PARTITION BY HASH (ward_id)`` into ``--parts`` partitions, the same indexes on each; a unique
index without ``ward_id``, which PostgreSQL cannot keep on a partitioned table, becomes unique
on ``ward_id`` and its columns, as a partitioned design would have it — printed).
The statements are the application's own where it has them: the statistics' reads of the largest
ward and of its province for one year, as ``stats_for`` sends them (captured, the table name
replaced); the incremental run's rewrite of one ward-day (its rows deleted and written again, in
a transaction rolled back); a commitments list page of the largest ward read index-first (ids
first, page 1 and page 200) and its bounded count. Each is timed on the client (planning
included: partitions cost planning time), plain and partitioned one after the other, ``--runs``
times; the median of each and their ratio are printed. The copies are dropped at the end.
"""

# ruff: noqa: S608 - SQL built from this module's table names and the database's own index definitions

import argparse
import os
import re
import statistics
import time

from bench.generate import DEFAULT_URL

TABLES = ("reports_statday", "movement_commitment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", type=int, default=16)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection

    try:
        for table in TABLES:
            _copies(connection, table, args.parts)
        for label, statements in _statements(connection):
            _compare(connection, label, statements, args.runs)
    finally:
        with connection.cursor() as cursor:
            for table in TABLES:
                cursor.execute(f"DROP TABLE IF EXISTS bench_plain_{table}, bench_part_{table}")


def _copies(connection, table: str, parts: int) -> None:
    """``bench_plain_<table>`` and ``bench_part_<table>``: the rows and indexes of ``table``."""
    plain, part = f"bench_plain_{table}", f"bench_part_{table}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {plain}, {part}")
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY 1", [table]
        )
        indexes = cursor.fetchall()
        started = time.perf_counter()
        cursor.execute(f"CREATE TABLE {plain} (LIKE {table} INCLUDING DEFAULTS)")
        cursor.execute(f"INSERT INTO {plain} SELECT * FROM {table}")
        cursor.execute(
            f"CREATE TABLE {part} (LIKE {table} INCLUDING DEFAULTS) PARTITION BY HASH (ward_id)"
        )
        for n in range(parts):
            cursor.execute(
                f"CREATE TABLE {part}_{n} PARTITION OF {part}"
                f" FOR VALUES WITH (MODULUS {parts}, REMAINDER {n})"
            )
        cursor.execute(f"INSERT INTO {part} SELECT * FROM {table}")
        for name, definition in indexes:
            columns = definition[definition.index("(") :]
            unique = definition.startswith("CREATE UNIQUE")
            for copy in (plain, part):
                made = definition.replace(
                    f"INDEX {name} ON public.{table}", f"INDEX ON public.{copy}"
                )
                if copy == part and unique and "ward_id" not in columns.split(")")[0]:
                    # What a partitioned design must do: the partition key in the unique key.
                    made = made.replace("USING btree (", "USING btree (ward_id, ", 1)
                    print(f"  {table}: {name} becomes unique on (ward_id, …) when partitioned")
                cursor.execute(made)
        # As the live tables are read: vacuumed (index-only scans need the visibility map).
        cursor.execute(f"VACUUM (ANALYZE) {plain}")
        cursor.execute(f"VACUUM (ANALYZE) {part}")
        cursor.execute(
            "SELECT pg_total_relation_size(%s), (SELECT sum(pg_total_relation_size(inhrelid))"
            " FROM pg_inherits WHERE inhparent = %s::regclass)",
            [plain, part],
        )
        plain_size, part_size = cursor.fetchone()
    print(
        f"{table}: copies made in {time.perf_counter() - started:.0f} s; plain"
        f" {plain_size / 1e6:,.0f} MB, {parts} partitions {int(part_size) / 1e6:,.0f} MB",
        flush=True,
    )


def _statements(connection):
    """(label, {"plain": [(sql, params)…], "part": […]}) for every statement compared."""
    from django.contrib.auth import get_user_model
    from django.test.utils import CaptureQueriesContext

    from households.models import Ward
    from reports.statistics.selectors import stats_for
    from wardsecurity.period_spec import parse_period

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ward_id, count(*) FROM movement_commitment GROUP BY 1 ORDER BY 2 DESC LIMIT 1"
        )
        ward_id, commitments = cursor.fetchone()
        cursor.execute(
            "SELECT day, count(*) FROM reports_statday WHERE ward_id = %s GROUP BY 1"
            " ORDER BY 2 DESC LIMIT 1",
            [ward_id],
        )
        busiest_day, day_rows = cursor.fetchone()
    ward = Ward.objects.select_related("province").get(pk=ward_id)
    print(
        f"largest ward {ward.code}: {commitments:,} commitments; its busiest day {busiest_day}"
        f" has {day_rows:,} day rows",
        flush=True,
    )
    admin = get_user_model()(
        username="bench.partitions", is_active=True, is_superuser=True, scope_kind="all"
    )
    period = parse_period(f"year:{busiest_day.year}")

    def captured(scope):
        with CaptureQueriesContext(connection) as queries:
            stats_for(user=admin, scope=scope, period=period, compare=True)
        return [q["sql"] for q in queries.captured_queries if "reports_statday" in q["sql"]]

    def both(table, sqls, params=None):
        return {
            way: [(re.sub(rf"\b{table}\b", f"bench_{way}_{table}", sql), params) for sql in sqls]
            for way in ("plain", "part")
        }

    day = "reports_statday"
    yield "statistics of the largest ward, one year", both(day, captured(f"ward:{ward.code}"))
    yield (
        "statistics of its province, one year",
        both(day, captured(f"province:{ward.province.code}")),
    )
    rewrite = [
        "BEGIN",
        f"CREATE TEMP TABLE bench_keep ON COMMIT DROP AS SELECT * FROM {day}"
        " WHERE ward_id = %(ward)s AND day = %(day)s",
        f"DELETE FROM {day} WHERE ward_id = %(ward)s AND day = %(day)s",
        f"INSERT INTO {day} SELECT * FROM bench_keep",
        "ROLLBACK",
    ]
    yield (
        f"one ward-day rewritten ({day_rows:,} rows deleted and inserted)",
        both(day, rewrite, {"ward": ward_id, "day": busiest_day}),
    )
    commitment = "movement_commitment"
    for page in (1, 200):
        yield (
            f"commitments of the largest ward, ids of page {page}",
            both(
                commitment,
                [
                    f"SELECT id FROM {commitment} WHERE ward_id = %s ORDER BY id DESC"
                    f" LIMIT 50 OFFSET {(page - 1) * 50}"
                ],
                [ward_id],
            ),
        )
    yield (
        "commitments of the largest ward, bounded count",
        both(
            commitment,
            [
                f"SELECT count(*) FROM (SELECT id FROM {commitment} WHERE ward_id = %s"
                " LIMIT 100001) c"
            ],
            [ward_id],
        ),
    )


def _compare(connection, label: str, statements, runs: int) -> None:
    times: dict[str, list[float]] = {"plain": [], "part": []}
    with connection.cursor() as cursor:
        for _ in range(runs):
            for way, sqls in statements.items():
                started = time.perf_counter()
                for sql, params in sqls:
                    cursor.execute(sql, params)
                times[way].append((time.perf_counter() - started) * 1000)
    plain, part = (statistics.median(times[way]) for way in ("plain", "part"))
    print(
        f"{label}: plain {plain:.2f} ms, partitioned {part:.2f} ms, {part / plain:.2f}×"
        f" (medians of {runs})",
        flush=True,
    )


if __name__ == "__main__":
    main()
