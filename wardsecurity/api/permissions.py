"""Role rules of SPEC §1 for the API; scope is the queryset's job (out of scope → 404)."""

from rest_framework import permissions


def view_model(view):
    queryset = getattr(view, "queryset", None)
    return getattr(view, "model", None) or (queryset.model if queryset is not None else None)


class RolePermission(permissions.BasePermission):
    """Signed-in active users; sensitive resources police/admin only; writes not for viewers.

    Both refusals are decided before any object is looked up, so a 403 says nothing about
    whether a given id exists.
    """

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        model = view_model(view)
        if getattr(model, "sensitive", False) and not user.can_see_sensitive:
            return False
        if request.method in permissions.SAFE_METHODS:
            return True
        return user.can_write and not getattr(view, "read_only_resource", False)
