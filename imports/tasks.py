"""Thin background work: validate an uploaded import (claimed by its status; safe to run twice)."""

from celery import shared_task

from imports.services import import_validate


@shared_task(ignore_result=True)
def validate_import(batch_id):
    """Check the rows of import ``batch_id`` and store the report."""
    import_validate(batch_id=batch_id)
