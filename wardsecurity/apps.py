from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WardSecurityConfig(AppConfig):
    name = "wardsecurity"
    verbose_name = _("Users and access")

    def ready(self) -> None:
        from wardsecurity import signals  # noqa: F401 - connects the receivers


class WardAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` with ``WardAdminSite`` as the default site (administrators only).

    Listed in INSTALLED_APPS in place of "django.contrib.admin". ``default = False`` keeps
    ``WardSecurityConfig`` the configuration of the "wardsecurity" app; the admin module is
    imported as a module so that its ``AdminConfig`` is not a second candidate here.
    """

    default = False
    default_site = "wardsecurity.admin_site.WardAdminSite"
