"""Trigram indexes for searching team members, mediation cases and outreach sessions.

``search`` (wardsecurity/api/filters.py) filters with ``ws_fold(column) LIKE '%WORD%'``; GIN
indexes on ``ws_fold(column)`` answer that from the word's trigrams instead of folding every row
in scope. The other movement lists hold a few records a ward (teams, commendations, cases) or search
through households and organisations, whose indexes households 0005 builds.

Built concurrently so that a live table keeps taking writes while they are built. Statistics on
the same expressions (collected by the ANALYZE at the end) give the planner the share of rows a
word matches: without them every word looks rare (one row expected for "nguyen van" in a bench
ward that has 584) and common words get poor plans.
"""

from django.db import migrations

INDEXED = [
    ("movement_teammember", "full_name"),
    ("movement_mediationcase", "parties"),
    ("movement_outreachsession", "topic"),
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
        ("movement", "0004_rollup_indexes"),
        ("wardsecurity", "0004_search_fold"),
    ]

    operations = [
        *(operation for table, column in INDEXED for operation in fold_operations(table, column)),
        migrations.RunSQL(
            f"ANALYZE {', '.join(sorted({table for table, _column in INDEXED}))}",
            migrations.RunSQL.noop,
        ),
    ]
