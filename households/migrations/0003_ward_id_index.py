"""A ward's households in id order: the API's default list reads its page from the index."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking writes: on a live ward table this can take a while.
    atomic = False

    dependencies = [
        ("households", "0002_initial"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="household",
            index=models.Index(fields=["ward", "id"], name="household_ward_id_idx"),
        ),
    ]
