"""Test profile: fast password hashing, eager Celery, the same PostgreSQL as everywhere."""

from wardsecurity.settings import *  # noqa: F403
from wardsecurity.settings import DATABASE_OWNER, DATABASES

# The suite connects as the schema's owner: pytest-django creates and drops the test databases,
# transactional tests empty every table with TRUNCATE between tests, and a few tests truncate a
# table on purpose; the application's role may do none of that. What that role may and may not
# do is proved by switching to it inside a test (tests/wardsecurity/test_db_role.py).
# The application's own credentials, for the tests that start the application in a subprocess.
DATABASE_APP = {key: DATABASES["default"].get(key) or "" for key in ("USER", "PASSWORD")}
if DATABASE_OWNER:
    DATABASES["default"].update(
        {
            "USER": DATABASE_OWNER.get("USER") or "",
            "PASSWORD": DATABASE_OWNER.get("PASSWORD") or "",
            "HOST": DATABASE_OWNER.get("HOST") or "",
            "PORT": DATABASE_OWNER.get("PORT") or "",
        }
    )

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
DEMO_PASSWORD = "demo12345"  # noqa: S105 - the documented demo password
WHITENOISE_AUTOREFRESH = True  # no collectstatic before tests
# Each test process keeps its own cache, whatever REDIS_URL says: the suite's workers run on
# databases of their own, and a shared Redis would hand one worker's cached answers (and sign-in
# counts) to another. The shared cache is proved by the tests that start the application in
# subprocesses (tests/wardsecurity/test_several_machines.py).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Nor does a process's own copy of the statistics answers (reports.api.answers) outlive a test
# that empties the cache: tests/reports/test_answers.py turns it on, and the application started
# in subprocesses (tests/wardsecurity/test_several_machines.py) runs with it.
STATS_LOCAL_CACHE_BYTES = 0
# A second alias on the same test database (Django's TEST MIRROR), standing in for a read
# replica in tests/wardsecurity/test_replica.py; reads go there only where a test turns
# REPLICA_READS on (and asks for the database), so the rest of the suite uses one database.
if "replica" not in DATABASES:
    DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
