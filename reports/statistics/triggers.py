"""Dirty marking (SPEC §7, GUARANTEES G10): PostgreSQL triggers generated from the registry.

Every table a metric is computed from gets three statement-level AFTER triggers (insert, update,
delete) with transition tables: whatever wrote the rows — a service, the admin site,
``QuerySet.update``, COPY or raw SQL — the transaction also writes one outbox row per distinct
(ward, day) bucket the old and the new rows count in, so a moved or re-dated record dirties both
buckets. A fourth, on TRUNCATE, dirties every bucket where the table's metrics have rows. A
record other sources read through a foreign key (an extraction's camera for its ward, a
commitment's household for its ward, group, residence and entry date) gets two more, on update
and delete: changing what they read of it dirties their buckets as they stood before and after.
Installed idempotently after every ``migrate`` (``post_migrate``), never by another app's
migrations; the previous generation's triggers are dropped first.
"""

# ruff: noqa: S608 - SQL built from the registry (reports.statistics.sql)

from django.db import connection, models

from reports.statistics.sql import (
    DIRTY_TABLE,
    SOURCES,
    bucket_select,
    quote,
    related_bucket_selects,
    related_models,
    source_models,
)

PREFIX = "reports_dirty"


def _insert(select: str) -> str:
    return (
        f"INSERT INTO {DIRTY_TABLE} (ward_id, day)"
        f" SELECT DISTINCT ward_id, day FROM ({select}) AS buckets"
        " WHERE ward_id IS NOT NULL AND day IS NOT NULL;"
    )


def _function(name: str, body: str) -> str:
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body$\n"
        f"BEGIN\n{body}\nRETURN NULL;\nEND;\n$body$;"
    )


def model_statements(model) -> list[str]:
    table = model._meta.db_table
    function = f"{PREFIX}_{table}"
    body = (
        "IF TG_OP IN ('INSERT', 'UPDATE') THEN\n"
        + _insert(bucket_select(model, "n", "new_rows"))
        + "\nEND IF;\nIF TG_OP IN ('UPDATE', 'DELETE') THEN\n"
        + _insert(bucket_select(model, "o", "old_rows"))
        + "\nEND IF;"
    )
    target = quote(table)
    return [
        _function(function, body),
        f"CREATE TRIGGER {PREFIX}_ins AFTER INSERT ON {target} REFERENCING NEW TABLE AS new_rows"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        f"CREATE TRIGGER {PREFIX}_upd AFTER UPDATE ON {target}"
        " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        f"CREATE TRIGGER {PREFIX}_del AFTER DELETE ON {target} REFERENCING OLD TABLE AS old_rows"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
    ]


def truncate_statements(model) -> list[str]:
    """A TRUNCATE has no transition table: it dirties every bucket the table's metrics hold."""
    exact, families = [], []
    for source in SOURCES:
        if source.model is model:
            (families if source.by else exact).append(source.key)
    conditions = []
    if exact:
        conditions.append("metric IN (" + ", ".join(_text(key) for key in exact) + ")")
    conditions += [f"metric LIKE {_text(key + '.%')}" for key in families]
    function = f"{PREFIX}_truncate_{model._meta.db_table}"
    select = (
        "SELECT ward_id, day FROM reports_statday"
        f" WHERE ward_id > 0 AND ({' OR '.join(conditions)})"
    )
    return [
        _function(function, _insert(select)),
        f"CREATE TRIGGER {PREFIX}_trunc AFTER TRUNCATE ON {quote(model._meta.db_table)}"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
    ]


def _text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def related_statements(model: type[models.Model]) -> list[str]:
    """A record other sources read through a hop (a household its commitments, a camera its
    extractions): changing what they read of it, or deleting it, dirties their buckets."""
    updated = related_bucket_selects(model, deleted=False)
    deleted = related_bucket_selects(model, deleted=True)
    if not updated:
        return []
    table = model._meta.db_table
    function = f"{PREFIX}_rel_{table}"
    body = (
        "IF TG_OP = 'UPDATE' THEN\n"
        + _insert(" UNION ".join(updated))
        + "\nELSE\n"
        + _insert(" UNION ".join(deleted))
        + "\nEND IF;"
    )
    target = quote(table)
    return [
        _function(function, body),
        f"CREATE TRIGGER {PREFIX}_rel_upd AFTER UPDATE ON {target}"
        " REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
        f"CREATE TRIGGER {PREFIX}_rel_del AFTER DELETE ON {target}"
        " REFERENCING OLD TABLE AS old_rows"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {function}();",
    ]


def install_triggers(using=None):
    """Drop this app's triggers and functions, then create the ones the registry needs."""
    statements = []
    for model in source_models():
        statements += model_statements(model)
        statements += truncate_statements(model)
    for model in related_models():
        statements += related_statements(model)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE %s",
            [PREFIX + "%"],
        )
        for trigger, table in cursor.fetchall():
            cursor.execute(f"DROP TRIGGER IF EXISTS {quote(trigger)} ON {quote(table)}")
        cursor.execute(
            "SELECT p.oid::regprocedure::text FROM pg_proc p"
            " JOIN pg_namespace n ON n.oid = p.pronamespace"
            " WHERE n.nspname = current_schema() AND p.proname LIKE %s",
            [PREFIX + "%"],
        )
        for (function,) in cursor.fetchall():
            cursor.execute(f"DROP FUNCTION IF EXISTS {function}")
        for statement in statements:
            cursor.execute(statement)


def installed_triggers() -> set[tuple[str, str]]:
    """(table, trigger) pairs of this app's triggers in the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
            " WHERE NOT t.tgisinternal AND t.tgname LIKE %s",
            [PREFIX + "%"],
        )
        return set(cursor.fetchall())
