import os

from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import storages
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wardsecurity.settings")
application = get_wsgi_application()


def require_collected_static() -> None:
    """With hashed static files (the production profile) every page needs the manifest that
    ``collectstatic`` writes: refuse to start without it rather than answer each page with a 500.
    """
    storage = storages["staticfiles"]
    if isinstance(storage, ManifestFilesMixin) and not storage.hashed_files:
        raise ImproperlyConfigured(
            f"No static files manifest in {storage.location}: run `manage.py collectstatic"
            " --no-input` with these settings before starting (see docs/deployment.md)."
        )


require_collected_static()
