"""The Celery app. The periodic schedule lives here, in one reviewed place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wardsecurity.settings")

app = Celery("wardsecurity")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Filled by the statistics work (nightly rollup rebuild); empty until then.
app.conf.beat_schedule = {}
