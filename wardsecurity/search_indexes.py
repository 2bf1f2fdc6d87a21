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
