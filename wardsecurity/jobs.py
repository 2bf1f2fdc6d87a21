"""What every background job with a page (a period report, a list export, an import) shares:
queueing it without waiting on a broker that is down, finding it for its owner only, and sending
it again when its message was lost or the worker running it died (GUARANTEES G10).

How a lost job is told from a running one: the worker holds a PostgreSQL session lock named
after the job (``job_lease``) from before it claims the job until after it stores the result.
PostgreSQL releases the lock the moment the worker's connection ends, so a job marked running
whose lock is free has no worker: the periodic ``requeue`` (Celery beat, every minute) puts it
back in the queue, or after ``JOB_MAX_ATTEMPTS`` starts marks it failed. No clock decides that a
job died. A job still queued whose message is older than ``STALLED_AFTER`` lost its message
(a broker outage): it is sent again.
"""

import logging
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.http import Http404
from django.utils import timezone

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 1.0  # seconds: asking for a job never hangs on a broker that is down
STALLED_AFTER = 120  # seconds queued before a poll of its page sends the job again
DEFAULT_MAX_ATTEMPTS = 3


def max_attempts() -> int:
    return getattr(settings, "JOB_MAX_ATTEMPTS", DEFAULT_MAX_ATTEMPTS)


def job_enqueue(task, job) -> bool:
    """Send ``job`` to ``task``; with the broker down the job stays queued (see requeue).

    Never waits much more than ``BROKER_TIMEOUT``, even on a broker that accepts connections and
    never answers: the message is published from a thread of its own, with short socket
    timeouts, that the caller stops waiting for. Whether the message was sent; a sent job
    records when (``sent_at``), if it has the field.
    """
    if task.app.conf.task_always_eager:
        try:
            task.apply_async((job.pk,))  # runs the task inline (tests, CELERY_TASK_ALWAYS_EAGER)
        except Exception:
            logger.warning("%s %s failed", job._meta.model_name, job.pk, exc_info=True)
            return False
        sent = [True]
    else:
        sent = []
        publisher = threading.Thread(
            target=_publish, args=(task, job, sent), name="job-enqueue", daemon=True
        )
        publisher.start()
        publisher.join(2 * BROKER_TIMEOUT)
    if not sent:
        return False
    if any(f.name == "sent_at" for f in job._meta.concrete_fields):
        type(job)._default_manager.filter(pk=job.pk).update(sent_at=timezone.now())
    return True


def _publish(task, job, sent: list) -> None:
    try:
        app = task.app
        options = {
            **(app.conf.broker_transport_options or {}),
            "socket_connect_timeout": BROKER_TIMEOUT,
            "socket_timeout": BROKER_TIMEOUT,
            "max_retries": 0,
        }
        with app.connection_for_write(
            connect_timeout=BROKER_TIMEOUT, transport_options=options
        ) as conn:
            task.apply_async((job.pk,), connection=conn, retry=False)
        sent.append(True)
    except Exception:  # the broker is down: the job stays queued and is sent again later
        logger.warning("%s %s could not be queued", job._meta.model_name, job.pk, exc_info=True)


def job_for(queryset, *, user, job_id):
    """The caller's own job; anyone else's, or none, is a 404 (it does not say which)."""
    job = queryset.filter(pk=job_id, owner=user).first()
    if job is None or not user.is_active:
        raise Http404
    return job


def job_requeue_if_stalled(task, job, *, after_seconds=STALLED_AFTER) -> None:
    """A job still queued long after it was created lost its message (broker outage): resend."""
    age = (timezone.now() - job.created_at).total_seconds()
    if job.status == job.Status.QUEUED and age > after_seconds:
        job_enqueue(task, job)


def _lock_keys(kind: str, job_id: int) -> tuple[int, int]:
    return zlib.crc32(f"job:{kind}".encode()) & 0x7FFFFFFF, int(job_id) & 0x7FFFFFFF


@contextmanager
def job_lease(kind: str, job_id: int) -> Iterator[bool]:
    """Hold the session lock of job ``kind`` #``job_id`` while the block runs; yields whether it
    was free (False: another worker runs the job, or the requeue is looking at it)."""
    keys = _lock_keys(kind, job_id)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", keys)
        held = cursor.fetchone()[0]
    try:
        yield held
    finally:
        if held:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_unlock(%s, %s)", keys)
            except Exception:  # a broken connection: its end releases the lock anyway
                logger.warning("job %s %s: lock not released", kind, job_id, exc_info=True)


def jobs_requeue(task, model, *, kind: str, after_seconds=STALLED_AFTER) -> dict[str, int]:
    """Recover the export or report jobs (``model``) lost to a broker outage or a killed worker.

    A running job whose worker is gone goes back to the queue, or is marked failed after
    ``JOB_MAX_ATTEMPTS`` starts; a queued job whose message is older than ``after_seconds`` is
    sent again. Safe to run any number of times, in several processes at once.
    """
    status = model.Status
    now = timezone.now()
    resend, failed = set(), 0
    for job_id, attempts in model.objects.filter(status=status.RUNNING).values_list(
        "pk", "attempts"
    ):
        with job_lease(kind, job_id) as free:
            if not free:
                continue  # its worker is alive
            running = model.objects.filter(pk=job_id, status=status.RUNNING)
            if attempts >= max_attempts():
                failed += running.update(status=status.FAILED, finished_at=now)
                logger.error("%s job %s failed after %s attempts", kind, job_id, attempts)
            elif running.update(status=status.QUEUED, progress=0):
                resend.add(job_id)
    cutoff = now - timedelta(seconds=after_seconds)
    waiting = model.objects.filter(status=status.QUEUED, sent_at__lt=cutoff) | model.objects.filter(
        status=status.QUEUED, sent_at__isnull=True, created_at__lt=cutoff
    )
    resend.update(waiting.values_list("pk", flat=True))
    sent = sum(job_enqueue(task, job) for job in model.objects.filter(pk__in=resend).only("pk"))
    return {"requeued": sent, "failed": failed}
