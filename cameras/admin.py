"""Admin of cameras, recorders, contributions and the footage access log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cameras import selectors, services
from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.admin import WardRecordAdmin, ward_filters


@admin.register(Recorder)
class RecorderAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.recorder_list)
    services = (services.recorder_create, services.recorder_update, services.recorder_delete)
    list_display = ("code", "location", "channels", "installed_on", "ward")
    list_filter = (*ward_filters(),)
    search_fields = ("code", "location__ws_fold__contains")
    autocomplete_fields = ("ward",)
    date_hierarchy = "installed_on"
    ordering = ("ward__code", "code")


@admin.register(Camera)
class CameraAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.camera_list)
    services = (services.camera_create, services.camera_update, services.camera_delete)
    list_display = (
        "code",
        "location",
        "status",
        "owner_kind",
        "funding",
        "installed_on",
        "connected_to_police",
        "recorder",
        "group",
        "ward",
    )
    list_filter = (
        *ward_filters(),
        "status",
        "owner_kind",
        "funding",
        "connected_to_police",
        "signage",
    )
    search_fields = ("code", "location__ws_fold__contains")
    autocomplete_fields = ("ward", "group", "recorder", "model")
    date_hierarchy = "installed_on"
    ordering = ("ward__code", "code")


@admin.register(Contribution)
class ContributionAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.contribution_list)
    services = (
        services.contribution_create,
        services.contribution_update,
        services.contribution_delete,
    )
    list_display = (
        "contributor_name",
        "amount_vnd",
        "contributed_on",
        "purpose",
        "household",
        "organisation",
        "camera",
        "ward",
    )
    list_filter = (*ward_filters(),)
    search_fields = ("contributor_name__ws_fold__contains", "purpose__ws_fold__contains")
    autocomplete_fields = ("ward", "household", "organisation", "camera")
    date_hierarchy = "contributed_on"
    ordering = ("-contributed_on", "ward__code")


@admin.register(VideoExtraction)
class VideoExtractionAdmin(WardRecordAdmin):
    selector = staticmethod(selectors.video_extraction_list)
    services = (
        services.video_extraction_create,
        services.video_extraction_update,
        services.video_extraction_delete,
    )
    list_display = (
        "__str__",
        "requested_at",
        "camera",
        "camera_ward",
        "requested_by",
        "purpose",
        "incident",
        "useful",
    )
    list_filter = (*ward_filters("camera__ward"), "useful")
    search_fields = ("purpose__ws_fold__contains", "notes__ws_fold__contains", "camera__code")
    autocomplete_fields = ("camera", "incident")
    # Who asked for the footage is always the user who records the request (the service).
    derived_fields = ("requested_by",)
    date_hierarchy = "requested_at"
    ordering = ("-requested_at",)

    @admin.display(description=_("ward"), ordering="camera__ward__code")
    def camera_ward(self, obj):
        return obj.camera.ward
