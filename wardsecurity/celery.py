"""The Celery app. The periodic schedule lives here, in one reviewed place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wardsecurity.settings")

app = Celery("wardsecurity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _create_filesystem_queue(sender, **kwargs):
    """Without Redis the broker is a folder: make sure it exists before a worker polls it."""
    from pathlib import Path

    options = sender.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)


# The statistics (SPEC §7, G10): drain the rollup outbox every minute, so the figures heal after
# a broker or worker outage whatever wrote the records, and rebuild everything at night.
app.conf.beat_schedule = {
    "rollup-process": {"task": "reports.process_dirty", "schedule": 60.0},
    "rollup-rebuild": {"task": "reports.rebuild", "schedule": crontab(hour=2, minute=30)},
    # Jobs lost to a broker outage or a killed worker are sent again (issue 15, G10).
    "exports-requeue": {"task": "wardsecurity.requeue_export_jobs", "schedule": 60.0},
    "reports-requeue": {"task": "reports.requeue_report_jobs", "schedule": 60.0},
    "imports-requeue": {"task": "imports.requeue_imports", "schedule": 60.0},
    # Export and report jobs, with their files, are kept EXPORT_KEEP_DAYS (issue 6).
    "jobs-cleanup": {"task": "wardsecurity.cleanup_jobs", "schedule": crontab(hour=3, minute=15)},
    # Personal values leave history entries past HISTORY_RETENTION_DAYS (issue 15).
    "retention": {"task": "wardsecurity.apply_retention", "schedule": crontab(hour=3, minute=45)},
    # The reporting chain (issue 13): reports due in 3 days or overdue, and each reviewer's
    # summary of a period on its due date; each notification is sent once (reporting/tasks.py).
    "report-reminders": {
        "task": "reporting.send_reminders",
        "schedule": crontab(hour=7, minute=0),
    },
    "report-summaries": {
        "task": "reporting.send_summaries",
        "schedule": crontab(hour=7, minute=30),
    },
}
