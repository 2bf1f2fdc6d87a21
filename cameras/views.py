"""The portal's pages for cameras, recorders, contributions and video extractions (police only)."""

from cameras import selectors, services
from cameras.fields import (
    CAMERA_FIELDS,
    CAMERA_ORDERING,
    CAMERA_SORTABLE,
    CONTRIBUTION_FIELDS,
    CONTRIBUTION_ORDERING,
    CONTRIBUTION_SORTABLE,
    RECORDER_FIELDS,
    RECORDER_ORDERING,
    RECORDER_SORTABLE,
    VIDEO_EXTRACTION_FIELDS,
    VIDEO_EXTRACTION_ORDERING,
    VIDEO_EXTRACTION_SORTABLE,
)
from cameras.filtersets import (
    CameraFilterSet,
    ContributionFilterSet,
    RecorderFilterSet,
    VideoExtractionFilterSet,
)
from cameras.models import (
    Camera,
    Contribution,
    Recorder,
    VideoExtraction,
)
from wardsecurity.portal import NAV_CAMERAS, Entity

CAMERAS = Entity(
    Camera,
    prefix="cameras",
    filterset_class=CameraFilterSet,
    services=(services.camera_create, services.camera_update, services.camera_delete),
    selectors=(selectors.camera_list, selectors.camera_get),
    fields=CAMERA_FIELDS,
    sortable=CAMERA_SORTABLE,
    ordering=CAMERA_ORDERING,
    columns=("code", "location", "status", "owner_kind", "installed_on", "group"),
    nav=NAV_CAMERAS,
)

RECORDERS = Entity(
    Recorder,
    prefix="recorders",
    filterset_class=RecorderFilterSet,
    services=(services.recorder_create, services.recorder_update, services.recorder_delete),
    selectors=(selectors.recorder_list, selectors.recorder_get),
    fields=RECORDER_FIELDS,
    sortable=RECORDER_SORTABLE,
    ordering=RECORDER_ORDERING,
    columns=("code", "location", "channels", "installed_on"),
    nav=NAV_CAMERAS,
)

CONTRIBUTIONS = Entity(
    Contribution,
    prefix="contributions",
    filterset_class=ContributionFilterSet,
    services=(
        services.contribution_create,
        services.contribution_update,
        services.contribution_delete,
    ),
    selectors=(selectors.contribution_list, selectors.contribution_get),
    fields=CONTRIBUTION_FIELDS,
    sortable=CONTRIBUTION_SORTABLE,
    ordering=CONTRIBUTION_ORDERING,
    columns=("contributed_on", "contributor_name", "amount_vnd", "purpose", "camera"),
    nav=NAV_CAMERAS,
)

VIDEO_EXTRACTIONS = Entity(
    VideoExtraction,
    prefix="video-extractions",
    filterset_class=VideoExtractionFilterSet,
    services=(
        services.video_extraction_create,
        services.video_extraction_update,
        services.video_extraction_delete,
    ),
    selectors=(selectors.video_extraction_list, selectors.video_extraction_get),
    fields=VIDEO_EXTRACTION_FIELDS,
    sortable=VIDEO_EXTRACTION_SORTABLE,
    ordering=VIDEO_EXTRACTION_ORDERING,
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

ENTITIES = (
    CAMERAS,
    RECORDERS,
    CONTRIBUTIONS,
    VIDEO_EXTRACTIONS,
)
