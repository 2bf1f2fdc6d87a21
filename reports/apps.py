from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


def _install_triggers(sender, using, **kwargs):
    from reports.triggers import install_triggers

    install_triggers(using=using)


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Statistics and reports")

    def ready(self):
        # tasks_documents holds the report-job task; Celery's autodiscovery imports only tasks.py.
        from reports import metrics, tasks, tasks_documents  # noqa: F401

        # Each app declares its figures in its own metrics.py (SPEC §3: reports names no model).
        autodiscover_modules("metrics", register_to=None)
        metrics.check_registry()
        # After every migrate, so tables created or altered since get their dirty-marking triggers.
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="reports_triggers")
        tasks.connect_signals()
