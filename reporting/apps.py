from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    """The reporting chain (issue 13): a ward's period report drafted, submitted, reviewed."""

    name = "reporting"
    verbose_name = _("Reporting chain")
