"""The households' search words are written on INSERT by one statement-level trigger over the
statement's new rows, not a row trigger (``wardsecurity.search_indexes``
``word_table_insert_statement_sql``): an import's rows get their words in one INSERT … SELECT.
"""

from django.db import migrations

from wardsecurity.search_indexes import word_table_insert_statement_sql

FORWARD, REVERSE = word_table_insert_statement_sql(
    "households_household",
    "households_householdsearchwords",
    "household_id",
    ("code", "head_name", "address"),
)


class Migration(migrations.Migration):
    dependencies = [("households", "0009_search_words_table")]

    operations = [migrations.RunSQL(FORWARD, REVERSE)]
