"""Writes for tips, incidents and hotspots; tips and incidents are police-only (sensitive).

An incident's police-statistics rules (``incidents.models.case_rule_errors``: a crime's severity
under Penal Code art. 9, clearance of crimes only, deaths, injuries and damage of accidents and
fires only, suspects handled within the suspects) are checked by ``Incident.clean``, which
the shared write steps run (``prepare_create``/``prepare_update``: ``full_clean``) before the
database constraints that hold the same rules: so every path through these services — the API,
the portal, the admin, imports — refuses a bad record naming the field, and saves nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from incidents.models import Hotspot, Incident, Tip
from wardsecurity.models import User
from wardsecurity.services import create_record, delete_record, update_record


def tip_create(*, actor: User, data: Mapping[str, Any]) -> Tip:
    """Create a tip in the actor's scope."""
    return create_record(Tip, actor=actor, data=data, service="tip_create")


def tip_update(
    *,
    actor: User,
    instance: Tip,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Tip:
    """Update a tip in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="tip_update",
    )


def tip_delete(*, actor: User, instance: Tip, expected_version: int | str | None = None) -> None:
    """Delete a tip in the actor's scope (optimistic version check)."""
    delete_record(instance, actor=actor, expected_version=expected_version, service="tip_delete")


def incident_create(*, actor: User, data: Mapping[str, Any]) -> Incident:
    """Create an incident in the actor's scope (police-statistics rules: module docstring)."""
    return create_record(Incident, actor=actor, data=data, service="incident_create")


def incident_update(
    *,
    actor: User,
    instance: Incident,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Incident:
    """Update an incident in the actor's scope (version check; the rules hold after the change)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="incident_update",
    )


def incident_delete(
    *, actor: User, instance: Incident, expected_version: int | str | None = None
) -> None:
    """Delete an incident in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="incident_delete"
    )


def hotspot_create(*, actor: User, data: Mapping[str, Any]) -> Hotspot:
    """Create a hotspot in the actor's scope."""
    return create_record(Hotspot, actor=actor, data=data, service="hotspot_create")


def hotspot_update(
    *,
    actor: User,
    instance: Hotspot,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Hotspot:
    """Update a hotspot in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="hotspot_update",
    )


def hotspot_delete(
    *, actor: User, instance: Hotspot, expected_version: int | str | None = None
) -> None:
    """Delete a hotspot in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="hotspot_delete"
    )
