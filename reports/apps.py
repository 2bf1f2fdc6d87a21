from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


def _install_triggers(sender, using, **kwargs):
    from reports.statistics.triggers import install_triggers

    install_triggers(using=using)


class ReportsConfig(AppConfig):
    """The statistics engine (``reports.statistics``), with the period reports
    (``reports.documents``) and the dashboard (``reports.dashboard``) over it."""

    name = "reports"
    verbose_name = _("Statistics and reports")

    def ready(self):
        # Celery's autodiscovery imports only ``reports.tasks``, which does not exist: the tasks
        # of the rollup and of the report jobs are registered here, in the web and the worker.
        from reports.documents import tasks as document_tasks  # noqa: F401
        from reports.statistics import metrics
        from reports.statistics import tasks as rollup_tasks

        # Each app declares its figures in its own metrics.py (SPEC §3: reports names no model).
        autodiscover_modules("metrics", register_to=None)
        metrics.check_registry()
        # After every migrate, so tables created or altered since get their dirty-marking triggers.
        post_migrate.connect(_install_triggers, sender=self, dispatch_uid="reports_triggers")
        rollup_tasks.connect_signals()
