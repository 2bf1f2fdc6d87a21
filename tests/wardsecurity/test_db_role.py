"""The application's database role (docs/security.md, G6): rows only, never the schema or history.

The suite connects as the schema's owner (wardsecurity/settings/test.py); each test here switches
to the application's role with ``SET LOCAL ROLE`` inside its own transaction, so every check runs
with exactly that role's privileges. The role is the one ``DATABASE_URL`` names when the owner is
another role (the embedded server and CI); with a single URL the test creates one for the length
of its transaction and grants it the same way ``migrate`` does.
"""

import os

import pytest
from django.conf import settings
from django.db import ProgrammingError, connection, transaction

from households.models import Household
from tests.factories import HouseholdFactory, ResidentialGroupFactory
from wardsecurity.db_roles import event_tables, grant_app_role

pytestmark = pytest.mark.django_db


def _execute(sql: str, params: list | None = None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


@pytest.fixture
def app_role(db) -> str:
    """The application's role; created and granted inside the test transaction when none is set."""
    role = settings.DATABASE_APP_ROLE
    if not role:
        role = f"ws_test_app_{os.getpid()}"
        _execute(f"CREATE ROLE {connection.ops.quote_name(role)} LOGIN")
        grant_app_role(role=role)
    return role


@pytest.fixture
def as_app(app_role):
    """Switch the rest of the test transaction to the application's role."""

    def switch() -> None:
        _execute(f"SET LOCAL ROLE {connection.ops.quote_name(app_role)}")
        assert _execute("SELECT current_user")[0][0] == app_role

    return switch


def _refused(sql: str) -> str:
    """Run ``sql`` in a savepoint; return PostgreSQL's refusal (fails if it was allowed)."""
    with pytest.raises(ProgrammingError) as refused, transaction.atomic():
        _execute(sql)
    return str(refused.value)


def test_the_application_role_may_log_in_and_nothing_more(app_role):
    rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolbypassrls = _execute(
        "SELECT rolsuper, rolcreatedb, rolcreaterole, rolcanlogin, rolbypassrls"
        " FROM pg_roles WHERE rolname = %s",
        [app_role],
    )[0]
    assert rolcanlogin
    assert not (rolsuper or rolcreatedb or rolcreaterole or rolbypassrls)


def test_the_application_role_cannot_truncate_an_event_table(as_app):
    ward_household = HouseholdFactory()
    as_app()
    refusal = _refused("TRUNCATE households_householdevent")
    assert "permission denied" in refusal
    assert ward_household.events.exists()


def test_no_event_table_can_be_truncated_changed_or_emptied_by_the_application(as_app):
    tables = event_tables()
    assert "households_householdevent" in tables
    assert len(tables) > 20  # every tracked model of every app
    as_app()
    for table in tables:
        assert "permission denied" in _refused(f"TRUNCATE {table}")
        assert "permission denied" in _refused(f"DELETE FROM {table}")
        assert "permission denied" in _refused(f"UPDATE {table} SET pgh_label = pgh_label")


def test_the_application_role_cannot_truncate_domain_tables_or_change_the_schema(as_app):
    as_app()
    assert "permission denied" in _refused("TRUNCATE households_household CASCADE")
    assert "must be owner" in _refused("ALTER TABLE households_household DISABLE TRIGGER ALL")
    assert "must be owner" in _refused("DROP TABLE households_householdevent")
    assert "permission denied" in _refused("CREATE TABLE public.ws_intruder (id int)")


def test_writes_by_the_application_role_still_leave_history(as_app):
    group = ResidentialGroupFactory()
    as_app()
    household = HouseholdFactory(group=group, ward=group.ward)
    pk = household.pk
    Household.objects.filter(pk=pk).update(member_count=7)
    household.delete()
    labels = sorted(
        label
        for (label,) in _execute(
            "SELECT pgh_label FROM households_householdevent WHERE pgh_obj_id = %s",
            [pk],
        )
    )
    assert labels == ["delete", "insert", "update"]


def test_ws_fold_keeps_its_c_level_speed_and_works_for_the_application_role(as_app):
    owner_is_superuser = _execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    body = _execute("SELECT prosrc FROM pg_proc WHERE proname = 'ws_fold'")[0][0]
    if owner_is_superuser[0][0]:
        # Migrated by a superuser: ws_fold is inlined into the C function behind unaccent.
        assert "ws_unaccent" in body
    HouseholdFactory(head_name="Nguyễn Văn Đức")
    as_app()
    assert _execute("SELECT public.ws_fold(%s)", ["Nguyễn Văn Đức"]) == [("NGUYEN VAN DUC",)]
    found = Household.objects.filter(head_name__ws_fold__contains="VAN DUC")
    assert [h.head_name for h in found] == ["Nguyễn Văn Đức"]


def test_the_application_role_creates_import_staging_tables_in_its_own_schema(as_app, app_role):
    as_app()
    _execute("CREATE UNLOGGED TABLE imports_stage_987654321 (line integer)")
    _execute("INSERT INTO imports_stage_987654321 VALUES (1)")
    _execute("TRUNCATE imports_stage_987654321")
    schema = _execute(
        "SELECT schemaname FROM pg_tables WHERE tablename = 'imports_stage_987654321'"
    )
    assert schema == [(app_role,)]
    _execute("DROP TABLE imports_stage_987654321")
