"""Trigram indexes for searching team members, mediation cases and outreach sessions.

The other movement lists hold a few records a ward (teams, commendations, cases) or search
through households and organisations, whose indexes households 0005 builds.

The operations are described in ``wardsecurity.search_indexes``.
"""

from django.db import migrations

from wardsecurity.search_indexes import trigram_search_operations

INDEXED = [
    ("movement_teammember", "full_name"),
    ("movement_mediationcase", "parties"),
    ("movement_outreachsession", "topic"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("movement", "0004_rollup_indexes"),
        ("wardsecurity", "0004_search_fold"),
    ]

    operations = trigram_search_operations(INDEXED)
