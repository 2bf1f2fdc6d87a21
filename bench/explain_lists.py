"""EXPLAIN ANALYZE of a ward's households page, read index-first or as a plain slice (issue 18).

    BENCH_DATABASE_URL=… .venv/bin/python -m bench.explain_lists            # both, pages 1 and 200
    BENCH_DATABASE_URL=… .venv/bin/python -m bench.explain_lists --province # no ward filter
    BENCH_DATABASE_URL=… .venv/bin/python -m bench.explain_lists --plans    # print the plans

The API's lean page (``values_list`` rows) of the largest ward, as a steering viewer of its
province, on the benchmark database; the median of 7 runs of each (run ``VACUUM ANALYZE`` on
a freshly generated database first, or the index-only scans read the heap). Without a ward
filter, "index-first" is the province's page read ward by ward
(``ScopedQuerySet.ward_merged_ids``), and the count is timed both ways too.
"""

import argparse
import os
import statistics
import time
from typing import Any

from bench.generate import DEFAULT_URL


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--province", action="store_true", help="no ward filter")
    parser.add_argument("--plans", action="store_true", help="print each plan")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from households.api.serializers import HouseholdSerializer
    from households.models import Household, Ward
    from households.selectors import household_list
    from wardsecurity.api.serializers import lean_representation
    from wardsecurity.models import User
    from wardsecurity.pagination import exact_count_limit, id_first_slice

    largest = Household.objects.values("ward_id").annotate(n=Count("id")).order_by("-n").first()
    if largest is None:
        raise SystemExit("No households: run python -m bench.generate first.")
    ward = Ward.objects.get(pk=largest["ward_id"])
    viewer = User(
        username="explain", is_active=True, scope_kind=User.ScopeKind.PROVINCE,
        scope_province_id=ward.province_id,
    )  # fmt: skip
    lean = lean_representation(HouseholdSerializer)
    assert lean is not None, "the households list takes the lean path"
    filters = None if args.province else {"ward": ward.pk}
    print(f"ward {ward.pk}: {largest['n']:,} households; filters {filters}")
    for page in (1, 200):
        bottom, top = (page - 1) * 50, page * 50
        for way in ("plain slice", "index-first"):
            queryset = household_list(user=viewer, filters=filters).order_by("-id")
            sliced = (
                queryset[bottom:top]
                if way == "plain slice"
                else id_first_slice(queryset, bottom, top)
            )
            sql, params = lean.rows(sliced).query.sql_with_params()
            times = []
            with connection.cursor() as cursor:
                for _ in range(args.runs):
                    cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
                    times.append(cursor.fetchone()[0][0]["Execution Time"])
                if args.plans:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                    print("\n".join(row[0] for row in cursor.fetchall()))
            print(
                f"page {page:>3}, {way:<11}: median {statistics.median(times):8.2f} ms "
                f"(min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs)"
            )
    if args.province:
        scoped: Any = household_list(user=viewer, filters=None)
        limit = exact_count_limit()
        counts = {
            "plain count": scoped.order_by().values("pk")[: limit + 1],
            "ward by ward": None,
        }
        for way, counted in counts.items():
            times = []
            for _ in range(args.runs):
                started = time.perf_counter()
                total = counted.count() if counted is not None else scoped.ward_merged_count(limit)
                times.append((time.perf_counter() - started) * 1000)
            print(
                f"count, {way:<12}: {total:,}, median {statistics.median(times):8.2f} ms "
                f"(min {min(times):.2f}, max {max(times):.2f}, {args.runs} runs)"
            )


if __name__ == "__main__":
    main()
