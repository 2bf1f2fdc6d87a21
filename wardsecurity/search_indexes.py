"""Migration operations for the list search's indexes: trigram (each app's ``search_trigram``)
and word indexes (``search_words``, issue 18).

``search`` (wardsecurity/filters.py) filters with ``ws_fold(column) LIKE '%WORD%'``; GIN
indexes on ``ws_fold(column)`` answer that from the word's trigrams instead of folding every row
in scope. They are built concurrently (the migration must be ``atomic = False``) so that a live
table keeps taking writes. Statistics on the same expressions, collected by the closing ANALYZE,
give the planner the share of rows a word matches: without them every word looks rare (one row
expected for "nguyen van" in a bench ward that has 584) and common words get poor plans.

Migrations import this module: change what it generates only with a new migration.
"""

# ruff: noqa: S608 - SQL built from table and column names a migration gives, never user input

from django.db import migrations


def trigram_search_operations(indexed: list[tuple[str, str]]) -> list:
    """Index, statistics and ANALYZE for each ``(table, column)`` of ``indexed``."""
    operations = []
    for table, column in indexed:
        fold = f"public.ws_fold({column})"
        name = f"{table}_{column}_fold"
        operations += [
            migrations.RunSQL(
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name}_trgm ON {table} "
                f"USING gin ({fold} gin_trgm_ops)",
                f"DROP INDEX CONCURRENTLY IF EXISTS {name}_trgm",
            ),
            migrations.RunSQL(
                f"CREATE STATISTICS IF NOT EXISTS {name}_stats ON ({fold}) FROM {table}",
                f"DROP STATISTICS IF EXISTS {name}_stats",
            ),
        ]
    tables = ", ".join(sorted({table for table, _column in indexed}))
    operations.append(migrations.RunSQL(f"ANALYZE {tables}", migrations.RunSQL.noop))
    return operations


def word_index_sql(columns: tuple[str, ...]) -> str:
    """The indexed expression for ``columns``; ``WordSearch`` (``wardsecurity.search``) compiles
    the same expression from the filterset's ``word_search_fields``."""
    texts = ", ".join(f"{column}::text" for column in columns)
    return f"public.ws_fold_suffixes(ARRAY[{texts}])"


def word_search_operations(table: str, columns: tuple[str, ...]) -> list:
    """The word index of ``table`` over ``columns`` together (wardsecurity 0010), and ANALYZE.

    GIN on ``ws_fold_suffixes(ARRAY[columns])``: ``WordSearch`` asks it for the rows where every
    word of a search is in some of the columns, whatever the words' length. ANALYZE gathers the
    expression's lexeme statistics, from which the planner estimates how many rows a search
    matches (a common name's share, not a default guess).
    """
    name = f"{table}_fold_words"
    return [
        migrations.RunSQL(
            f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} "
            f"USING gin ({word_index_sql(columns)})",
            f"DROP INDEX CONCURRENTLY IF EXISTS {name}",
        ),
        migrations.RunSQL(f"ANALYZE {table}", migrations.RunSQL.noop),
    ]


def word_table_sql(
    table: str, words_table: str, key: str, columns: tuple[str, ...], old_index: str
) -> tuple[str, str]:
    """Forward and reverse SQL of a side table ``words_table`` holding the folded suffixes of
    ``columns`` of each row of ``table`` (issue 18, after the word index of 0010's
    ``word_search_operations``), kept current by triggers on ``table``.

    An expression index is only read when the planner chooses it: for a word found in nearly
    every row ("duong", in most addresses) it scans the table and calls ``ws_fold_suffixes``
    for every row, five times slower than the index. Stored in the table (a generated column)
    the vector made the table 2.75 times larger, which every other list pays for. Stored beside
    it, only search reads it: ``WordSearch`` asks ``words @@ query`` of the side table, where a
    sequential scan reads stored vectors and folds nothing.

    One row per row of ``table``: ``key`` (its id), ``ward_id`` (so a ward's search reads its
    own rows: the search joins on both) and ``words``. No foreign key: Django empties the
    tables it knows with TRUNCATE without CASCADE (transactional tests, ``flush``), which a
    foreign key from a table it does not know would refuse; the triggers do what ON DELETE
    CASCADE would, and a TRUNCATE of ``table`` empties the side table. Row triggers: the
    statement form cannot be limited to the searched columns. They fire for every writer —
    services, the admin site, ``QuerySet.update``, the import's fast path — except a session
    with ``session_replication_role = replica`` (``bench.generate``), which fills the side
    table itself.
    """
    texts = ", ".join(f"NEW.{column}::text" for column in columns)
    changed = " OR ".join(
        f"OLD.{column} IS DISTINCT FROM NEW.{column}" for column in ("id", "ward_id", *columns)
    )
    function = f"{words_table}_write"
    forward = f"""
CREATE TABLE {words_table} (
    {key} bigint PRIMARY KEY,
    ward_id bigint NOT NULL,
    words pg_catalog.tsvector NOT NULL
);
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        TRUNCATE {words_table};
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF TG_OP = 'DELETE' OR OLD.id IS DISTINCT FROM NEW.id THEN
            DELETE FROM {words_table} WHERE {key} = OLD.id;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN NULL;
        END IF;
    END IF;
    INSERT INTO {words_table} ({key}, ward_id, words)
    VALUES (NEW.id, NEW.ward_id, public.ws_fold_suffixes(ARRAY[{texts}]))
    ON CONFLICT ({key}) DO UPDATE SET ward_id = EXCLUDED.ward_id, words = EXCLUDED.words;
    RETURN NULL;
END;
$body$;
CREATE TRIGGER {words_table}_ins AFTER INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
CREATE TRIGGER {words_table}_upd AFTER UPDATE OF {", ".join(("id", "ward_id", *columns))}
    ON {table} FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION {function}();
CREATE TRIGGER {words_table}_del AFTER DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
CREATE TRIGGER {words_table}_trunc AFTER TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION {function}();
{word_table_fill_sql(table, words_table, key, columns)}
CREATE INDEX {words_table}_words ON {words_table} USING gin (words);
CREATE INDEX {words_table}_ward ON {words_table} (ward_id);
DROP INDEX IF EXISTS {old_index};
ANALYZE {words_table};
"""
    reverse = f"""
CREATE INDEX IF NOT EXISTS {old_index} ON {table} USING gin ({word_index_sql(columns)});
DROP TRIGGER IF EXISTS {words_table}_ins ON {table};
DROP TRIGGER IF EXISTS {words_table}_upd ON {table};
DROP TRIGGER IF EXISTS {words_table}_del ON {table};
DROP TRIGGER IF EXISTS {words_table}_trunc ON {table};
DROP FUNCTION IF EXISTS {function}();
DROP TABLE IF EXISTS {words_table};
ANALYZE {table};
"""
    return forward, reverse


def word_table_insert_statement_sql(
    table: str, words_table: str, key: str, columns: tuple[str, ...]
) -> tuple[str, str]:
    """Forward and reverse SQL that keep ``words_table`` current on INSERT with one
    statement-level trigger (``word_table_sql`` made it a row trigger): one INSERT … SELECT over
    the statement's new rows instead of a function call and an insert per row. An import's fast
    path inserts its rows in one statement; with the row trigger 20,000 households took 6.4–7.3 s
    to import and 2.5 s without it (``make bench`` database, 4 December 2026). Updates and
    deletes keep their row triggers (an update's trigger fires only when a searched column
    changes, which the statement form cannot say)."""
    texts = ", ".join(f"n.{column}::text" for column in columns)
    function = f"{words_table}_insert_rows"
    forward = f"""
DROP TRIGGER {words_table}_ins ON {table};
CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
    INSERT INTO {words_table} ({key}, ward_id, words)
    SELECT n.id, n.ward_id, public.ws_fold_suffixes(ARRAY[{texts}]) FROM new_rows n
    ON CONFLICT ({key}) DO UPDATE SET ward_id = EXCLUDED.ward_id, words = EXCLUDED.words;
    RETURN NULL;
END;
$body$;
CREATE TRIGGER {words_table}_ins AFTER INSERT ON {table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION {function}();
"""
    reverse = f"""
DROP TRIGGER {words_table}_ins ON {table};
DROP FUNCTION {function}();
CREATE TRIGGER {words_table}_ins AFTER INSERT ON {table}
    FOR EACH ROW EXECUTE FUNCTION {words_table}_write();
"""
    return forward, reverse


def word_table_fill_sql(table: str, words_table: str, key: str, columns: tuple[str, ...]) -> str:
    """One INSERT … SELECT of every row's words (the migration; ``bench.generate``, whose COPY
    runs without triggers)."""
    return (
        f"INSERT INTO {words_table} ({key}, ward_id, words)"
        f" SELECT id, ward_id, {word_index_sql(columns)} FROM {table}"
        f" ON CONFLICT ({key}) DO UPDATE SET ward_id = EXCLUDED.ward_id, words = EXCLUDED.words;"
    )
