"""The households' search words in a side table instead of an expression index (issue 18).

``households_householdsearchwords`` holds ``ws_fold_suffixes(ARRAY[code, head_name, address])``
of every household, stored, with a GIN index; triggers on ``households_household`` keep it
current; the expression index of 0008 is dropped. Why, and how the triggers behave:
``wardsecurity.search_indexes.word_table_sql``. ``HouseholdFilterSet.word_search_table`` names
the table; ``wardsecurity.search.WordSearch`` reads it.

Migrations import that module: its output here must not change (a new migration instead).
"""

from django.db import migrations

from wardsecurity.search_indexes import word_table_sql

FORWARD, REVERSE = word_table_sql(
    "households_household",
    "households_householdsearchwords",
    "household_id",
    ("code", "head_name", "address"),
    "households_household_fold_words",
)


class Migration(migrations.Migration):
    dependencies = [("households", "0008_search_words")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
