"""The rollup's rebuild beside its limit, interleaved (issue 18, item 6).

    BENCH_DATABASE_URL=... .venv/bin/python -m bench.rebuild --rounds 2 --old d55f422

On data already generated (``bench.generate``), each round times the bare INSERT … SELECT …
GROUP BY of the rollup's own day rows (``bench.run.group_by_sql``, the limit), the full rebuild
of an older revision of ``reports/statistics/rollup.py`` (``--old``, read with ``git show``) and
the current one (on each ``--connections`` count of ``ROLLUP_REBUILD_CONNECTIONS``), one after
the other, so that the machine's load moves all of them alike; the
ratios are the medians of each round's. Then a rebuild of the largest ward and of its province
beside its share of the households, and a full rebuild while another connection changes a record
and runs the incremental processing every half second: how many runs it made, how long the
longest took, and whether the rollup then equals a rebuild made with nothing else running.
"""

import argparse
import importlib.util
import statistics
import subprocess
import sys
import threading
import time
import types

from bench import generate as gen
from bench.run import bare_group_by


def old_module(revision: str) -> types.ModuleType:
    source = subprocess.run(  # noqa: S603 - fixed arguments, a revision of our own repository
        ["git", "show", f"{revision}:reports/statistics/rollup.py"],  # noqa: S607
        cwd=gen.BASE_DIR,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    spec = importlib.util.spec_from_loader("bench_old_rollup", loader=None)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    exec(compile(source, f"{revision}:rollup.py", "exec"), module.__dict__)  # noqa: S102
    return module


def group_by(url: str) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return bare_group_by(conn)[0]


def timed(function, *args, **kwargs) -> float:
    started = time.perf_counter()
    function(*args, **kwargs)
    return time.perf_counter() - started


def fingerprint() -> tuple:
    """The rollup's contents, as the exactness test compares them (rows adding nothing aside)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), sum(hashtext(concat_ws('|', ward_id, day, group_id, metric,"
            " value))::numeric) FROM reports_statday"
        )
        days = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), sum(hashtext(concat_ws('|', ward_id, metric, month, delta,"
            " closing))::numeric) FROM reports_statmonth WHERE delta <> 0 OR closing <> 0"
        )
        months = cursor.fetchone()
        cursor.execute(
            "SELECT count(*), sum(hashtext(concat_ws('|', ward_id, metric, first_day))::numeric)"
            " FROM reports_statseries"
        )
        return days, months, cursor.fetchone()


def concurrent(rollup) -> dict:
    """A full rebuild while another connection changes an incident and processes it."""
    from django.db import connection, connections
    from django.db.models import F

    from incidents.models import Incident

    with connection.cursor() as cursor:
        cursor.execute("SELECT max(id) FROM incidents_incident")
        incident_id = cursor.fetchone()[0]
    done = threading.Event()
    runs: list[tuple[float, int]] = []

    def writer() -> None:
        try:
            while not done.is_set():
                Incident.objects.filter(pk=incident_id).update(suspects=F("suspects") + 1)
                started = time.perf_counter()
                processed = rollup.process_dirty()
                runs.append((time.perf_counter() - started, processed))
                time.sleep(0.5)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        took = timed(rollup.rebuild)
    finally:
        done.set()
        thread.join()
    rollup.process_dirty(wait=True)
    during = fingerprint()
    rollup.rebuild()
    return {
        "seconds": took,
        "runs": len(runs),
        # 0: the run found the lock taken (the swap) or the swap had taken its change
        "skipped": sum(1 for _took, processed in runs if not processed),
        "longest": max((t for t, _processed in runs), default=0.0),
        "equal": during == fingerprint(),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--old", help="a revision whose rollup.py is timed beside this one")
    parser.add_argument(
        "--connections",
        help="comma-separated ROLLUP_REBUILD_CONNECTIONS values, each timed in every round"
        " (default: the setting's)",
    )
    parser.add_argument(
        "--concurrent-only", action="store_true", help="only the rebuild beside incremental runs"
    )
    args = parser.parse_args(argv)
    url = gen.bench_url()
    gen.setup_django(url)
    from django.db import connection
    from django.db.models import Count

    from households.models import Household, Ward
    from reports.statistics import rollup

    if args.concurrent_only:
        report_concurrent(concurrent(rollup))
        return
    from django.conf import settings
    from django.test import override_settings

    old = old_module(args.old) if args.old else None
    counts = (
        [int(n) for n in args.connections.split(",")]
        if args.connections
        else [settings.ROLLUP_REBUILD_CONNECTIONS]
    )
    print("warm-up rebuild:", f"{timed(rollup.rebuild):.1f} s", flush=True)
    rounds = []
    for number in range(args.rounds):
        figures = {"group_by": group_by(url)}
        if old is not None:
            figures["old"] = timed(old.rebuild)
        for count in counts:
            with override_settings(ROLLUP_REBUILD_CONNECTIONS=count):
                figures[f"new {count}"] = timed(rollup.rebuild)
        figures["new"] = figures[f"new {counts[-1]}"]
        rounds.append(figures)
        print(f"round {number + 1}:", {k: round(v, 2) for k, v in figures.items()}, flush=True)
    ratios = {
        f"new on {count} connection(s) / GROUP BY": [
            r[f"new {count}"] / r["group_by"] for r in rounds
        ]
        for count in counts
    }
    if old is not None:
        ratios["old / GROUP BY"] = [r["old"] / r["group_by"] for r in rounds]
        ratios["new / old"] = [r["new"] / r["old"] for r in rounds]
    for name, values in ratios.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"{name}: median {statistics.median(values):.2f}× ({shown})")

    full = statistics.median(r["new"] for r in rounds)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM reports_statday")
        print(f"day rows: {cursor.fetchone()[0]:,}")
    total = Household.objects.count()
    biggest = Household.objects.values("ward_id").annotate(n=Count("id")).order_by("-n").first()
    if biggest is None:
        raise SystemExit("The benchmark database has no households: run bench.generate first.")
    ward = Ward.objects.get(pk=biggest["ward_id"])
    scopes = {
        f"ward {ward.code}": ({"ward_ids": [ward.pk]}, biggest["n"]),
        f"province {ward.province_id}": (
            {"province_ids": [ward.province_id]},
            Household.objects.filter(ward__province_id=ward.province_id).count(),
        ),
    }
    for name, (kwargs, households) in scopes.items():
        took = statistics.median(timed(rollup.rebuild, **kwargs) for _ in range(args.rounds))
        print(
            f"rebuild of {name}: {took:.2f} s = {took / full:.3f} of the full rebuild;"
            f" its share of the households {households / total:.3f}"
        )
    report_concurrent(concurrent(rollup))


def report_concurrent(found: dict) -> None:
    print(
        f"full rebuild with changes processed alongside: {found['seconds']:.1f} s;"
        f" {found['runs']} incremental runs, {found['skipped']} skipped,"
        f" longest {found['longest']:.2f} s; equal to a quiet rebuild: {found['equal']}"
    )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
