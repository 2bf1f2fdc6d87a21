"""A full rebuild computes its day rows on several connections that share one snapshot (issue
18, item 6): the parts cover every source once, the rollup is the one a single connection
builds, a change made after the snapshot reaches no part before the swap, and a part that
fails leaves the live rollup as it was and no new table behind."""

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


@pytest.fixture
def parts_seen(monkeypatch):
    """The database sessions that computed a part on another connection."""
    seen = []
    original = rollup._insert_part

    def spy(snapshot, sources):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            seen.append((cursor.fetchone()[0], threading.current_thread().name, len(sources)))
        original(snapshot, sources)

    monkeypatch.setattr(rollup, "_insert_part", spy)
    return seen


@pytest.mark.django_db(transaction=True)
def test_a_rebuild_on_two_connections_equals_one_on_one(world_setup, parts_seen):  # noqa: F811
    build_every_kind(world_setup)
    rollup.process_dirty()
    incremental = rollup_tables()
    assert incremental[0], "no day rows"
    assert any(ward_id < 0 for ward_id, *_ in incremental[0]), "no province totals"

    with override_settings(ROLLUP_REBUILD_CONNECTIONS=1):
        rollup.rebuild()
    assert parts_seen == []
    one = rollup_tables()

    with override_settings(ROLLUP_REBUILD_CONNECTIONS=2):
        rollup.rebuild()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = cursor.fetchone()[0]
    assert len(parts_seen) == 1
    pid, thread, sources = parts_seen[0]
    assert pid != own and thread == "rollup-rebuild-1" and 0 < sources < len(SOURCES)
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
