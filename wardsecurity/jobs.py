"""What every background job with a page (a period report, a list export) shares: queueing it
without waiting on a broker that is down, finding it for its owner only, and sending it again
when its message was lost."""

import logging

from django.http import Http404
from django.utils import timezone

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 1.0  # seconds: asking for a job never hangs on a broker that is down
STALLED_AFTER = 120  # seconds queued before a poll of its page sends the job again


def job_enqueue(task, job) -> None:
    """Send ``job`` to ``task``; with the broker down the job stays queued (see requeue)."""
    try:
        task.apply_async(
            (job.pk,), retry=False, connect_timeout=BROKER_TIMEOUT, timeout=BROKER_TIMEOUT
        )
    except Exception:  # the broker is down: the job stays queued and is sent again when polled
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
