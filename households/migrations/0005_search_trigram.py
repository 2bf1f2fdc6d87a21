"""Trigram indexes for searching households and organisations.

Residential groups stay unindexed: a few dozen per ward.

The operations are described in ``wardsecurity.search_indexes``.
"""

from django.db import migrations

from wardsecurity.search_indexes import trigram_search_operations

INDEXED = [
    ("households_household", "code"),
    ("households_household", "head_name"),
    ("households_household", "address"),
    ("households_organisation", "name"),
]


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("households", "0004_rollup_indexes"),
        ("wardsecurity", "0004_search_fold"),
    ]

    operations = trigram_search_operations(INDEXED)
