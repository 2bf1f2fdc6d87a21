"""Trigram indexes for searching cameras and contributions.

Recorders and video extractions stay unindexed: a few a ward.

The operations are described in ``wardsecurity.search_indexes``.
"""

from django.db import migrations

from wardsecurity.search_indexes import trigram_search_operations

INDEXED = [
    ("cameras_camera", "code"),
    ("cameras_camera", "location"),
    ("cameras_contribution", "contributor_name"),
    ("cameras_contribution", "purpose"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("cameras", "0006_rollup_indexes"),
        ("wardsecurity", "0004_search_fold"),
    ]

    operations = trigram_search_operations(INDEXED)
