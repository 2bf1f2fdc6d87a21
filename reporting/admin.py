"""Admin of the reporting chain: report kinds and deadlines, the manual indicators' catalogue,
and the ward reports (read and written through the services, like every ward record)."""

from django.contrib import admin

from reporting.models import ManualIndicator, ReportSchedule
from wardsecurity.admin import AdministratorMixin


@admin.register(ReportSchedule)
class ReportScheduleAdmin(AdministratorMixin, admin.ModelAdmin):
    """Configuration, not code: which reports the wards send and how many days they have."""

    list_display = ("kind", "due_days", "active")
    list_editable = ("due_days", "active")
    ordering = ("pk",)


@admin.register(ManualIndicator)
class ManualIndicatorAdmin(AdministratorMixin, admin.ModelAdmin):
    """The catalogue of figures wards enter by hand; a code never changes once it has values."""

    list_display = ("code", "label_vi", "label_en", "unit", "section", "order", "active")
    list_editable = ("order", "active")
    list_filter = ("section", "active", "unit")
    search_fields = ("code", "label_vi", "label_en")
    ordering = ("section", "order", "code")

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "code"] if obj is not None else fields
