"""Test runs on a shared server: each run has its own databases; abandoned ones are dropped."""

import time

import pytest
from django.conf import settings
from django.db import connection

from tests.dbnames import STALE_AFTER, STAMPED, drop_stale_databases, run_database_name


def _databases() -> set[str]:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database")
        return {name for (name,) in cursor.fetchall()}


def _create(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")


def test_this_run_has_a_database_of_its_own_even_under_ci(db):
    # CI=true used to keep the shared default name (test_test_gw0), which two runs drop in turn.
    name = settings.DATABASES["default"]["NAME"]
    assert name.startswith("test_")
    assert STAMPED.search(name), name


def test_two_runs_never_share_a_name():
    now = time.time()
    names = {run_database_name("test_test_gw0", suffix=None, now=now) for _ in range(50)}
    assert len(names) > 45  # the same second: the random part still tells them apart
    assert all(STAMPED.search(name) for name in names)
    assert all(len(name) <= 63 for name in names)


@pytest.mark.django_db
def test_databases_left_by_killed_runs_are_dropped_and_live_ones_kept():
    now = time.time()
    stale = run_database_name("test_dbnames", suffix="stale", now=now - STALE_AFTER - 60)
    recent = run_database_name("test_dbnames", suffix="recent", now=now - 60)
    unstamped = f"test_dbnames_unstamped_{int(now)}"
    for name in (stale, recent, unstamped):
        _create(name)
    try:
        dropped = drop_stale_databases(now=now)
        remaining = _databases()
        assert stale in dropped
        assert stale not in remaining
        assert recent in remaining  # another run may still be using it
        assert unstamped in remaining  # not ours to drop
        assert settings.DATABASES["default"]["NAME"] in remaining
    finally:
        with connection._nodb_cursor() as cursor:
            for name in (stale, recent, unstamped):
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
