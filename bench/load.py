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
) -> LoadResult:
    """GET ``paths`` round-robin from ``concurrency`` threads for ``duration`` seconds."""
    headers = {"Accept": "application/json", **(headers or {})}
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    counter = iter(range(10**9))

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
        one(conn, paths[n % len(paths)], record=False)
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
