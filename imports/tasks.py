"""Background work of imports: check an uploaded file (claimed by its status; safe to run twice).

This module sits above the services: they never import it. The pages and the API record a file
with ``import_start`` and queue its check here.
"""

from celery import shared_task
from django.db import transaction

from imports.models import ImportBatch
from imports.services import import_validate


@shared_task(ignore_result=True)
def validate_import(batch_id: int) -> None:
    """Check the rows of import ``batch_id`` and store the report."""
    import_validate(batch_id=batch_id)


def queue_validation(batch: ImportBatch) -> None:
    """Queue the check of ``batch`` once the transaction that recorded it has committed."""
    transaction.on_commit(lambda: validate_import.delay(batch.pk))
