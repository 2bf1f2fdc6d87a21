"""The cache shared through Redis when REDIS_URL is set (issue 18, item 8), and its outages."""

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from wardsecurity import throttle
from wardsecurity.cache import TolerantRedisCache

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def backend(location: str, prefix: str = "") -> TolerantRedisCache:
    return TolerantRedisCache(
        location,
        {
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    )


def cache_class(**env) -> str:
    """The default cache's class as a process started with ``env`` sets it up."""
    base = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "REDIS_", "CACHE_"))
    }
    base.setdefault("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/none")  # never connected
    script = (
        "import django; django.setup(); from django.core.cache import caches;"
        " print(type(caches['default']).__name__)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        cwd=PROJECT_ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "wardsecurity.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def redis_keys():
    """(REDIS_URL, a key prefix of this test's own); its keys are removed afterwards."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("REDIS_URL is not set: the shared cache needs Redis")
    prefix = f"test-{uuid.uuid4().hex[:12]}:"
    yield url, prefix
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)


# A process (single-threaded, so that it may fork) that uses one cache object before and after
# a fork, in the parent and in the child, as a worker's prefork pool does.
FORK_SCRIPT = """
import os, sys
from tests.wardsecurity.test_cache import backend
shared = backend(sys.argv[1], sys.argv[2])
shared.set("before-fork", "parent")
seen = ["parent read" if shared.get("before-fork") == "parent" else "parent missed"]
child = os.fork()
if child == 0:
    shared.set("from-child", "child")
    os._exit(0 if shared.get("before-fork") == "parent" else 1)
_, status = os.waitpid(child, 0)
seen.append("child read" if os.waitstatus_to_exitcode(status) == 0 else "child failed")
seen.append("parent read" if shared.get("from-child") == "child" else "parent missed")
print(", ".join(seen))
"""


def forked_child_reads(url: str, prefix: str) -> str:
    base = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", FORK_SCRIPT, url, prefix],
        cwd=PROJECT_ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "wardsecurity.settings.test"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_with_redis_url_every_process_uses_the_redis_cache_and_without_its_own_memory():
    assert cache_class(REDIS_URL="redis://127.0.0.1:6379/0") == "TolerantRedisCache"
    assert cache_class() == "LocMemCache"


def test_a_redis_outage_is_a_miss_never_an_error(monkeypatch):
    away = backend("redis://127.0.0.1:1/0")  # nothing listens on port 1
    assert away.get("stats:x", "missed") == "missed"
    away.set("stats:x", {"a": 1})  # dropped, no error
    assert away.add("k", 1) is True
    with pytest.raises(ValueError, match="unavailable"):
        away.incr("k")
    assert away.delete("k") is False
    # The sign-in throttle lets the attempt through (axes, in PostgreSQL, still locks out).
    monkeypatch.setattr(throttle, "cache", away)
    assert [throttle.throttle_hit(address="198.51.100.1") for _ in range(20)] == [0] * 20


def test_two_processes_share_the_counts_through_redis(settings, monkeypatch, redis_keys):
    url, prefix = redis_keys
    first, second = backend(url, prefix), backend(url, prefix)  # as two processes have
    settings.SIGNIN_THROTTLE_PER_MINUTE = 3
    now = 1_800_000_000.0  # one minute's window for every attempt
    hits = []
    for web in (first, second, first, second):
        monkeypatch.setattr(throttle, "cache", web)
        hits.append(throttle.throttle_hit(address="198.51.100.2", now=now))
    assert hits[:3] == [0, 0, 0] and hits[3] > 0
    first.set("stats:shared", {"value": 7})
    assert second.get("stats:shared") == {"value": 7}


def test_one_redis_client_serves_every_command_from_threads_and_a_forked_child(redis_keys):
    """Each cache object builds its Redis client once (not once a command); that client is
    shared by threads and, in a forked child (the worker's pool), talks on its own connections."""
    url, prefix = redis_keys
    shared = backend(url, prefix)
    maker = shared._cache
    assert maker.get_client() is maker.get_client("any") is maker.get_client(write=True)
    errors: list[str] = []

    def many(n: int) -> None:
        for i in range(100):
            shared.set(f"t{n}:{i}", (n, i))
            if shared.get(f"t{n}:{i}") != (n, i):
                errors.append(f"{n}:{i}")

    threads = [threading.Thread(target=many, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert maker.get_client() is maker.get_client()
    assert forked_child_reads(url, prefix) == "parent read, child read, parent read"
