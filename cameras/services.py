"""Writes for recorders, cameras, contributions and the footage access log."""

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.services import make_services

recorder_create, recorder_update, recorder_delete = make_services(Recorder, "recorder")
camera_create, camera_update, camera_delete = make_services(Camera, "camera")
contribution_create, contribution_update, contribution_delete = make_services(
    Contribution, "contribution"
)
# The access log names who asked for the footage: always the actor, never a typed value.
video_extraction_create, video_extraction_update, video_extraction_delete = make_services(
    VideoExtraction,
    "video_extraction",
    read_only=("requested_by",),
    preset=lambda actor: {"requested_by": actor},
)
