"""503 with Retry-After, not a 500, while PostgreSQL is unreachable (G11).

During a database restart a request fails when Django connects, or when a connection the
server just dropped is used: psycopg's OperationalError or InterfaceError, which Django wraps in
its own classes. ``server_error`` is the project's ``handler500``: Django calls it while handling
the uncaught exception, so the exception is at hand. Those errors get a 503 that tells clients
to retry — JSON ``{"code", "detail"}`` under /api/, a small page of its own otherwise (it reads
nothing from the database) — and everything else gets Django's usual 500 page. Django closes
the broken connection at the end of the request, so the next request connects afresh.
"""

import sys

import psycopg
from django import db
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.defaults import server_error as django_server_error

RETRY_AFTER_SECONDS = 5
DATABASE_UNAVAILABLE = _(
    "The database is unavailable for a moment. Nothing was saved; please try again shortly."
)
UNAVAILABLE_ERRORS = (
    db.OperationalError,
    db.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def is_database_unavailable(exc: BaseException | None) -> bool:
    """Whether ``exc`` (or an exception it was raised from) means the database cannot answer."""
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, UNAVAILABLE_ERRORS):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def unavailable_response(request: HttpRequest) -> HttpResponse:
    message = str(DATABASE_UNAVAILABLE)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "database_unavailable", "detail": message}, status=503)
    else:
        response = HttpResponse(render_to_string("503.html", {"message": message}), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


SERVER_ERROR = _("Something went wrong on the server; nothing more was saved. Please try again.")


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: 503 for an unreachable database; for anything else a 500, as JSON
    ``{"detail", "code": "server_error"}`` under /api/ (clients parse it) and Django's page
    elsewhere. Never the error itself: it is logged, not answered (G17)."""
    if is_database_unavailable(sys.exc_info()[1]):
        return unavailable_response(request)
    if request.path.startswith("/api/"):
        response = JsonResponse({"code": "server_error", "detail": str(SERVER_ERROR)}, status=500)
        response["Cache-Control"] = "no-store"
        return response
    return django_server_error(request)
