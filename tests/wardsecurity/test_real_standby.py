"""The read replica over a real streaming standby (issue 18, item 8).

``test_replica.py`` proves the routing against a mirror of the test database; a mirror is the
primary itself, so it cannot show what a standby does: lag behind the primary, refuse writes,
and report its lag through ``pg_last_wal_*`` and ``pg_last_xact_replay_timestamp()``. Here a
primary and a standby made from it by ``pg_basebackup`` (``standby_pair``) run the portal's
migrations, and ``standby_scenario`` drives the statistics API, the dashboard and the export
worker through them in a process of its own, with the standby's replay paused and resumed.
"""

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.wardsecurity.standby_pair import WAIT, start_primary
from wardsecurity.models import ExportJob

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LAG_LINE = re.compile(r"Đọc từ cơ sở dữ liệu bản sao, chậm (\d+) giây so với cơ sở dữ liệu chính")

# One worker runs the whole module (make test: --dist loadgroup): one primary and standby.
pytestmark = [pytest.mark.standby, pytest.mark.xdist_group("standby")]


def _environment(**urls: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_", "REDIS_", "BENCH_DATABASE"))
    }
    env.update(urls, DJANGO_SETTINGS_MODULE="wardsecurity.settings.test", PYTHONPATH=".")
    return env


def _run(args: list[str], env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(  # noqa: S603 - this interpreter and this project's files
        [sys.executable, *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return done.stdout


@pytest.fixture(scope="module")
def seen():
    """The scenario's observations over a migrated primary and its standby."""
    pair = start_primary()
    try:
        primary = {
            "DATABASE_URL": pair.primary_app,
            "DATABASE_OWNER_URL": pair.primary_owner,
        }
        _run(["manage.py", "migrate", "-v0"], _environment(**primary), timeout=600)
        pair.quiet_primary()
        pair.start_standby()
        env = _environment(
            **primary,
            DATABASE_REPLICA_URL=pair.standby_app,
            STANDBY_OWNER_URL=pair.standby_owner,
            STANDBY_DATA=str(pair.standby_data),
            STANDBY_SOCKETS=str(pair.folder / "standby-socket"),
            STANDBY_USER=pair.user or "",
        )
        out = _run(["-m", "tests.wardsecurity.standby_scenario"], env, timeout=10 * WAIT)
        yield json.loads(out)
    finally:
        pair.stop()


def _lag(read: dict) -> int:
    found = LAG_LINE.search(read["as_of_line"])
    assert found, read["as_of_line"]
    return int(found[1])


def assert_caught_up_on_the_standby(read: dict, incidents: int) -> None:
    """Both answers served, with the figure given, every statistics read on the standby,
    and "0 seconds behind" said."""
    assert (read["api_status"], read["page_status"]) == (200, 200)
    assert read["incidents"] == incidents
    assert read["statistics_reads_on_replica"] and not read["statistics_reads_on_primary"]
    assert _lag(read) == 0


def test_a_standby_that_replayed_nothing_yet_counts_its_lag_from_its_start(seen):
    """Behind before it replayed any transaction, the standby has no replay time to count
    from; its lag is at least the time since it started, not zero."""
    assert seen["fresh_replayed_nothing"]
    assert seen["fresh_lag"] is not None and seen["fresh_lag"] >= 2


def test_a_caught_up_standby_serves_the_figures_with_no_lag(seen):
    read = seen["caught_up"]
    assert_caught_up_on_the_standby(read, incidents=1)
    assert read["writes_on_replica"] == []


def test_a_standby_behind_shows_its_older_figures_and_says_how_far_behind(seen):
    paused, resumed = seen["paused"], seen["resumed"]
    assert seen["received_not_replayed"]  # the WAL was there, its replay held back
    # The primary counts two incidents; the standby, paused before the second, still one.
    assert paused["incidents"] == 1
    assert (paused["api_status"], paused["page_status"]) == (200, 200)
    assert 2 <= _lag(paused) < WAIT * 10
    # The API's "as of" is at least that lag earlier than the time of the caught-up reading.
    assert dt.datetime.fromisoformat(paused["as_of"]) < dt.datetime.fromisoformat(
        resumed["as_of"]
    ) - dt.timedelta(seconds=2)
    assert paused["writes_on_replica"] == []


def test_once_replayed_the_standby_serves_the_new_figure(seen):
    assert_caught_up_on_the_standby(seen["resumed"], incidents=2)


def test_the_export_worker_reads_the_standby_and_writes_the_primary(seen):
    export = seen["export"]
    assert (export["status"], export["rows"]) == (ExportJob.Status.DONE, 3)
    assert export["household_reads_on_replica"] > 0


def test_the_standby_is_real_it_refuses_writes(seen):
    assert "read-only transaction" in seen["write_on_standby"]


def test_when_the_standby_goes_away_the_reads_go_back_to_the_primary(seen):
    assert seen["before_stop"]["statistics_reads_on_replica"]
    # The request that found the standby gone: answered again on the primary, not a 503.
    assert seen["first_after_stop"] == [200, 2]  # (status, figure), through JSON
    read = seen["stopped"]
    assert (read["api_status"], read["page_status"]) == (200, 200)
    assert read["incidents"] == 2  # the primary's figure
    assert read["statistics_reads_on_primary"] and not read["statistics_reads_on_replica"]
    assert read["as_of_line"] and "bản sao" not in read["as_of_line"]


def test_a_standby_started_again_is_read_again(seen):
    assert_caught_up_on_the_standby(seen["restarted"], incidents=2)
