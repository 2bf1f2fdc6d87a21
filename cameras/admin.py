"""Admin of cameras, recorders, contributions and the footage access log."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.admin import WardRecordAdmin, ward_filters


@admin.register(Recorder)
class RecorderAdmin(WardRecordAdmin):
    list_display = ("code", "location", "channels", "installed_on", "ward")
    list_filter = (*ward_filters(),)
    search_fields = ("code", "location__ws_fold__contains")
    autocomplete_fields = ("ward",)
    date_hierarchy = "installed_on"
    ordering = ("ward__code", "code")


@admin.register(Camera)
class CameraAdmin(WardRecordAdmin):
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
    list_select_related = ("ward", "group", "recorder")
    search_fields = ("code", "location__ws_fold__contains")
    autocomplete_fields = ("ward", "group", "recorder", "model")
    date_hierarchy = "installed_on"
    ordering = ("ward__code", "code")


@admin.register(Contribution)
class ContributionAdmin(WardRecordAdmin):
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
    list_select_related = ("ward", "household", "organisation", "camera")
    search_fields = ("contributor_name__ws_fold__contains", "purpose__ws_fold__contains")
    autocomplete_fields = ("ward", "household", "organisation", "camera")
    date_hierarchy = "contributed_on"
    ordering = ("-contributed_on", "ward__code")


@admin.register(VideoExtraction)
class VideoExtractionAdmin(WardRecordAdmin):
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
    list_select_related = ("camera", "camera__ward", "requested_by", "incident")
    search_fields = ("purpose__ws_fold__contains", "notes__ws_fold__contains", "camera__code")
    autocomplete_fields = ("camera", "requested_by", "incident")
    date_hierarchy = "requested_at"
    ordering = ("-requested_at",)

    @admin.display(description=_("ward"), ordering="camera__ward__code")
    def camera_ward(self, obj):
        return obj.camera.ward

    def get_changeform_initial_data(self, request):
        return {"requested_by": request.user.pk, **super().get_changeform_initial_data(request)}
