"""The Celery app. The periodic schedule lives here, in one reviewed place."""

import os

from celery import Celery

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


# Filled by the statistics work (nightly rollup rebuild); empty until then.
app.conf.beat_schedule = {}
