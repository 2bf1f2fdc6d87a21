"""Two database roles: the owner runs ``migrate``; the application only reads and writes rows.

``DATABASE_URL`` is the application's connection; ``DATABASE_OWNER_URL`` the owner's (the embedded
server sets up both, see wardsecurity/embedded_db.py). The owner creates extensions, the C
function behind ``ws_fold``, tables and triggers; at the end of every ``migrate`` it grants the
application's role what the application needs and nothing else (docs/security.md):

- SELECT, INSERT, UPDATE, DELETE on the tables and use of their sequences — never TRUNCATE, so the
  application cannot empty a table, history included;
- on history (event) tables only SELECT and INSERT: the history triggers run as the writer, and
  rows once written are neither changed nor removed by the application;
- a schema of its own (named after the role, first on the default search path) for the imports'
  staging tables, since PostgreSQL 15 lets no one but the owner create tables in ``public``;
- on PostgreSQL 17 and later, MAINTAIN (VACUUM and ANALYZE after bulk loads and rollups).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


def event_tables() -> list[str]:
    """The history tables: one per pghistory event model."""
    from pghistory.models import Event

    return sorted(
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, Event) and model._meta.managed and not model._meta.proxy
    )


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def grant_statements(*, role: str, pg_version: int) -> list[str]:
    """The SQL that grants ``role`` the application's privileges (run by the owner)."""
    who = _quote(role)
    statements = [
        f"CREATE SCHEMA IF NOT EXISTS {who} AUTHORIZATION {who}",
        f"GRANT USAGE ON SCHEMA public TO {who}",
        f"REVOKE TRUNCATE ON ALL TABLES IN SCHEMA public FROM {who}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {who}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO {who}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {who}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public"
        f" GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {who}",
    ]
    events = ", ".join(_quote(table) for table in event_tables())
    if events:
        statements.append(f"REVOKE UPDATE, DELETE, TRUNCATE ON {events} FROM {who}")
    if pg_version >= 170000:
        statements.append(f"GRANT MAINTAIN ON ALL TABLES IN SCHEMA public TO {who}")
    return statements


def grant_app_role(*, role: str, using: str = DEFAULT_DB_ALIAS) -> None:
    """Grant ``role`` the application's privileges on the current schema (run as the owner)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        # pg_version is the PostgreSQL backend's; the stubs type the generic wrapper.
        pg_version: int = connection.pg_version  # type: ignore[attr-defined]
        for statement in grant_statements(role=role, pg_version=pg_version):
            cursor.execute(statement)


def _owner_credentials() -> dict | None:
    owner = getattr(settings, "DATABASE_OWNER", None)
    return {key: owner.get(key) or "" for key in CREDENTIALS} if owner else None


@contextmanager
def as_owner(using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Connect ``using`` with the owner's credentials for the duration (same database name)."""
    owner = _owner_credentials()
    connection = connections[using]
    current = {key: connection.settings_dict.get(key) or "" for key in CREDENTIALS}
    if using != DEFAULT_DB_ALIAS or owner is None or owner == current:
        yield
        return
    connection.close()
    connection.settings_dict.update(owner)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(current)
