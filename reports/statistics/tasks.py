"""Thin Celery tasks of the statistics: drain the outbox, rebuild at night (SPEC §7, G10).

A save never waits for the broker: the enqueue runs after the commit, gives up after a short
connect timeout and swallows broker errors; the outbox row written by the database trigger is the
durable record, and the periodic ``rollup_process`` drains it whenever the worker runs again.
"""

import logging
import threading
from typing import Any

from celery import shared_task
from django.db import connection, models, transaction
from django.db.models.signals import post_delete, post_save

from reports.statistics import rollup
from wardsecurity.events import rows_written

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 1.0  # seconds: a save answers well within 2 s with the broker down (G10)


@shared_task(name="reports.process_dirty", ignore_result=True)  # type: ignore[untyped-decorator]  # celery ships no types
def rollup_process() -> int:
    """Recompute the dirty buckets (safe to run twice; overlapping runs skip)."""
    return rollup.process_dirty()


@shared_task(name="reports.rebuild", ignore_result=True)  # type: ignore[untyped-decorator]  # celery ships no types
def rollup_rebuild() -> None:
    """Recompute the whole rollup from the source tables (nightly)."""
    rollup.rebuild()


def _publish() -> None:
    try:
        # Its own connection, so the short timeouts apply whatever the app's defaults are.
        app = rollup_process.app
        options = {
            **(app.conf.broker_transport_options or {}),
            "socket_connect_timeout": BROKER_TIMEOUT,
            "socket_timeout": BROKER_TIMEOUT,
            "max_retries": 0,
        }
        with app.connection_for_write(
            connect_timeout=BROKER_TIMEOUT, transport_options=options
        ) as conn:
            rollup_process.apply_async(connection=conn, retry=False)
    except Exception:  # the outbox keeps the change; the periodic run drains it later
        logger.warning("rollup: broker unreachable, the periodic run will catch up")


def enqueue_processing() -> None:
    """Ask a worker to process the outbox now; never raises, never waits more than ~1 s.

    The client library may retry a silent broker behind the timeouts, so the publish runs in a
    daemon thread that the request stops waiting for after BROKER_TIMEOUT.
    """
    if rollup_process.app.conf.task_always_eager:
        _publish()  # runs the task inline (tests, CELERY_TASK_ALWAYS_EAGER)
        return
    publisher = threading.Thread(target=_publish, name="rollup-enqueue", daemon=True)
    publisher.start()
    publisher.join(BROKER_TIMEOUT)


def _after_write(sender: type[models.Model], **kwargs: Any) -> None:
    """Once per transaction that wrote a source record: enqueue processing after the commit."""
    # the stubs give run_on_commit's entries two items; Django 5 stores (sids, func, robust)
    pending = connection.run_on_commit
    if any(func is enqueue_processing for _sids, func, _robust in pending):  # type: ignore[misc]
        return
    transaction.on_commit(enqueue_processing)


def connect_signals() -> None:
    from reports.statistics.sql import source_models

    # Writes in bulk (an import's COPY) announce themselves; their rows' triggers fill the outbox.
    rows_written.connect(_after_write, dispatch_uid="rollup_rows_written")
    for model in source_models():
        post_save.connect(_after_write, sender=model, dispatch_uid=f"rollup_{model._meta.label}")
        post_delete.connect(
            _after_write, sender=model, dispatch_uid=f"rollup_del_{model._meta.label}"
        )
