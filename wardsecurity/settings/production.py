"""Production profile: secure by default; refuses to start without its required variables.

Required: DJANGO_SECRET_KEY (50+ characters), DJANGO_ALLOWED_HOSTS, DATABASE_URL; usually also
DATABASE_OWNER_URL (migrate) and DJANGO_STATIC_ROOT. The steps are in docs/deployment.md.
Passes ``manage.py check --deploy --fail-level WARNING`` when they are set.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from wardsecurity.settings import *  # noqa: F403
from wardsecurity.settings import MAP_TILE_URL, STATIC_ROOT, env_bool, env_list

# Without DATABASE_URL the base settings (loaded first, as this module's package) would start an
# embedded PostgreSQL under .data/: they refuse before that; the other variables are checked here.
for _name in ("DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "DATABASE_URL"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production (see docs/deployment.md).")

DEBUG = False
SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"


def _tile_origin(template: str) -> list[str]:
    """The scheme and host of a tile URL template ("https://tile.example.org"), if it has one."""
    parts = urlsplit(template)
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme and parts.netloc else []


SECURE_CSP = {
    "default-src": ["'self'"],
    # The map's base layer (MAP_TILE_URL, docs/deployment.md) is the only other image source.
    "img-src": ["'self'", "data:", *_tile_origin(MAP_TILE_URL)],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}
MIDDLEWARE = [
    *MIDDLEWARE,  # noqa: F405
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]
# ``manage.py collectstatic`` writes the hashed files and their manifest here; the WSGI application
# refuses to start until it has (wardsecurity/wsgi.py).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT") or STATIC_ROOT)
# Notification e-mails leave by SMTP (the development default only prints them).
MAILERS = {
    "default": {
        "BACKEND": os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "25")),
        },
    },
}
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
