"""What the portal shows over a real streaming standby: run by ``test_real_standby.py`` in a
process of its own, with ``DATABASE_URL``/``DATABASE_OWNER_URL`` naming the primary,
``DATABASE_REPLICA_URL`` the standby (the application's role) and ``STANDBY_OWNER_URL`` the
standby's owner (who may pause its replay). Prints one JSON object of what it saw; the test
judges it.

Steps: the fresh standby paused and sent a write before it replayed any transaction; one
incident in March 2024, the rollup processed, the standby caught up, the statistics
API and the dashboard read; the standby's replay paused, a second incident written and processed
on the primary, read again (the standby is behind, and says so); the replay resumed and read
again; an export run by the worker; a write sent to the standby; then the standby stopped and
read twice, and started again (``STANDBY_DATA``, ``STANDBY_SOCKETS`` and ``STANDBY_USER`` say
how).
"""

import datetime as dt
import json
import os
import re
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wardsecurity.settings.test")
django.setup()

import psycopg  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import DatabaseError, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from households.models import Household  # noqa: E402
from reports.statistics import rollup  # noqa: E402
from tests import factories as f  # noqa: E402
from tests.wardsecurity.standby_pair import start_server, stop_server, wait_for  # noqa: E402
from wardsecurity.models import ExportJob, User  # noqa: E402
from wardsecurity.portal.export_jobs import export_job_run  # noqa: E402
from wardsecurity.replica import REPLICA, health, replica_lag  # noqa: E402

MARCH = {"scope": "all", "period": "month:2024-03", "calendar": "civil"}
AS_OF_LINE = re.compile(r"Số liệu tính đến[^<]*")


def primary_lsn() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def on_standby(sql: str, params: list | None = None):
    """The first value ``sql`` answers on the standby, as its owner (who may pause its replay)."""
    with psycopg.connect(os.environ["STANDBY_OWNER_URL"], autocommit=True) as standby:
        row = standby.execute(sql, params).fetchone()
    return row[0] if row else None


def standby_has(column: str, lsn: str) -> bool:
    """The standby's ``pg_last_wal_{column}_lsn()`` has reached ``lsn``."""
    return bool(on_standby(f"SELECT pg_last_wal_{column}_lsn() >= %s::pg_lsn", [lsn]))


def pause_replay() -> None:
    on_standby("SELECT pg_wal_replay_pause()")
    wait_for(
        lambda: on_standby("SELECT pg_get_wal_replay_pause_state()") == "paused",
        "the standby's replay to pause",
    )


def read(client: Client) -> dict:
    """The March figure from the API and the dashboard's "data as of" line, and on which
    database each read the statistics."""
    with (
        CaptureQueriesContext(connections[REPLICA]) as on_replica,
        CaptureQueriesContext(connections["default"]) as on_primary,
    ):
        answer = client.get("/api/v1/stats/", MARCH, HTTP_ACCEPT_LANGUAGE="vi")
        page = client.get("/dashboard/", MARCH, HTTP_ACCEPT_LANGUAGE="vi")
    body = answer.json() if answer.status_code == 200 else {}
    line = AS_OF_LINE.search(page.content.decode())

    def statistics_reads(queries):
        return len([q for q in queries if "reports_stat" in q["sql"]])

    return {
        "api_status": answer.status_code,
        "page_status": page.status_code,
        "incidents": body.get("metrics", {}).get("incidents", {}).get("value"),
        "as_of": body.get("as_of"),
        "as_of_line": line[0] if line else "",
        "statistics_reads_on_replica": statistics_reads(on_replica),
        "statistics_reads_on_primary": statistics_reads(on_primary),
        "writes_on_replica": [
            q["sql"][:80]
            for q in on_replica
            if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        ],
    }


def caught_up() -> None:
    """Wait until the standby has replayed all the primary has written so far."""
    lsn = primary_lsn()
    wait_for(lambda: standby_has("replay", lsn), f"the standby to replay up to {lsn}")


def incident(ward) -> None:
    f.IncidentFactory(ward=ward, occurred_at=timezone.make_aware(dt.datetime(2024, 3, 3, 10)))
    rollup.process_dirty(wait=True)


def fresh_standby_behind(seen: dict) -> None:
    """The standby has replayed no transaction since it started (the primary's autovacuum is
    off, nothing has been written since the copy): paused, then sent a write, it is behind."""
    seen["fresh_replayed_nothing"] = on_standby("SELECT pg_last_xact_replay_timestamp() IS NULL")
    pause_replay()
    f.ProvinceFactory()
    lsn = primary_lsn()
    wait_for(lambda: standby_has("receive", lsn), "the standby to receive the first write")
    time.sleep(2.5)
    lag = replica_lag(REPLICA)
    seen["fresh_lag"] = None if lag is None else lag.total_seconds()
    on_standby("SELECT pg_wal_replay_resume()")
    caught_up()


def main() -> None:
    seen: dict = {}
    fresh_standby_behind(seen)
    ward = f.WardFactory(province=f.ProvinceFactory())
    viewer = f.UserFactory(
        role=User.Role.STEERING_VIEWER, scope_kind=User.ScopeKind.ALL, scope_ward=None
    )
    officer = f.UserFactory(role=User.Role.WARD_POLICE, scope_ward=ward)
    group = f.ResidentialGroupFactory(ward=ward)
    for _ in range(3):
        f.HouseholdFactory(ward=ward, group=group)
    incident(ward)

    client = Client(HTTP_HOST="localhost")
    client.force_login(viewer)  # a write on the primary (the session)
    caught_up()
    seen["caught_up"] = read(client)

    pause_replay()
    incident(ward)
    lsn = primary_lsn()
    wait_for(lambda: standby_has("receive", lsn), "the standby to receive the second incident")
    time.sleep(2.5)  # the standby is now at least this far behind
    seen["paused"] = read(client)
    seen["received_not_replayed"] = not standby_has("replay", lsn)

    on_standby("SELECT pg_wal_replay_resume()")
    caught_up()
    seen["resumed"] = read(client)

    job = ExportJob.objects.create(
        owner=officer, entity=Household._meta.label_lower, format="csv", language="vi"
    )
    caught_up()
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        export_job_run(job_id=job.pk)
    job.refresh_from_db()
    seen["export"] = {
        "status": job.status,
        "rows": job.row_count,
        "household_reads_on_replica": len(
            [q for q in on_replica if Household._meta.db_table in q["sql"]]
        ),
    }
    try:
        with connections[REPLICA].cursor() as cursor:
            cursor.execute("UPDATE reports_rollupstate SET horizon = horizon")
        seen["write_on_standby"] = "accepted"
    except DatabaseError as exc:
        seen["write_on_standby"] = str(exc).splitlines()[0]

    # The standby goes away while this process holds a connection to it and trusts it (its
    # last check is recent): the request that finds it gone is answered again on the primary
    # (its first attempt's error is logged, not raised), and the next reads the primary.
    settings.REPLICA_CHECK_SECONDS = 3600
    health.forget()
    seen["before_stop"] = read(client)
    stop_server(os.environ["STANDBY_DATA"], os.environ.get("STANDBY_USER") or None)
    client.raise_request_exception = False
    first = client.get("/api/v1/stats/", MARCH)
    seen["first_after_stop"] = (
        first.status_code,
        first.json()["metrics"]["incidents"]["value"] if first.status_code == 200 else None,
    )
    seen["stopped"] = read(client)

    # Started again: once its next check is due, this process reads the standby again (on a
    # new connection: the one the stop broke is not reused).
    start_server(
        os.environ["STANDBY_DATA"],
        os.environ["STANDBY_SOCKETS"],
        os.environ.get("STANDBY_USER") or None,
    )
    caught_up()
    settings.REPLICA_CHECK_SECONDS = 0
    seen["restarted"] = read(client)
    json.dump(seen, sys.stdout)


if __name__ == "__main__":
    main()
