"""Trigram indexes for searching cameras and contributions.

``search`` (wardsecurity/api/filters.py) filters with ``ws_fold(column) LIKE '%WORD%'``; GIN
indexes on ``ws_fold(column)`` answer that from the word's trigrams instead of folding every row
in scope. Recorders and video extractions stay unindexed: a few a ward.

Built concurrently so that a live table keeps taking writes while they are built. Statistics on
the same expressions (collected by the ANALYZE at the end) give the planner the share of rows a
word matches: without them every word looks rare (one row expected for "nguyen van" in a bench
ward that has 584) and common words get poor plans.
"""

from django.db import migrations

INDEXED = [
    ("cameras_camera", "code"),
    ("cameras_camera", "location"),
    ("cameras_contribution", "contributor_name"),
    ("cameras_contribution", "purpose"),
]


def fold_operations(table, column):
    fold = f"public.ws_fold({column})"
    name = f"{table}_{column}_fold"
    return [
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


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cameras", "0006_rollup_indexes"),
        ("wardsecurity", "0004_search_fold"),
    ]

    operations = [
        *(operation for table, column in INDEXED for operation in fold_operations(table, column)),
        migrations.RunSQL(
            f"ANALYZE {', '.join(sorted({table for table, _column in INDEXED}))}",
            migrations.RunSQL.noop,
        ),
    ]
