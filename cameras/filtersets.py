"""Filters for cameras, recorders, contributions and video extractions (API, UI lists, exports).

Links are filtered by id with plain number filters, never ``ModelChoiceFilter``: a choice filter
answers "not a valid choice" for a missing id but not for another ward's, which would leak
whether that record exists (SPEC §4).
"""

import django_filters
from django.utils.translation import gettext_lazy as _

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.filters import IdFilter, WardRecordFilterSet, date_range


class RecorderFilterSet(WardRecordFilterSet):
    installed_on = date_range("installed_on", _("installed on"))

    search_fields = ("code", "location")

    class Meta:
        model = Recorder
        fields = ["ward", "ward_code"]


class CameraFilterSet(WardRecordFilterSet):
    group = IdFilter(field_name="group_id", label=_("residential group (id)"))
    recorder = IdFilter(field_name="recorder_id", label=_("recorder (id)"))
    model = IdFilter(field_name="model_id", label=_("self-management model (id)"))
    installed_on = date_range("installed_on", _("installed on"))

    search_fields = ("code", "location")

    class Meta:
        model = Camera
        fields = [
            "ward",
            "ward_code",
            "group",
            "owner_kind",
            "funding",
            "status",
            "recorder",
            "model",
            "signage",
            "connected_to_police",
        ]


class ContributionFilterSet(WardRecordFilterSet):
    household = IdFilter(field_name="household_id", label=_("household (id)"))
    organisation = IdFilter(field_name="organisation_id", label=_("organisation (id)"))
    camera = IdFilter(field_name="camera_id", label=_("camera (id)"))
    contributed_on = date_range("contributed_on", _("contributed on"))

    search_fields = ("contributor_name", "purpose")

    class Meta:
        model = Contribution
        fields = ["ward", "ward_code", "household", "organisation", "camera"]


class VideoExtractionFilterSet(WardRecordFilterSet):
    # The extraction belongs to its camera's ward (``ward_path = "camera__ward"``).
    ward = IdFilter(field_name="camera__ward_id", label=_("ward (id)"))
    ward_code = django_filters.CharFilter(field_name="camera__ward__code", label=_("ward code"))
    camera = IdFilter(field_name="camera_id", label=_("camera (id)"))
    incident = IdFilter(field_name="incident_id", label=_("incident (id)"))
    requested_by = IdFilter(field_name="requested_by_id", label=_("requested by (user id)"))
    requested_at = date_range("requested_at", _("requested at"))

    search_fields = ("purpose",)

    class Meta:
        model = VideoExtraction
        fields = ["ward", "ward_code", "camera", "incident", "requested_by", "useful"]
