"""Reads of recorders, cameras, contributions and the footage access log (police only).

See ``wardsecurity.selectors``: each list starts from ``visible_to(user)`` and joins what the API,
the portal, the admin and the camera map show of a row; ``filters`` are the app's FilterSet
parameters.
"""

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from cameras.filtersets import (
    CameraFilterSet,
    ContributionFilterSet,
    RecorderFilterSet,
    VideoExtractionFilterSet,
)
from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.models import User
from wardsecurity.selectors import filtered, one

Filters = Mapping[str, Any] | None


def recorder_list(*, user: User, filters: Filters = None) -> QuerySet[Recorder]:
    """The recorders the user may see, with their ward."""
    queryset: QuerySet[Recorder] = Recorder.objects.visible_to(user).select_related("ward")
    return filtered(RecorderFilterSet, queryset, filters)


def recorder_get(*, user: User, pk: int) -> Recorder:
    return one(recorder_list(user=user), pk)


def camera_list(*, user: User, filters: Filters = None) -> QuerySet[Camera]:
    """The cameras the user may see, with their ward, group, recorder and model."""
    queryset: QuerySet[Camera] = Camera.objects.visible_to(user).select_related(
        "ward", "group", "recorder", "model"
    )
    return filtered(CameraFilterSet, queryset, filters)


def camera_get(*, user: User, pk: int) -> Camera:
    return one(camera_list(user=user), pk)


def contribution_list(*, user: User, filters: Filters = None) -> QuerySet[Contribution]:
    """The contributions the user may see, with their ward, contributor and camera."""
    queryset: QuerySet[Contribution] = Contribution.objects.visible_to(user).select_related(
        "ward", "household", "organisation", "camera"
    )
    return filtered(ContributionFilterSet, queryset, filters)


def contribution_get(*, user: User, pk: int) -> Contribution:
    return one(contribution_list(user=user), pk)


def video_extraction_list(*, user: User, filters: Filters = None) -> QuerySet[VideoExtraction]:
    """The footage requests the user may see (police and administrators), with the camera and
    its ward (the ward shown is the camera's), who asked, and the incident."""
    queryset: QuerySet[VideoExtraction] = VideoExtraction.objects.visible_to(user).select_related(
        "camera__ward", "requested_by", "incident"
    )
    return filtered(VideoExtractionFilterSet, queryset, filters)


def video_extraction_get(*, user: User, pk: int) -> VideoExtraction:
    return one(video_extraction_list(user=user), pk)
