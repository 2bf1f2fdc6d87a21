"""Admin of the reporting chain: report kinds and deadlines, the manual indicators' catalogue,
and the ward reports (read and written through the services, like every ward record)."""

from django.contrib import admin

from reporting import selectors, services
from reporting.models import (
    ConsolidatedReport,
    ManualIndicator,
    ManualIndicatorValue,
    PeriodReport,
    PeriodReportTransition,
    ReportSchedule,
)
from wardsecurity.admin import AdministratorMixin, ViewOnlyMixin, WardRecordAdmin, ward_filters


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


@admin.register(PeriodReport)
class PeriodReportAdmin(WardRecordAdmin):
    """The ward reports: drafts are edited through the services; the state changes only through
    the chain (portal and API), so the state, the snapshot and the reviewers are shown here."""

    selector = staticmethod(selectors.period_report_list)
    services = (
        services.period_report_create,
        services.period_report_update,
        services.period_report_delete,
    )
    list_display = ("ward", "period", "kind", "state", "due_on", "submitted_at", "reviewed_at")
    list_filter = (*ward_filters(), "kind", "state")
    search_fields = ("ward__name", "period")
    autocomplete_fields = ("ward",)
    date_hierarchy = "period_end"
    ordering = ("-period_end", "ward__code")
    derived_fields = (
        "kind",
        "period_start",
        "period_end",
        "due_on",
        "state",
        "submitted_at",
        "submitted_by",
        "first_submitted_at",
        "reviewed_at",
        "reviewed_by",
        "return_comment",
        "snapshot_digest",
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "ward", "period"] if obj is not None else fields


@admin.register(ManualIndicatorValue)
class ManualIndicatorValueAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.manual_indicator_value_list)
    services = (
        services.manual_indicator_value_create,
        services.manual_indicator_value_update,
        services.manual_indicator_value_delete,
    )
    list_display = ("ward", "indicator", "period", "value", "period_end")
    list_filter = (*ward_filters(), "indicator")
    search_fields = ("ward__name", "indicator_code", "period")
    autocomplete_fields = ("ward",)
    ordering = ("-period_end", "ward__code")
    derived_fields = ("indicator_code", "period_start", "period_end")


@admin.register(PeriodReportTransition)
class PeriodReportTransitionAdmin(ViewOnlyMixin, AdministratorMixin, admin.ModelAdmin):
    """The chain's history: append-only, written by the transition services only."""

    list_display = ("report", "action", "from_state", "to_state", "actor", "at")
    list_filter = ("action",)
    list_select_related = ("report__ward", "actor")
    ordering = ("-at",)
    exclude = ("snapshot",)

    def get_tail_fieldsets(self, request, obj=None):
        return []  # no pghistory: the transitions are the history


@admin.register(ConsolidatedReport)
class ConsolidatedReportAdmin(ViewOnlyMixin, AdministratorMixin, admin.ModelAdmin):
    """A province's or cluster's report: written on its portal pages, through the services that
    check its version and freeze its figures when it is issued; the admin shows it."""

    list_display = ("period", "scope_kind", "province", "cluster", "state", "issued_on")
    list_filter = ("state", "scope_kind", "kind")
    list_select_related = ("province", "cluster")
    ordering = ("-period_end",)
    exclude = ("figures",)
