"""Views that belong to no app: the health check."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # any failure means "not reachable"; the reason goes to the log only
        logger.warning("health check: database unreachable", exc_info=True)
        return False


def _broker_ok() -> bool:
    if settings.REDIS_URL:
        try:
            import redis

            client = redis.Redis.from_url(
                settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
            )
            return bool(client.ping())
        except Exception:
            logger.warning("health check: broker unreachable", exc_info=True)
            return False
    # Filesystem broker: reachable when its queue folder can be created and written.
    queue = settings.CELERY_DATA_DIR / "queue"
    try:
        queue.mkdir(parents=True, exist_ok=True)
        return queue.is_dir()
    except OSError:
        return False


@never_cache
@require_safe
def healthz(request):
    """Database and broker reachability; 200 when the database answers (saving needs no broker)."""
    database = _database_ok()
    broker = _broker_ok()
    body = {
        "status": "ok" if database and broker else ("degraded" if database else "down"),
        "database": "ok" if database else "unreachable",
        "broker": "ok" if broker else "unreachable",
        "broker_kind": "redis" if settings.REDIS_URL else "filesystem",
    }
    return JsonResponse(body, status=200 if database else 503)


def not_found(request, exception=None):
    """404 page: JSON under /api/ (as the schema promises), Django's page elsewhere."""
    if request.path.startswith("/api/"):
        from django.utils.translation import gettext as _

        return JsonResponse({"code": "not_found", "detail": _("Not found.")}, status=404)
    from django.views.defaults import page_not_found

    return page_not_found(request, exception)
