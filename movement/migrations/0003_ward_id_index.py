"""A ward's commitments in id order: the API's default list reads its page from the index."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking writes: on a live ward table this can take a while.
    atomic = False

    dependencies = [
        ("movement", "0002_default_appraisal_thresholds"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="commitment",
            index=models.Index(fields=["ward", "id"], name="commit_ward_id_idx"),
        ),
    ]
