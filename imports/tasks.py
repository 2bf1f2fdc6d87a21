"""Background work of imports: check an uploaded file, commit a large one, and recover both when
a message or a worker was lost. The tasks take ids and call the services; each is safe to run
twice (the services claim a batch by its status, under its job lease).

This module sits above the services: they never import it. The pages and the API record a file
with ``import_start`` and queue its check here (``queue_validation``); a commit too large for a
request is queued with ``queue_commit``.
"""

from celery import shared_task
from django.db import transaction

from imports.models import ImportBatch
from imports.services import import_commit_run, import_requeue, import_validate
from wardsecurity.jobs import job_enqueue


@shared_task(ignore_result=True)  # named imports.tasks.validate_import, as before
def validate_import(batch_id: int) -> None:
    """Check the rows of import ``batch_id`` and store the report."""
    import_validate(batch_id=batch_id)


@shared_task(name="imports.commit_import", ignore_result=True)
def commit_import(batch_id: int) -> None:
    """Write the rows of import ``batch_id``, whose commit was queued."""
    import_commit_run(batch_id=batch_id)


@shared_task(name="imports.requeue_imports", ignore_result=True)
def requeue_imports() -> dict[str, int]:
    """Every minute (beat): imports lost to a broker outage or a killed worker."""
    return import_requeue(send=send)


def send(batch: ImportBatch) -> bool:
    """Send ``batch`` to the task its status asks for; whether the broker took the message."""
    task = commit_import if batch.status == ImportBatch.Status.COMMITTING else validate_import
    return job_enqueue(task, batch)


def queue_validation(batch: ImportBatch) -> None:
    """Queue the check of ``batch`` once the transaction that recorded it has committed. With
    the broker down the batch waits, queued, and ``requeue_imports`` sends it later."""
    transaction.on_commit(lambda: job_enqueue(validate_import, batch))


def queue_commit(batch: ImportBatch) -> None:
    """Queue the commit of ``batch`` (marked by ``import_commit_queue``) after the commit."""
    transaction.on_commit(lambda: job_enqueue(commit_import, batch))
