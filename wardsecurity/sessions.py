"""Browser sessions end after a role's idle time (issue 15); API tokens are not affected.

A session records when it was last used (at most once a minute, so a busy page costs no extra
write). A request after more than ``SESSION_IDLE_MINUTES[role]`` of silence signs the user out:
the browser is sent to the sign-in page with a message, an HTMX request is told to go there
(``HX-Redirect``), and an API call with the session cookie continues as anonymous (401). Bearer
tokens are checked by DRF inside the view, never here.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

LAST_SEEN_KEY = "_ws_last_seen"
TOUCH_EVERY_SECONDS = 60
DEFAULT_IDLE_MINUTES = 30
SESSION_EXPIRED = _(
    "You were signed out after %(minutes)d minutes without activity. Please sign in again."
)


def idle_minutes(user) -> int:
    """The idle timeout of ``user``'s role, in minutes."""
    limits = getattr(settings, "SESSION_IDLE_MINUTES", {})
    return int(limits.get(getattr(user, "role", ""), DEFAULT_IDLE_MINUTES))


def session_touch(*, request: HttpRequest, now: float | None = None) -> None:
    """Record that the session was used now (at sign-in, and as requests arrive)."""
    request.session[LAST_SEEN_KEY] = int(time.time() if now is None else now)


class IdleTimeoutMiddleware:
    """Sign out a browser session idle for longer than its role allows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN_KEY)
            minutes = idle_minutes(user)
            if isinstance(last_seen, int) and now - last_seen > minutes * 60:
                return self.expired(request, minutes)
            if not isinstance(last_seen, int) or now - last_seen >= TOUCH_EVERY_SECONDS:
                session_touch(request=request, now=now)
        return self.get_response(request)

    def expired(self, request: HttpRequest, minutes: int) -> HttpResponse:
        logout(request)
        if request.path.startswith("/api/"):
            return self.get_response(request)  # now anonymous: the API answers 401 itself
        messages.warning(request, SESSION_EXPIRED % {"minutes": minutes})
        # The path only: a query string may hold search terms (G17).
        response = redirect_to_login(request.path)
        if request.headers.get("HX-Request"):
            response["HX-Redirect"] = response["Location"]
        return response
