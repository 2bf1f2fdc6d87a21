"""Outreach, mediation and eID tallies in id order: a ward page's ids come from the (ward, id)
index alone (index-first pages, issue 18, item 3)."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking writes: on a live ward table this can take a while.
    atomic = False

    dependencies = [
        ("households", "0007_former_wards_and_successions"),
        ("movement", "0009_default_force_norms"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="eidtally",
            index=models.Index(fields=["ward", "id"], name="eid_ward_id_idx"),
        ),
        AddIndexConcurrently(
            model_name="mediationcase",
            index=models.Index(fields=["ward", "id"], name="mediation_ward_id_idx"),
        ),
        AddIndexConcurrently(
            model_name="outreachsession",
            index=models.Index(fields=["ward", "id"], name="outreach_ward_id_idx"),
        ),
    ]
