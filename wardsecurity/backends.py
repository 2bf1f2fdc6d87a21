"""Authentication backend: permissions follow the role (SPEC §1), not per-user grants."""

from django.contrib.auth.backends import ModelBackend
from django.http import HttpResponseForbidden, JsonResponse
from django.utils.translation import gettext_lazy as _

from wardsecurity.proxies import client_address

LOCKED_OUT = _("Too many failed sign-ins: this account is locked here for 15 minutes.")


class RoleBackend(ModelBackend):
    """Administrators (role ``admin``) hold every permission; others only what they were given."""

    def has_perm(self, user_obj, perm, obj=None):
        if user_obj.is_active and getattr(user_obj, "is_admin_role", False):
            return True
        return super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label):
        if user_obj.is_active and getattr(user_obj, "is_admin_role", False):
            return True
        return super().has_module_perms(user_obj, app_label)


def client_ip(request):
    """The client address for lockouts: REMOTE_ADDR, or the one a trusted proxy forwarded."""
    return client_address(request)


def lockout_response(request, credentials, *args, **kwargs):
    """What a locked-out sign-in gets: JSON 403 for the API, a plain page for the browser."""
    message = str(LOCKED_OUT)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": "locked_out"}, status=403)
    return HttpResponseForbidden(message, content_type="text/plain; charset=utf-8")
