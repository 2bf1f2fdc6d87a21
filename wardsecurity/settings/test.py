"""Test profile: fast password hashing, eager Celery, the same PostgreSQL as everywhere."""

from wardsecurity.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
DEMO_PASSWORD = "demo12345"  # noqa: S105 - the documented demo password
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
