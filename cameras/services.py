"""Writes for recorders, cameras, contributions and the footage access log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cameras.models import Camera, Contribution, Recorder, VideoExtraction
from wardsecurity.models import User
from wardsecurity.services import create_record, delete_record, update_record

# The access log names who asked for the footage: always the actor, never a typed value.
EXTRACTION_READ_ONLY = ("requested_by",)


def recorder_create(*, actor: User, data: Mapping[str, Any]) -> Recorder:
    """Create a recorder in the actor's scope."""
    return create_record(Recorder, actor=actor, data=data, service="recorder_create")


def recorder_update(
    *,
    actor: User,
    instance: Recorder,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Recorder:
    """Update a recorder in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="recorder_update",
    )


def recorder_delete(
    *, actor: User, instance: Recorder, expected_version: int | str | None = None
) -> None:
    """Delete a recorder in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="recorder_delete"
    )


def camera_create(*, actor: User, data: Mapping[str, Any]) -> Camera:
    """Create a camera in the actor's scope."""
    return create_record(Camera, actor=actor, data=data, service="camera_create")


def camera_update(
    *,
    actor: User,
    instance: Camera,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Camera:
    """Update a camera in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="camera_update",
    )


def camera_delete(
    *, actor: User, instance: Camera, expected_version: int | str | None = None
) -> None:
    """Delete a camera in the actor's scope (optimistic version check)."""
    delete_record(instance, actor=actor, expected_version=expected_version, service="camera_delete")


def contribution_create(*, actor: User, data: Mapping[str, Any]) -> Contribution:
    """Create a contribution in the actor's scope."""
    return create_record(Contribution, actor=actor, data=data, service="contribution_create")


def contribution_update(
    *,
    actor: User,
    instance: Contribution,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Contribution:
    """Update a contribution in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="contribution_update",
    )


def contribution_delete(
    *, actor: User, instance: Contribution, expected_version: int | str | None = None
) -> None:
    """Delete a contribution in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="contribution_delete"
    )


def video_extraction_create(*, actor: User, data: Mapping[str, Any]) -> VideoExtraction:
    """Log a request for footage in the actor's scope, as requested by the actor."""
    return create_record(
        VideoExtraction,
        actor=actor,
        data=data,
        service="video_extraction_create",
        read_only=EXTRACTION_READ_ONLY,
        preset={"requested_by": actor},
    )


def video_extraction_update(
    *,
    actor: User,
    instance: VideoExtraction,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> VideoExtraction:
    """Update a footage request in the actor's scope; who requested it stays (version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="video_extraction_update",
        read_only=EXTRACTION_READ_ONLY,
    )


def video_extraction_delete(
    *, actor: User, instance: VideoExtraction, expected_version: int | str | None = None
) -> None:
    """Delete a footage request in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="video_extraction_delete"
    )
