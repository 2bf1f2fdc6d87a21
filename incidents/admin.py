"""Admin of incidents, tips and hotspots (sensitive records: administrators see them all)."""

from django.contrib import admin

from incidents import selectors, services
from incidents.models import Hotspot, Incident, Tip
from wardsecurity.admin import WardRecordAdmin, ward_filters


@admin.register(Tip)
class TipAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.tip_list)
    services = (services.tip_create, services.tip_update, services.tip_delete)
    list_display = ("__str__", "received_at", "channel", "category", "status", "ward")
    list_filter = (*ward_filters(), "category", "channel", "status")
    search_fields = ("content__ws_fold__contains", "reporter__ws_fold__contains")
    autocomplete_fields = ("ward",)
    date_hierarchy = "received_at"
    ordering = ("-received_at", "ward__code")


@admin.register(Incident)
class IncidentAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.incident_list)
    services = (services.incident_create, services.incident_update, services.incident_delete)
    list_display = (
        "__str__",
        "occurred_at",
        "category",
        "subcategory",
        "case_type",
        "severity",
        "cleared",
        "source",
        "status",
        "suspects",
        "group",
        "ward",
    )
    list_filter = (
        *ward_filters(),
        "category",
        "case_type",
        "severity",
        "cleared",
        "source",
        "status",
    )
    search_fields = ("summary__ws_fold__contains", "subcategory__ws_fold__contains")
    autocomplete_fields = ("ward", "group", "tip")
    date_hierarchy = "occurred_at"
    ordering = ("-occurred_at", "ward__code")


@admin.register(Hotspot)
class HotspotAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.hotspot_list)
    services = (services.hotspot_create, services.hotspot_update, services.hotspot_delete)
    list_display = ("name", "status", "designated_on", "transformed_on", "group", "ward")
    list_filter = (*ward_filters(), "status")
    search_fields = ("name__ws_fold__contains", "reasons__ws_fold__contains")
    autocomplete_fields = ("ward", "group")
    date_hierarchy = "designated_on"
    ordering = ("-designated_on", "ward__code")
