"""A small HTTP load generator: threads with keep-alive ``http.client`` connections."""

import http.client
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    """Latencies (seconds) and throughput of one scenario."""

    requests: int
    seconds: float
    latencies: list[float]
    statuses: dict[int, int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        if len(ordered) == 1:
            return ordered[0]
        return statistics.quantiles(ordered, n=100, method="inclusive")[int(p) - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def ok(self) -> bool:
        return set(self.statuses) == {200}


def hammer(
    host: str,
    port: int,
    paths: list[str],
    *,
    headers: dict | None = None,
    concurrency: int = 2,
    duration: float = 10.0,
    warmup: int = 5,
    offset: int = 0,
) -> LoadResult:
    """GET ``paths`` round-robin from ``concurrency`` threads for ``duration`` seconds, starting
    at ``offset`` (rounds of one scenario continue where the last one stopped)."""
    headers = {"Accept": "application/json", **(headers or {})}
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(offset + warmup, 10**9))

    def one(conn, path, record):
        started = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
            closing = response.getheader("Connection", "").lower() == "close"
        except (OSError, http.client.HTTPException):
            # A worker killed by gunicorn's timeout: counted as a failure (status 0), not lost.
            status, closing = 0, True
        took = time.perf_counter() - started
        if record:
            with lock:
                latencies.append(took)
                statuses[status] = statuses.get(status, 0) + 1
        if closing:
            conn.close()

    conn = http.client.HTTPConnection(host, port, timeout=60)
    for n in range(warmup):
        one(conn, paths[(offset + n) % len(paths)], record=False)
    conn.close()

    deadline = time.perf_counter() + duration

    def worker():
        conn = http.client.HTTPConnection(host, port, timeout=60)
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter)
            one(conn, paths[n % len(paths)], record=True)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return LoadResult(len(latencies), elapsed, latencies, statuses)


# ------------------------------------------------------------------------------------------------
# Interleaving: a figure and its limit measured in alternating short rounds (A B A B …), so that
# both see the same machine. A ratio is taken within each pair; the figure's ratio is their median.


@dataclass
class Pairs:
    """Rounds of a figure (``a``) and of its limit (``b``), measured alternately."""

    a: list
    b: list
    ratios: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> str:
        return f"{min(self.ratios):.2f}–{max(self.ratios):.2f}"


def interleave(measure_a, measure_b, ratio, *, pairs: int = 3) -> Pairs:
    """Call ``measure_a`` then ``measure_b`` ``pairs`` times; ``ratio(a, b)`` of each pair."""
    if pairs < 1:
        raise ValueError("at least one pair")
    a_rounds, b_rounds, ratios = [], [], []
    for _n in range(pairs):
        a = measure_a()
        b = measure_b()
        a_rounds.append(a)
        b_rounds.append(b)
        ratios.append(ratio(a, b))
    return Pairs(a_rounds, b_rounds, ratios)


def merged(results: list[LoadResult]) -> LoadResult:
    """Several rounds of one scenario as one result (latencies pooled, time summed)."""
    statuses: dict[int, int] = {}
    for result in results:
        for status, count in result.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
    return LoadResult(
        sum(r.requests for r in results),
        sum(r.seconds for r in results),
        [latency for r in results for latency in r.latencies],
        statuses,
    )


def rate_ratio(a: LoadResult, b: LoadResult) -> float:
    """Throughput of the figure over that of its limit (nan when the limit served nothing)."""
    return a.rate / b.rate if b.rate else float("nan")
