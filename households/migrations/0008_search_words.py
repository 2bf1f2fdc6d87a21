"""The word index for searching households across a ward or a province (issue 18).

``HouseholdFilterSet.word_search_fields`` names the same columns, in the same order: a search on
all three (a role that may see names and addresses) reads this index; a search on the code alone
(a steering viewer) keeps the trigram index of 0005, as do the admin's searches.

The operations are described in ``wardsecurity.search_indexes``.
"""

from django.db import migrations

from wardsecurity.search_indexes import word_search_operations


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("households", "0007_former_wards_and_successions"),
        ("wardsecurity", "0010_search_words"),
    ]

    operations = word_search_operations("households_household", ("code", "head_name", "address"))
