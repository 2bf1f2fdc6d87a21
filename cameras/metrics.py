"""Cameras, recorders, contributions and video extractions (SPEC §7)."""

from django.utils.translation import gettext_lazy as _

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from reports.statistics.metrics import FLOW, STOCK, Metric, Source, family, register

register(
    Metric(
        "cameras_active",
        _("Cameras in service"),
        "count",
        STOCK,
        definition=_("Cameras installed by the end of the period and not removed by then."),
    ),
    *family(
        "cameras",
        _("Cameras in service"),
        "count",
        STOCK,
        Camera.OwnerKind,
        definition=_("Cameras in service, by owner."),
    ),
    Metric(
        "cameras_installed",
        _("Cameras installed"),
        "count",
        FLOW,
        definition=_("Cameras whose installation date falls in the period."),
    ),
    Metric(
        "recorders",
        _("Recorders"),
        "count",
        STOCK,
        definition=_("Recorders installed by the end of the period."),
    ),
    Metric(
        "contributions_vnd",
        _("Contributions"),
        "vnd",
        FLOW,
        definition=_("Sum of the contributions made in the period, in đồng."),
    ),
    Metric(
        "video_extractions",
        _("Video extractions"),
        "count",
        FLOW,
        definition=_("Footage extractions requested in the period, in the camera's ward."),
    ),
    Metric(
        "video_extractions_useful",
        _("Useful video extractions"),
        "count",
        FLOW,
        definition=_("Extractions requested in the period and marked useful."),
    ),
    Source(Camera, "cameras_active", date="installed_on", end="removed_on"),
    Source(Camera, "cameras", date="installed_on", end="removed_on", by="owner_kind"),
    Source(Camera, "cameras_installed", date="installed_on"),
    Source(Recorder, "recorders", date="installed_on"),
    # A contribution counts under its household's group (else its organisation's); an
    # extraction under its camera's, in the camera's ward.
    Source(
        Contribution,
        "contributions_vnd",
        date="contributed_on",
        value="amount_vnd",
        group=("household__group", "organisation__group"),
    ),
    Source(VideoExtraction, "video_extractions", date="requested_at", group="camera__group"),
    Source(
        VideoExtraction,
        "video_extractions_useful",
        date="requested_at",
        where={"useful": True},
        group="camera__group",
    ),
)
