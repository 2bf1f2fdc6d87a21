"""The reporting chain's daily tasks (Celery beat: ``wardsecurity/celery.py``)."""

from celery import shared_task

from reporting.notifications import send_reminders, send_summaries


@shared_task(name="reporting.send_reminders")
def send_reminders_task() -> int:
    """Reports due in 3 days and overdue ones, to the wards that have not submitted."""
    return send_reminders()


@shared_task(name="reporting.send_summaries")
def send_summaries_task() -> int:
    """On each period's due date, every reviewer's completeness summary and consolidated .docx."""
    return send_summaries()
