"""A full rebuild builds new tables and swaps them in (issue 18): incremental processing runs on
while it builds, and what changed meanwhile is neither lost nor counted twice; a rebuild of one
province replaces that province's rows alone."""

import datetime as dt
import io
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections, transaction
from django.utils import timezone

from incidents.models import Incident
from reports.models import DirtyBucket, StatDay, StatMonth, province_row
from reports.statistics import rollup
from reports.statistics.selectors import stats_for
from tests.factories import IncidentFactory
from tests.reports.test_exactness import rollup_tables
from wardsecurity.period_spec import parse_period

DAY = dt.date(2023, 5, 3)


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def incidents(user, scope="all"):
    answer = stats_for(
        user=user, scope=scope, period=parse_period("year:2023"), metrics=["incidents"]
    )
    return answer["metrics"]["incidents"]["value"]


def in_thread(work):
    """Run ``work`` on another connection (its own transactions), as another worker would."""
    found = {}

    def run():
        try:
            found["value"] = work()
        except BaseException as exc:  # re-raised in the test's thread
            found["error"] = exc
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(60)
    assert not thread.is_alive(), "the other worker is stuck (statistics frozen?)"
    if "error" in found:
        raise found["error"]
    return found["value"]


def leftover_tables() -> list:
    """A rebuild's new tables or replay table still in the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname LIKE 'reports_stat%%_new%%'"
            " OR relname = %s",
            [rollup.REPLAY_TABLE],
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_changes_during_a_full_rebuild_are_processed_and_kept(ward_a, ward_b, ward_c, viewer_all):
    kept = IncidentFactory(ward=ward_a, occurred_at=at(DAY))
    moved = IncidentFactory(ward=ward_a, occurred_at=at(DAY))
    IncidentFactory(ward=ward_b, occurred_at=at(DAY + dt.timedelta(days=40)))
    late = IncidentFactory(ward=ward_c, occurred_at=at(DAY.replace(year=2022)))
    rollup.process_dirty()
    assert incidents(viewer_all) == 3
    # The changes below are raw updates (no signal, no task): only the explicit runs process.
    seen = {}

    def while_building():
        # The rebuild's snapshot is taken: this change is not in the new tables. Another
        # worker records it and processes it on the live tables, without waiting.
        def work():
            Incident.objects.filter(pk=late.pk).update(occurred_at=at(DAY))
            processed = rollup.process_dirty()
            return processed, incidents(viewer_all)

        seen["building"] = in_thread(work)

    def before_swap():
        # Built, not swapped in yet: one change processed on the live tables, one left waiting.
        def work():
            Incident.objects.filter(pk=moved.pk).update(ward=ward_b)
            processed = rollup.process_dirty()
            Incident.objects.filter(pk=kept.pk).update(occurred_at=at(DAY.replace(year=2024)))
            found = processed, incidents(viewer_all, f"ward:{ward_b.code}")
            # A rebuild of one ward consumes its change (from the outbox) meanwhile.
            Incident.objects.filter(pk=late.pk).update(occurred_at=at(DAY.replace(year=2024)))
            rollup.rebuild(ward_ids=[ward_c.pk])
            return found

        seen["built"] = in_thread(work)

    rollup.rebuild(on_snapshot=while_building, on_built=before_swap)
    # Incremental runs were not frozen, and read the live tables meanwhile.
    assert seen["building"] == (2, 4)
    assert seen["built"] == (2, 2)
    # Swapped in: every change is there once, the one left waiting and the one a ward's
    # rebuild consumed included.
    assert not DirtyBucket.objects.exists()
    assert incidents(viewer_all) == 2
    assert incidents(viewer_all, f"ward:{ward_a.code}") == 0
    assert incidents(viewer_all, f"ward:{ward_b.code}") == 2
    assert incidents(viewer_all, f"ward:{ward_c.code}") == 0
    swapped = rollup_tables()
    assert rollup.process_dirty() == 0
    rollup.rebuild()
    assert rollup_tables() == swapped, "the swapped-in tables differ from a quiet rebuild"

    # The live tables keep the migrations' names, indexes and constraints; nothing is left.
    assert leftover_tables() == []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'reports_statday' ORDER BY 1"
        )
        assert [row[0] for row in cursor.fetchall()] == [
            "reports_statday_pkey",
            "statday_day_idx",
            "statday_ward_day_cover_idx",
        ]
        # (PostgreSQL 18 also lists each NOT NULL as a constraint, named after its column.)
        cursor.execute(
            "SELECT conname, contype FROM pg_constraint"
            " WHERE conrelid = 'reports_statmonth'::regclass ORDER BY 1"
        )
        constraints = cursor.fetchall()
        assert [name for name, kind in constraints if kind != "n"] == [
            "reports_statmonth_pkey",
            "statmonth_ward_metric_month_uniq",
        ]
        assert all(name.endswith("_not_null") for name, kind in constraints if kind == "n")
    # New rows still get ids (the identity sequence came along).
    Incident.objects.filter(pk=kept.pk).update(occurred_at=at(DAY))
    assert rollup.process_dirty() == 2
    assert incidents(viewer_all) == 3


@pytest.mark.django_db
def test_a_rebuild_of_one_province_replaces_its_rows_alone(ward_a, ward_b, ward_c, viewer_all):
    assert ward_a.province_id == ward_b.province_id != ward_c.province_id
    for ward in (ward_a, ward_b, ward_c):
        IncidentFactory(ward=ward, occurred_at=at(DAY))
    rollup.process_dirty()
    # Damage every ward's and province's rows; the rebuild of ward A's province repairs its.
    StatDay.objects.update(value=7)
    StatMonth.objects.update(delta=7, closing=7)
    call_command("rollup", "--province", ward_a.province.code, stdout=io.StringIO())
    assert incidents(viewer_all, f"province:{ward_a.province.code}") == 2
    assert incidents(viewer_all, f"ward:{ward_b.code}") == 1
    # Ward C's province was not rebuilt: its rows are as they were left.
    other = [ward_c.pk, province_row(ward_c.province_id)]
    assert set(StatDay.objects.filter(ward_id__in=other).values_list("value", flat=True)) == {7}
    with pytest.raises(CommandError, match="99"):
        call_command("rollup", "--province", "99", stdout=io.StringIO())


def hold_the_rollup(started: threading.Event, release: threading.Event) -> threading.Thread:
    """A long read of the rollup on another connection: its transaction holds a lock on the day
    rows until ``release``."""

    def read():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM reports_statday")
                started.set()
                release.wait(30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=read)
    thread.start()
    assert started.wait(10)
    return thread


@pytest.mark.django_db(transaction=True)
def test_the_swap_gives_way_to_a_long_read_and_readers_go_on(
    monkeypatch, ward_a, viewer_all, caplog
):
    IncidentFactory(ward=ward_a, occurred_at=at(DAY))
    rollup.process_dirty()
    monkeypatch.setattr(rollup, "SWAP_LOCK_TIMEOUT", "100ms")
    monkeypatch.setattr(rollup, "SWAP_PAUSE", 0.2)
    tries = []
    swap = rollup._swap

    def counted(horizon):
        tries.append(horizon)
        swap(horizon)

    monkeypatch.setattr(rollup, "_swap", counted)
    started, release = threading.Event(), threading.Event()
    reader = hold_the_rollup(started, release)
    rebuilt = threading.Thread(target=lambda: (rollup.rebuild(), connections.close_all()))
    rebuilt.start()
    try:
        deadline = time.monotonic() + 20
        while len(tries) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(tries) >= 2, "the swap did not give way and try again"

        # Meanwhile another reader is answered: it does not queue behind a waiting swap.
        def read_with_a_bound():
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
                return incidents(viewer_all)

        assert in_thread(read_with_a_bound) == 1
    finally:
        release.set()
        reader.join(30)
        rebuilt.join(60)
    assert not rebuilt.is_alive()
    assert "the live tables were busy past 100ms" in caplog.text
    # Swapped in once the long read ended, the figures whole.
    assert incidents(viewer_all) == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('reports_statday_new') IS NULL")
        assert cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_swap_that_never_gets_the_tables_gives_up_and_drops_what_it_built(
    monkeypatch, ward_a, viewer_all
):
    IncidentFactory(ward=ward_a, occurred_at=at(DAY))
    rollup.process_dirty()
    monkeypatch.setattr(rollup, "SWAP_LOCK_TIMEOUT", "50ms")
    monkeypatch.setattr(rollup, "SWAP_PAUSE", 0.05)
    monkeypatch.setattr(rollup, "SWAP_ATTEMPTS", 3)
    started, release = threading.Event(), threading.Event()
    reader = hold_the_rollup(started, release)
    try:
        with pytest.raises(rollup.SwapBlocked):
            rollup.rebuild()
    finally:
        release.set()
        reader.join(30)
    assert leftover_tables() == []
    # The live tables are as they were, and later changes still reach them.
    assert incidents(viewer_all) == 1
    IncidentFactory(ward=ward_a, occurred_at=at(DAY))  # (its commit runs the rollup's task)
    rollup.process_dirty()
    assert not DirtyBucket.objects.exists()
    assert incidents(viewer_all) == 2
