from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WardSecurityConfig(AppConfig):
    name = "wardsecurity"
    verbose_name = _("Users and access")
