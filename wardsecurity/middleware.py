"""Request middleware shared by every app."""

import uuid

import pghistory
from django.db import connection
from django.utils.cache import patch_cache_control


class HistoryContextMiddleware:
    """Attach the actor and the request to every history row written while serving a request.

    The user id is resolved lazily by pghistory when DRF authenticates later in the view.
    Only ids, the method and the path (never a query string, which could hold personal data)
    are recorded.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return self.get_response(request)
        user = getattr(request, "user", None)
        user_id = (
            user._meta.pk.get_db_prep_value(user.pk, connection)
            if user is not None and getattr(user, "is_authenticated", False)
            else None
        )
        request.request_id = uuid.uuid4().hex
        with pghistory.context(
            user=user_id,
            url=request.path,
            method=request.method,
            request_id=request.request_id,
        ):
            return self.get_response(request)


class PrivateCacheMiddleware:
    """``Cache-Control: no-store, private`` on every answer to a signed-in request (G15).

    Pages, API answers, imports and downloads for a signed-in user hold personal data: no
    browser, proxy or back-forward cache may keep them. A view that sets its own Cache-Control
    keeps it. Static files never get here (WhiteNoise answers them first), and answers to
    anonymous requests are left alone. The user may be known only after the view ran (an API
    token is checked by DRF, which sets ``request.user``), so the check runs on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
