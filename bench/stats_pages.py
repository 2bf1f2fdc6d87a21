"""``GET /api/v1/stats/?scope=all&by=ward`` for every ward of the benchmark database, in process.

    BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_stats \\
        .venv/bin/python -m bench.stats_pages [--rebuild] [--period year:2025] [--runs 5] [QUERY …]

Each query (default: the whole breakdown, and its first page nested and compact) is answered
``--runs`` times with an empty answer cache (uncached: the SQL, the figures and the JSON) and
``--runs`` times from the cache (repeated: authentication, the rollup's state, the cached
bytes), through Django's test client with a Bearer token of a national steering viewer: the
whole request cycle but the socket. Prints the size of the answer and the median and maximum
time of each. ``--rebuild`` first builds the rollup (needed once after ``bench.generate``).
"""

import argparse
import os
import statistics
import sys
import time

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/bench_stats"
DEFAULT_QUERIES = [
    "scope=all&by=ward",
    "scope=all&by=ward&page=1&page_size=100",
    "scope=all&by=ward&page=1&page_size=500&shape=compact",
]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--period", default="year:2025")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("queries", nargs="*", default=DEFAULT_QUERIES)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.test import Client

    from households.models import Ward
    from reports.statistics import rollup
    from wardsecurity.api.authentication import token_issue

    if args.rebuild:
        started = time.perf_counter()
        rollup.rebuild()
        print(f"rollup rebuilt in {time.perf_counter() - started:.0f} s", flush=True)
    viewer, _created = get_user_model().objects.update_or_create(
        username="bench.national",
        defaults={"role": "steering_viewer", "scope_kind": "all"},
    )
    raw, _token = token_issue(user=viewer, name="bench.stats_pages")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    print(f"{Ward.objects.count():,} wards, period {args.period}", flush=True)
    for query in args.queries:
        url = f"/api/v1/stats/?{query}&period={args.period}"
        timings: dict[str, list[float]] = {"uncached": [], "repeated": []}
        size = 0
        status = 0
        for kind in ("uncached", "repeated"):
            for _run in range(args.runs):
                if kind == "uncached":
                    cache.clear()
                started = time.perf_counter()
                response = client.get(url)
                timings[kind].append(time.perf_counter() - started)
                status, size = response.status_code, len(response.content)
        print(f"{query}: HTTP {status}, {size / 1e6:.2f} MB", flush=True)
        for kind, times in timings.items():
            print(
                f"  {kind}: median {statistics.median(times) * 1000:.1f} ms,"
                f" max {max(times) * 1000:.1f} ms ({len(times)} runs)",
                flush=True,
            )
    sys.exit(0)


if __name__ == "__main__":
    main()
