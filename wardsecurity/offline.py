"""Offline use on a phone (issue 17, items 1 and 3): the web app manifest, the service worker and
the logout that clears what the browser kept (docs/portal.md, "Offline use and its limits").

The service worker is rendered per request: it caches pages only for a signed-in ward role, in a
cache named for that user, and only the pages that role may read (tips and incidents for the
ward police only). Fetched by a signed-out browser it is a worker that deletes every user's
caches, so an expired session leaves nothing behind once the phone is online again.
"""

import json

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

# Bump when the worker's caching rules change: older caches are deleted on activation.
CACHE_VERSION = "1"
OFFLINE_ROLES = ("ward_police", "ward_staff")
SENSITIVE_ROLES = ("ward_police",)


def offline_enabled(user) -> bool:
    """Whether the portal keeps pages and a queue of changes on this user's phone."""
    return bool(user.is_authenticated and user.role in OFFLINE_ROLES)


# The quick forms whose records a ward role may save offline (queued as an API create).
QUICK_FORMS = ("mediationcase", "outreachsession", "camera", "hotspot", "incident", "tip")


def offline_api_url(model) -> str:
    """The API list URL of a quick form's model; "" for any other model."""
    if model._meta.model_name not in QUICK_FORMS:
        return ""
    from wardsecurity.api.urls import router  # the API's routes load every app's views

    for prefix, viewset, _basename in router.registry:
        if getattr(viewset, "model", None) is model:
            return reverse(f"api:{prefix}-list")
    return ""


def offline_pages(user) -> list[str]:
    """Regular expressions of the paths the worker may keep for ``user``: the daily screens of a
    ward role, and the sensitive quick forms only for a role that may read them."""
    if not offline_enabled(user):
        return []
    pages = [
        r"^/$",
        r"^/groups/\d+/fast-entry/$",
        r"^/groups/\d+/commitment-sheet/$",
        r"^/mediation-cases/new/$",
        r"^/outreach-sessions/new/$",
        r"^/cameras/new/$",
        r"^/hotspots/new/$",
    ]
    if user.role in SENSITIVE_ROLES:
        pages += [r"^/incidents/new/$", r"^/tips/new/$"]
    return pages


@require_safe
def manifest(request):
    """The web app manifest: the portal installs as an app that opens on the home page."""
    data = {
        "name": _("Ward Security Portal"),
        "short_name": _("Ward security"),
        "lang": "vi",
        "start_url": reverse("home"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b71c1c",
        "icons": [
            {
                "src": static(f"offline/icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any",
            }
            for size in (192, 512)
        ],
    }
    response = JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response


@require_safe
def service_worker(request):
    """The service worker, from the root so that it controls every page."""
    user = request.user
    workbox = static("vendor/workbox/workbox-sw.js")
    config = {
        "user": user.pk if offline_enabled(user) else None,
        "version": CACHE_VERSION,
        "workbox": workbox,
        "workboxPath": workbox.rsplit("/", 1)[0],
        "static": static("").rstrip("/") or "/static",
        "pages": offline_pages(user),
        "offlineTitle": _("No connection"),
        "offlineText": _(
            "This page was not opened on this phone while online, so it cannot be shown offline."
        ),
    }
    body = render_to_string(
        "offline/sw.js", {"config": json.dumps(config, ensure_ascii=False)}, request=request
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Checked on every visit: a new user, a signed-out browser or new rules take effect at once.
    response["Cache-Control"] = "no-cache"
    return response


class LogoutView(auth_views.LogoutView):
    """Sign out and ask the browser to forget the pages and the queue it kept for this user."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        # Honoured on HTTPS and on localhost; the login page also clears them from script.
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response
