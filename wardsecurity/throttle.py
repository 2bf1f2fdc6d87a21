"""At most N sign-in attempts per client address per minute, whoever the user (G9).

django-axes locks a username at an address after five failures; it does not stop one address
trying one password against many usernames (spraying). This middleware counts every sign-in
POST (the portal's, the admin's, the API's token endpoint) per client address in a one-minute
window of the default cache, and answers 429 with ``Retry-After`` past
``SIGNIN_THROTTLE_PER_MINUTE``: JSON under /api/, a small page otherwise. The address is the
one lockouts use (``wardsecurity.proxies``), so behind a trusted proxy clients are told apart.
"""

import time
from collections.abc import Callable
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wardsecurity.proxies import client_address

WINDOW_SECONDS = 60
TOO_MANY_SIGN_INS = _("Too many sign-in attempts from this address. Try again in a minute.")


def throttle_hit(*, address: str, now: float | None = None) -> int:
    """Count one attempt from ``address``; return 0 if allowed, else the seconds to wait."""
    limit = settings.SIGNIN_THROTTLE_PER_MINUTE
    now = time.time() if now is None else now
    window = int(now // WINDOW_SECONDS)
    key = f"signin-throttle:{address}:{window}"
    # add() then incr(): atomic enough in every cache backend, and the key expires by itself.
    if cache.add(key, 1, timeout=WINDOW_SECONDS + 5):
        count = 1
    else:
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=WINDOW_SECONDS + 5)
            count = 1
    if count <= limit:
        return 0
    return max(1, int((window + 1) * WINDOW_SECONDS - now))


class SignInThrottleMiddleware:
    """429 for a sign-in POST past the per-address limit; any other request passes untouched."""

    # The clock the windows are read from; tests pin it so their attempts share one window.
    clock = staticmethod(time.time)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def paths(self) -> frozenset[str]:
        return frozenset({reverse("login"), reverse("admin:login"), reverse("api:token")})

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in self.paths:
            wait = throttle_hit(address=client_address(request), now=self.clock())
            if wait:
                return self.refuse(request, wait)
        return self.get_response(request)

    def refuse(self, request: HttpRequest, wait: int) -> HttpResponse:
        message = str(TOO_MANY_SIGN_INS)
        response: HttpResponse
        if request.path.startswith("/api/"):
            response = JsonResponse({"detail": message, "code": "throttled"}, status=429)
        else:
            response = HttpResponse(
                render_to_string("registration/throttled.html", {"message": message}),
                status=429,
            )
        response["Retry-After"] = str(wait)
        response["Cache-Control"] = "no-store"
        return response
