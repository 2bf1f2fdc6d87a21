"""The Django admin site: system administrators only (SPEC §1).

Ward police officers, clerks and steering viewers work in the portal, never here. The rule lives in
one place, ``WardAdminSite.has_permission``, which every admin view (login included) consults;
``wardsecurity.apps.WardAdminConfig`` makes this site the default ``admin.site``.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def is_site_admin(user) -> bool:
    """Whether ``user`` may use the Django admin: an active administrator or superuser."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_admin_role
    )


class WardAdminAuthenticationForm(AdminAuthenticationForm):
    """Admin login by role: ``is_staff`` plays no part, the administrator role does."""

    def confirm_login_allowed(self, user):
        AuthenticationForm.confirm_login_allowed(self, user)  # refuses inactive users
        if not is_site_admin(user):
            raise ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class WardAdminSite(admin.AdminSite):
    """The admin site of the portal, for users with the administrator role or superusers."""

    site_header = _("Ward Security Portal administration")
    site_title = _("Ward Security Portal")
    index_title = _("System administration")
    login_form = WardAdminAuthenticationForm

    def has_permission(self, request):
        return is_site_admin(request.user)
