"""An optional read replica for the heavy reads: dashboards, statistics and exports (issue 18).

With ``DATABASE_REPLICA_URL`` set, settings add a database "replica" (a streaming standby of the
primary). Reads go there only inside ``replica_reads()``, which the statistics API, the
dashboard and the export worker open around their reads; everything else — every write, every
read that must see a write just made (a form saved then shown, a job claimed then read), the
checks of who may do what — stays on the primary. A global router sending every read to the
replica would be simpler and wrong: a replica is seconds behind, and a page that redirects after
a save would show the old record.

Without ``DATABASE_REPLICA_URL`` there is no "replica" database and ``replica_reads()`` changes
nothing. The replica's lag is read with the figures (``replica_lag``) and shown in the "data as
of" line, so a reader knows how old the figures are.

The replica is optional, so it never takes the portal down with it: ``replica_reads()`` sends
reads there only while it answers and is at most ``REPLICA_MAX_LAG`` seconds behind (a standby
whose replay stopped would otherwise serve ever older figures); otherwise the reads stay on the
primary. Each process asks at most every ``REPLICA_CHECK_SECONDS`` (one short query), and at
once again when a request failed to reach it; that request, a read, is answered again on the
primary (``ReplicaFallbackMiddleware``), so a standby that stops costs no read an error page.
"""

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wardsecurity.outage import is_database_unavailable

REPLICA = "replica"
DEFAULT = "default"

# The lag of the database it runs on: NULL on a primary, zero on a standby that has replayed all
# it received (an idle primary sends nothing, and the last replayed transaction may be old),
# else the time since the last transaction it replayed, or, when it has replayed none since it
# started, the time since it started (its data is older than that: at least that far behind).
LAG_SQL = (
    "CASE WHEN NOT pg_is_in_recovery() THEN NULL"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN interval '0'"
    " ELSE greatest(now() - COALESCE(pg_last_xact_replay_timestamp(),"
    " pg_postmaster_start_time()), interval '0') END"
)

_reading: ContextVar[bool] = ContextVar("replica_reads", default=False)
# Set when the replica could not be reached inside ``replica_reads()`` (the request's answer is
# then a 503); ``ReplicaFallbackMiddleware`` reads it and answers the request again with
# ``_primary_only`` set, so that ``replica_reads()`` leaves the reads on the primary.
_lost: ContextVar[bool] = ContextVar("replica_lost", default=False)
_primary_only: ContextVar[bool] = ContextVar("replica_primary_only", default=False)

logger = logging.getLogger(__name__)


def replica_configured() -> bool:
    return bool(getattr(settings, "REPLICA_READS", False)) and REPLICA in settings.DATABASES


def read_alias() -> str:
    """The database the current reads go to: the replica inside ``replica_reads()`` when there
    is one, else the primary."""
    return REPLICA if _reading.get() and replica_configured() else DEFAULT


class _Health:
    """This process's last answer to "may reads go to the replica?" and when it was given."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.usable = True
        self.checked = -float("inf")  # time.monotonic() of the last check

    def usable_now(self) -> bool:
        now = time.monotonic()
        with self.lock:
            interval = settings.REPLICA_CHECK_SECONDS * (1 if self.usable else 6)
            if now - self.checked < interval:
                return self.usable
            self.checked = now  # the other threads keep the last answer meanwhile
        usable = _replica_fit()
        with self.lock:
            self.usable, self.checked = usable, time.monotonic()
        return usable

    def forget(self) -> None:
        """Check again before the next use."""
        with self.lock:
            self.usable, self.checked = True, -float("inf")


health = _Health()


def _replica_fit() -> bool:
    """The replica answers and is at most ``REPLICA_MAX_LAG`` seconds behind."""
    try:
        lag = replica_lag(REPLICA)
    except DatabaseError as exc:
        logger.warning(
            "read replica unreachable, reads stay on the primary: %s", type(exc).__name__
        )
        # A broken connection stays broken (a worker or a thread has no request to close it):
        # the next check connects anew.
        with suppress(DatabaseError):
            connections[REPLICA].close()
        return False
    if lag is not None and lag.total_seconds() > settings.REPLICA_MAX_LAG:
        logger.warning(
            "read replica %d s behind (more than %d s), reads stay on the primary",
            lag.total_seconds(),
            settings.REPLICA_MAX_LAG,
        )
        return False
    return True


@contextmanager
def replica_reads() -> Iterator[None]:
    """Send the ORM's reads (and ``read_alias()``'s raw ones) to the replica, if there is one
    and it is fit to read (``health``). When a database could not be reached inside the block,
    the next request checks the replica again before it reads there."""
    on_replica = replica_configured() and not _primary_only.get() and health.usable_now()
    token = _reading.set(on_replica)
    try:
        yield
    except DatabaseError as exc:
        if on_replica and is_database_unavailable(exc):
            health.forget()  # the replica, or the primary: the next request asks the replica
            _lost.set(True)
        raise
    finally:
        _reading.reset(token)


class ReplicaFallbackMiddleware:
    """A read (GET, HEAD) whose replica became unreachable while it ran is answered again, once,
    with every read on the primary — rather than a 503 for the one request that found the
    standby gone. The health check between requests (``health``) cannot see a standby stop in
    the seconds after it last answered; this covers those seconds. Anything else (a write, a
    primary that is itself down) is answered as it was.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in ("GET", "HEAD") or not replica_configured():
            return self.get_response(request)
        lost = _lost.set(False)
        try:
            response = self.get_response(request)
            if not (_lost.get() and response.status_code == 503):
                return response
            logger.warning("read replica lost during a request, answered again on the primary")
            primary = _primary_only.set(True)
            try:
                return self.get_response(request)
            finally:
                _primary_only.reset(primary)
        finally:
            _lost.reset(lost)


class ReplicaRouter:
    """Reads inside ``replica_reads()`` to the replica; writes and migrations to the primary."""

    def db_for_read(self, model, **hints):
        return REPLICA if _reading.get() and replica_configured() else None

    def db_for_write(self, model, **hints):
        # Always the primary, even for an object read on the replica (Django's own choice
        # would be the database the object came from).
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the primary's rows: an object read there may be linked to one read
        # here.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA


def replica_lag(using: str) -> dt.timedelta | None:
    """How far ``using`` is behind the primary: None on the primary itself (or a database that
    is not a standby), zero when the standby has replayed all it received, else the time since
    the last transaction it replayed (``now() - pg_last_xact_replay_timestamp()``)."""
    if using == DEFAULT:
        return None
    with connections[using].cursor() as cursor:
        cursor.execute(f"SELECT {LAG_SQL}")
        row = cursor.fetchone()
    return row[0] if row else None


def lag_text(lag: dt.timedelta | None) -> str:
    """The replica's lag as the "data as of" line tells it; "" when read on the primary."""
    if lag is None:
        return ""
    seconds = int(lag.total_seconds())
    if seconds < 120:
        amount = ngettext("%(count)d second", "%(count)d seconds", seconds) % {"count": seconds}
    else:
        minutes = seconds // 60
        amount = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    return _("Read from the replica database, %(lag)s behind the main one.") % {"lag": amount}
