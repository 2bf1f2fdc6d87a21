"""The portal's pages for cameras, recorders, contributions and video extractions (police only)."""

from cameras.api.views import (
    CameraViewSet,
    ContributionViewSet,
    RecorderViewSet,
    VideoExtractionViewSet,
)
from wardsecurity.portal import NAV_CAMERAS, Entity

CAMERAS = Entity(
    CameraViewSet,
    prefix="cameras",
    columns=("code", "location", "status", "owner_kind", "installed_on", "group"),
    nav=NAV_CAMERAS,
)
RECORDERS = Entity(
    RecorderViewSet,
    prefix="recorders",
    columns=("code", "location", "channels", "installed_on"),
    nav=NAV_CAMERAS,
)
CONTRIBUTIONS = Entity(
    ContributionViewSet,
    prefix="contributions",
    columns=("contributed_on", "contributor_name", "amount_vnd", "purpose", "camera"),
    nav=NAV_CAMERAS,
)
VIDEO_EXTRACTIONS = Entity(
    VideoExtractionViewSet,
    prefix="video-extractions",
    columns=("requested_at", "camera", "requested_by", "purpose", "useful"),
    nav=NAV_CAMERAS,
    export_fields=(
        "camera",
        "requested_at",
        "requested_by",
        "purpose",
        "incident",
        "useful",
        "notes",
    ),
)

ENTITIES = (CAMERAS, RECORDERS, CONTRIBUTIONS, VIDEO_EXTRACTIONS)
