"""Test database names unique to each run, and the clean-up of databases that runs left behind.

Two runs against one server (CI jobs, a terminal beside an editor, several helpers) must never
drop each other's database, so every run names its own: ``<test name>_<TEST_DB_SUFFIX or
"run">_r<creation time><random>``. pytest-django drops it when the run ends; a run that was
killed cannot, so each run also drops the databases of runs that started more than
``STALE_AFTER`` ago and that nothing is connected to.
"""

import logging
import re
import secrets
import time

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

STALE_AFTER = 12 * 3600  # seconds: far longer than any run of the suite
STAMPED = re.compile(r"_r(?P<created>[0-9a-f]{8})[0-9a-f]{4}$")


def run_database_name(base: str, *, suffix: str | None, now: float | None = None) -> str:
    """``base`` made unique to this run (PostgreSQL keeps the first 63 bytes of a name)."""
    created = int(time.time() if now is None else now)
    stamp = f"r{created:08x}{secrets.token_hex(2)}"
    name = f"{base}_{suffix or 'run'}_{stamp}"
    if len(name.encode()) > 63:
        raise ValueError(f"test database name too long: {name}")
    return name


def drop_stale_databases(*, now: float | None = None) -> list[str]:
    """Drop the stamped test databases older than STALE_AFTER with no session; return them."""
    limit = (time.time() if now is None else now) - STALE_AFTER
    dropped = []
    with connection._nodb_cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database d WHERE datname LIKE 'test\\_%%'"
            " AND NOT EXISTS (SELECT FROM pg_stat_activity a WHERE a.datid = d.oid)"
        )
        names = [name for (name,) in cursor.fetchall()]
        for name in names:
            match = STAMPED.search(name)
            if not match or int(match["created"], 16) >= limit:
                continue
            try:
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
            except DatabaseError:
                logger.warning("left test database %s: another run still uses it", name)
                continue
            dropped.append(name)
    return dropped
