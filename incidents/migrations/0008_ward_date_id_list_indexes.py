"""Tips and incidents in their default order (newest first, then id): the (ward, date) indexes
carry the id, so a ward page's ids come from the index alone (issue 18, item 3). The new index
is built before the old one is dropped, neither locking writes."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    # Built without locking writes: on a live ward table this can take a while.
    atomic = False

    dependencies = [
        ("households", "0007_former_wards_and_successions"),
        ("incidents", "0007_incident_police_statistics_rules"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="incident",
            index=models.Index(
                fields=["ward", "occurred_at", "id"], name="incident_ward_occurred_id_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="tip",
            index=models.Index(
                fields=["ward", "received_at", "id"], name="tip_ward_received_id_idx"
            ),
        ),
        RemoveIndexConcurrently(
            model_name="incident",
            name="incident_ward_occurred_idx",
        ),
        RemoveIndexConcurrently(
            model_name="tip",
            name="tip_ward_received_idx",
        ),
    ]
