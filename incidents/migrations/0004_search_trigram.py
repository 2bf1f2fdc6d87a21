"""Trigram indexes for searching incidents and tips.

Hotspots stay unindexed: a handful a ward.

The operations are described in ``wardsecurity.search_indexes``.
"""

from django.db import migrations

from wardsecurity.search_indexes import trigram_search_operations

INDEXED = [
    ("incidents_incident", "summary"),
    ("incidents_incident", "subcategory"),
    ("incidents_tip", "content"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("incidents", "0003_rollup_indexes"),
        ("wardsecurity", "0004_search_fold"),
    ]

    operations = trigram_search_operations(INDEXED)
