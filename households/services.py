"""Writes for residential groups, households and organisations (every entry point calls these)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from households.models import Household, Organisation, ResidentialGroup
from wardsecurity.models import User
from wardsecurity.services import create_record, delete_record, update_record


def residential_group_create(*, actor: User, data: Mapping[str, Any]) -> ResidentialGroup:
    """Create a residential group in the actor's scope."""
    return create_record(
        ResidentialGroup, actor=actor, data=data, service="residential_group_create"
    )


def residential_group_update(
    *,
    actor: User,
    instance: ResidentialGroup,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> ResidentialGroup:
    """Update a residential group in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="residential_group_update",
    )


def residential_group_delete(
    *, actor: User, instance: ResidentialGroup, expected_version: int | str | None = None
) -> None:
    """Delete a residential group in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="residential_group_delete"
    )


def household_create(*, actor: User, data: Mapping[str, Any]) -> Household:
    """Create a household in the actor's scope."""
    return create_record(Household, actor=actor, data=data, service="household_create")


def household_update(
    *,
    actor: User,
    instance: Household,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Household:
    """Update a household in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="household_update",
    )


def household_delete(
    *, actor: User, instance: Household, expected_version: int | str | None = None
) -> None:
    """Delete a household in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="household_delete"
    )


def organisation_create(*, actor: User, data: Mapping[str, Any]) -> Organisation:
    """Create an organisation in the actor's scope."""
    return create_record(Organisation, actor=actor, data=data, service="organisation_create")


def organisation_update(
    *,
    actor: User,
    instance: Organisation,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
) -> Organisation:
    """Update an organisation in the actor's scope (optimistic version check)."""
    return update_record(
        instance,
        actor=actor,
        data=data,
        expected_version=expected_version,
        service="organisation_update",
    )


def organisation_delete(
    *, actor: User, instance: Organisation, expected_version: int | str | None = None
) -> None:
    """Delete an organisation in the actor's scope (optimistic version check)."""
    delete_record(
        instance, actor=actor, expected_version=expected_version, service="organisation_delete"
    )
