"""Request middleware shared by every app."""

import uuid

import pghistory
from django.db import connection


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
