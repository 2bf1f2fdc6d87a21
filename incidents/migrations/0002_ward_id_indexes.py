"""A ward's incidents and tips in id order: the API's default list reads its page from the index."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking writes: on a live ward table this can take a while.
    atomic = False

    dependencies = [
        ("incidents", "0001_initial"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="incident",
            index=models.Index(fields=["ward", "id"], name="incident_ward_id_idx"),
        ),
        AddIndexConcurrently(
            model_name="tip",
            index=models.Index(fields=["ward", "id"], name="tip_ward_id_idx"),
        ),
    ]
