"""A full rebuild computes its day rows on several connections that share one snapshot (issue
18, item 6): the parts cover every source once, the rollup is the one a single connection
builds, a change made after the snapshot reaches no part before the swap, and a part that
fails leaves the live rollup as it was and no new table behind. Its months are computed in
shares on as many connections: the shares are the whole months table, each row once."""

import itertools
import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings

from reports.models import DirtyBucket
from reports.statistics import rollup
from reports.statistics.metrics import SOURCES
from reports.statistics.sql import events
from tests.reports.test_exactness import KINDS, World, rollup_tables, world_setup  # noqa: F401
from tests.reports.test_rebuild_swap import in_thread, leftover_tables


def root(source):
    return source.key.split(".")[0]


@pytest.mark.django_db
@pytest.mark.parametrize("count", [1, 2, 3, 5, 1000])
def test_the_parts_cover_every_source_once_and_keep_each_metric_in_one(count):
    with connection.cursor() as cursor:
        parts = rollup._parts(cursor, count)
    assert 1 <= len(parts) <= count
    assert all(parts), "an empty part"
    flat = [source for part in parts for source in part]
    assert sorted(map(id, flat)) == sorted(map(id, SOURCES))
    # A metric is its source's key, or the key, a dot and a value: one part has all of them.
    roots = [{root(source) for source in part} for part in parts]
    for one, other in itertools.combinations(roots, 2):
        assert not one & other
    if count == 1:
        assert parts == [list(SOURCES)]
    if count == 2:
        events_of = [sum(len(events(s)) for s in part) for part in parts]
        assert min(events_of) > 0.25 * sum(events_of), events_of


def build_every_kind(setup, start=0):
    with transaction.atomic():
        world = World(setup["wards"], setup["officer"])
        world.n = 1000 * (start + 1)  # codes apart from another world's
        for i, kind in enumerate(KINDS):
            world.build(kind, i % 3, 100 + start + i, 30 if i % 2 else None, i)


def spy_on(monkeypatch, name, describe):
    """[(database session, thread, ``describe(*args)``)] of each call of ``rollup.<name>``."""
    seen = []
    original = getattr(rollup, name)

    def spy(*args):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            seen.append((cursor.fetchone()[0], threading.current_thread().name, describe(*args)))
        original(*args)

    monkeypatch.setattr(rollup, name, spy)
    return seen


@pytest.fixture
def parts_seen(monkeypatch):
    """The database sessions that computed a part on another connection (and its size)."""
    return spy_on(monkeypatch, "_insert_part", lambda snapshot, sources: len(sources))


@pytest.fixture
def months_seen(monkeypatch):
    """The database sessions that computed a share of the months (and which share)."""
    return spy_on(monkeypatch, "_months_share", lambda horizon, share: share)


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_on_two_connections_equals_one_on_one(world_setup, parts_seen, months_seen):  # noqa: F811
    build_every_kind(world_setup)
    rollup.process_dirty()
    incremental = rollup_tables()
    assert incremental[0], "no day rows"
    assert any(ward_id < 0 for ward_id, *_ in incremental[0]), "no province totals"

    with override_settings(ROLLUP_REBUILD_CONNECTIONS=1):
        rollup.rebuild()
    assert parts_seen == [] and months_seen == []
    one = rollup_tables()

    with override_settings(ROLLUP_REBUILD_CONNECTIONS=2):
        rollup.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    assert len(parts_seen) == 1
    pid, thread, sources = parts_seen[0]
    assert pid != own and thread == "rollup-rebuild-1" and 0 < sources < len(SOURCES)
    assert sorted((thread, share) for _pid, thread, share in months_seen) == [
        ("MainThread", (2, 0)),
        ("rollup-rebuild-1", (2, 1)),
    ]
    assert {pid for pid, thread, _share in months_seen if thread != "MainThread"} != {own}
    assert rollup_tables() == one == incremental
    assert leftover_tables() == []


@pytest.mark.django_db(transaction=True)
def test_changes_after_the_snapshot_reach_no_part_before_the_swap(world_setup, parts_seen):  # noqa: F811
    build_every_kind(world_setup)
    rollup.process_dirty()
    before = rollup_tables()
    built = {}

    def while_building():
        # Records of every kind, so that each part has a source that changed.
        in_thread(lambda: build_every_kind(world_setup, start=1))

    def before_swap():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT ward_id, day, group_id, metric, value FROM reports_statday_new"
                " ORDER BY 1, 2, 3, 4"
            )
            built["days"] = cursor.fetchall()

    with override_settings(ROLLUP_REBUILD_CONNECTIONS=2):
        rollup.rebuild(on_snapshot=while_building, on_built=before_swap)
    assert len(parts_seen) == 1
    # Built from the snapshot alone, in every part; the swap then replayed the changes.
    assert built["days"] == before[0]
    assert not DirtyBucket.objects.exists()
    swapped = rollup_tables()
    assert swapped != before
    with override_settings(ROLLUP_REBUILD_CONNECTIONS=1):
        rollup.rebuild()
    assert rollup_tables() == swapped


@pytest.mark.django_db(transaction=True)
def test_a_part_that_fails_leaves_the_live_rollup_and_no_new_table(world_setup, monkeypatch):  # noqa: F811
    build_every_kind(world_setup)
    rollup.process_dirty()
    live = rollup_tables()

    def failing(snapshot, sources):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT 1 / 0")

    monkeypatch.setattr(rollup, "_insert_part", failing)
    with override_settings(ROLLUP_REBUILD_CONNECTIONS=2), pytest.raises(Exception) as failed:
        rollup.rebuild()
    assert "division by zero" in str(failed.value)
    assert leftover_tables() == []
    assert rollup_tables() == live
    monkeypatch.undo()
    # The next rebuild runs (the rebuild's lock was given back).
    with override_settings(ROLLUP_REBUILD_CONNECTIONS=2):
        rollup.rebuild()
    assert rollup_tables() == live


MONTH_COLUMNS = "ward_id, metric, month, delta, closing"


@pytest.mark.django_db
@pytest.mark.parametrize("shares", [2, 3, 7])
def test_the_months_shares_are_the_whole_months_each_row_once(world_setup, shares):  # noqa: F811
    build_every_kind(world_setup)
    rollup.process_dirty()
    select = f"SELECT {MONTH_COLUMNS} FROM reports_statmonth_new ORDER BY 1, 2, 3"
    with connection.cursor() as cursor:
        cursor.execute("SELECT horizon FROM reports_rollupstate WHERE id = 1")
        horizon = cursor.fetchone()[0]
        # The live day rows and series as a rebuild's new tables; the months built whole, then
        # in shares.
        for table in rollup.ROLLUP_TABLES:
            cursor.execute(
                f"CREATE TEMP TABLE {table}_new (LIKE {table} INCLUDING ALL EXCLUDING INDEXES)"
            )
        cursor.execute("INSERT INTO reports_statday_new SELECT * FROM reports_statday")
        cursor.execute("INSERT INTO reports_statseries_new SELECT * FROM reports_statseries")
        rollup._build_months(cursor, horizon)
        cursor.execute(select)
        whole = cursor.fetchall()
        cursor.execute("TRUNCATE reports_statmonth_new")
        seen = []
        for share in range(shares):
            rollup._build_months(cursor, horizon, (shares, share))
            cursor.execute(select)
            seen.append(cursor.fetchall())
            cursor.execute("TRUNCATE reports_statmonth_new")
    assert len(whole) > 100
    assert sum(map(len, seen)) == len(whole)
    assert sorted(row for rows in seen for row in rows) == whole
    assert sum(1 for rows in seen if rows) >= 2, [len(rows) for rows in seen]
    # A series (ward, metric) is in one share, all its months together.
    series = [{(ward, metric) for ward, metric, *_rest in rows} for rows in seen]
    for one, other in itertools.combinations(series, 2):
        assert not one & other


@pytest.mark.django_db(transaction=True)
def test_a_months_share_that_fails_leaves_the_live_rollup_and_no_new_table(
    world_setup,  # noqa: F811
    monkeypatch,
):
    build_every_kind(world_setup)
    rollup.process_dirty()
    live = rollup_tables()
    original = rollup._months_share

    def failing(horizon, share):
        if share[1] == 1:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT 1 / 0")
        original(horizon, share)

    monkeypatch.setattr(rollup, "_months_share", failing)
    with override_settings(ROLLUP_REBUILD_CONNECTIONS=2), pytest.raises(Exception) as failed:
        rollup.rebuild()
    assert "division by zero" in str(failed.value)
    assert leftover_tables() == []
    assert rollup_tables() == live
