"""The write layer every entry point shares: role, scope, validation, versions and history.

Forms, the API, imports, tasks and commands call the named services of each app
(``household_create``, ``tip_update`` …). Each service is an ordinary function in its app's
``services.py`` that composes the steps below, so a rule of one model is code in the service
that needs it (a team's headcount, a roster recount):

- ``record_write`` opens the write: the actor must be a signed-in, active user (else
  ``PermissionDenied``, a 403); the rest runs in one transaction inside ``pghistory.context``, so
  that the history row names the actor and the service (G6);
- ``prepare_create`` / ``prepare_update`` check and clean a record without saving it:

  1. the actor may see the model and the record (else ``OutOfScope``, a 404 so that existence
     does not leak) and may write at all (else ``PermissionDenied``); an update works on the
     current row, locked, whose version must still be the one the caller saw (G7);
  2. ``data`` names only writable fields (no mass assignment, G5) with values of a sane shape;
  3. links are looked up among the records the actor may see, so "another ward's record" and
     "no such record" give the same error text (G3); the field that names the record's ward
     (``ward``, or ``team``/``camera`` for records owned through a parent) answers 404 instead
     on create, and can never move an existing record to another ward;
  4. ``full_clean()`` (constraints, same-ward links, clean text) and the closed-period check
     (G8), before and after the change for an update;

- ``save_record`` saves the prepared record and its many-to-many links; ``remove_record`` deletes
  the current row (locked, version and closed period checked).

``create_record``, ``update_record`` and ``delete_record`` are those steps in a row, for the
services that add no rule of their own.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Any, cast

import pghistory
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wardsecurity.models import SAME_WARD_MESSAGE, User, WardRecord
from wardsecurity.periods import check_period_open
from wardsecurity.scope import role_may_see
from wardsecurity.validators import is_ascii_decimal, is_ascii_integer

type Errors = dict[str, list[ValidationError]]
type Links = dict[str, list[models.Model]]

# Set by the database or by the write machinery, never by the caller.
NEVER_WRITABLE = frozenset({"id", "version", "created_at", "updated_at"})

NOT_WRITABLE_MESSAGE = _("This field does not exist or cannot be changed.")
STALE_MESSAGE = _(
    "The record has been changed by someone else since you opened it. "
    "Reload it and make your changes again."
)
MOVED_MESSAGE = _("A record cannot be moved to another ward.")
PROTECTED_MESSAGE = _("This record is still used by other records and cannot be deleted.")
CONFLICT_MESSAGE = _("Someone saved the same data at the same moment. Please try again.")
NUMBER_MESSAGE = _("Enter a number written with the digits 0-9.")
WHOLE_NUMBER_MESSAGE = _("Enter a whole number written with the digits 0-9.")
SHAPE_MESSAGE = _("Enter a single value of the right kind.")
LIST_MESSAGE = _("Enter a list of values.")
MAPPING_MESSAGE = _("Send the fields as names with their values.")


class OutOfScope(Http404):
    """The record, its ward or its kind is not visible to the actor: answered as 404 (SPEC §4)."""


class StaleVersion(ValidationError):
    """The write was based on a version of the record that is no longer current (G7)."""

    def __init__(self) -> None:
        super().__init__(STALE_MESSAGE, code="stale")


@dataclass(frozen=True)
class Prepared[M: WardRecord]:
    """A checked and cleaned record, not saved yet, with the many-to-many links to set."""

    record: M
    m2m: Links = field(default_factory=dict)


def writable_fields(
    model: type[models.Model], read_only: Collection[str] = ()
) -> dict[str, models.Field[Any, Any]]:
    """The fields a caller may set on ``model``: editable concrete fields and many-to-many."""
    fields: dict[str, models.Field[Any, Any]] = {
        f.name: f for f in model._meta.concrete_fields if f.editable and not f.primary_key
    }
    fields.update({f.name: f for f in model._meta.many_to_many if f.editable})
    for name in (*NEVER_WRITABLE, *read_only):
        fields.pop(name, None)
    return fields


# The steps a service composes ------------------------------------------------------------------


@contextmanager
def record_write(*, actor: User, service: str) -> Iterator[None]:
    """Run a write of ``actor``: signed in, one transaction, history naming actor and service."""
    _check_signed_in(actor)
    with transaction.atomic(), pghistory.context(user=actor.pk, service=service):
        yield


def prepare_create[M: WardRecord](
    model: type[M],
    *,
    actor: User,
    data: Mapping[str, Any],
    read_only: Collection[str] = (),
    preset: Mapping[str, Any] | None = None,
) -> Prepared[M]:
    """A new ``model`` record from ``data``, checked and cleaned, ready for ``save_record``.

    ``preset`` holds values the service sets itself (e.g. the requesting user); name them in
    ``read_only`` too so that the caller cannot send them. Runs inside ``record_write``.
    """
    if not role_may_see(actor, model):
        raise OutOfScope
    if not actor.can_write:
        raise PermissionDenied
    fields = writable_fields(model, read_only)
    _check_names(data, fields)
    record = model(**(preset or {}))
    errors, pending_m2m = _apply(record, data, fields, actor, creating=True)
    record.derive_fields()
    ward_id = record.owner_ward_id
    if ward_id is not None and not _ward_in_scope(actor, ward_id):
        raise OutOfScope
    m2m = _resolve_m2m(record, pending_m2m, fields, actor, errors)
    if errors:
        raise ValidationError(errors)
    record.full_clean()
    check_period_open(record)
    return Prepared(record, m2m)


def prepare_update[M: WardRecord](
    instance: M,
    *,
    actor: User,
    data: Mapping[str, Any],
    expected_version: int | str | None = None,
    read_only: Collection[str] = (),
) -> tuple[Prepared[M], M]:
    """The current row of ``instance`` with ``data`` applied and cleaned, and the row as it was.

    The row is locked and, when ``expected_version`` is given, must still carry that version.
    ``instance`` itself is not modified. Runs inside ``record_write``.
    """
    model = type(instance)
    fields = writable_fields(model, read_only)
    record = _lock(instance, actor)
    _check_names(data, fields)
    _check_version(record, expected_version)
    check_period_open(record)
    old = copy.copy(record)
    errors, pending_m2m = _apply(record, data, fields, actor, creating=False)
    record.derive_fields()
    if record.owner_ward_id != old.owner_ward_id:
        errors[_owner_field(model)] = [ValidationError(MOVED_MESSAGE, code="ward_change")]
    m2m = _resolve_m2m(record, pending_m2m, fields, actor, errors)
    if errors:
        raise ValidationError(errors)
    record.full_clean()
    check_period_open(record)
    return Prepared(record, m2m), old


def save_record[M: WardRecord](prepared: Prepared[M]) -> M:
    """Save the record and its many-to-many links, and return it.

    A unique clash lost to a concurrent write (after ``full_clean`` passed) becomes a 400.
    """
    record = prepared.record
    try:
        with transaction.atomic():
            record.save()
            for name, targets in prepared.m2m.items():
                getattr(record, name).set(targets)
    except IntegrityError as exc:
        raise ValidationError(CONFLICT_MESSAGE, code="conflict") from exc
    return record


def remove_record[M: WardRecord](
    instance: M, *, actor: User, expected_version: int | str | None = None
) -> M:
    """Delete the current row of ``instance`` and return it as it was.

    The row is locked, its version checked like an update's, and it may not lie in a closed
    period. Runs inside ``record_write``.
    """
    record = _lock(instance, actor)
    _check_version(record, expected_version)
    check_period_open(record)
    try:
        with transaction.atomic():
            record.delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(PROTECTED_MESSAGE, code="protected") from exc
    return record


# The steps in a row, for services without a rule of their own ---------------------------------


def create_record[M: WardRecord](
    model: type[M],
    *,
    actor: User,
    data: Mapping[str, Any],
    service: str,
    read_only: Collection[str] = (),
    preset: Mapping[str, Any] | None = None,
) -> M:
    """Create a ``model`` record from ``data`` on behalf of ``actor`` and return it."""
    with record_write(actor=actor, service=service):
        prepared = prepare_create(model, actor=actor, data=data, read_only=read_only, preset=preset)
        return save_record(prepared)


def update_record[M: WardRecord](
    instance: M,
    *,
    actor: User,
    data: Mapping[str, Any],
    service: str,
    expected_version: int | str | None = None,
    read_only: Collection[str] = (),
) -> M:
    """Apply ``data`` to the current row of ``instance`` and return the saved record."""
    with record_write(actor=actor, service=service):
        prepared, _old = prepare_update(
            instance,
            actor=actor,
            data=data,
            expected_version=expected_version,
            read_only=read_only,
        )
        return save_record(prepared)


def delete_record[M: WardRecord](
    instance: M, *, actor: User, service: str, expected_version: int | str | None = None
) -> M:
    """Delete the current row of ``instance`` and return it as it was."""
    with record_write(actor=actor, service=service):
        return remove_record(instance, actor=actor, expected_version=expected_version)


# Checks ----------------------------------------------------------------------------------------


def _check_signed_in(actor: User | AnonymousUser | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied


def _lock[M: WardRecord](instance: M, actor: User) -> M:
    """The current row of ``instance``, locked; 404 unless visible, 403 unless writable."""
    visible = type(instance).objects.visible_to(actor).filter(pk=instance.pk)
    if not actor.can_write:
        raise PermissionDenied if visible.exists() else OutOfScope
    # Lock only this row: the scope filter may join the parent (team, camera).
    record = visible.select_for_update(of=("self",)).first()
    if record is None:
        raise OutOfScope
    return cast("M", record)


def _check_names(data: object, fields: Mapping[str, models.Field[Any, Any]]) -> None:
    if not isinstance(data, Mapping):
        raise ValidationError(MAPPING_MESSAGE, code="invalid")
    unknown = [str(name) for name in data if name not in fields]
    if unknown:
        raise ValidationError(
            {name: ValidationError(NOT_WRITABLE_MESSAGE, code="not_writable") for name in unknown}
        )


def _check_version(record: WardRecord, expected: int | str | None) -> None:
    if expected is None:
        return
    if isinstance(expected, str) and is_ascii_integer(expected):
        expected = int(expected)
    if type(expected) is not int or expected != record.version:
        raise StaleVersion


def _owner_field(model: type[WardRecord]) -> str:
    """The field that names the record's ward: ``ward``, or the parent it is owned through."""
    return model.ward_path.split("__")[0]


def _ward_in_scope(actor: User, ward_id: int) -> bool:
    rows = _visible_rows(apps.get_model("households", "Ward"), actor)
    return rows is not None and rows.filter(pk=ward_id).exists()


# Values and links ------------------------------------------------------------------------------


def _apply(
    record: WardRecord,
    data: Mapping[str, Any],
    fields: Mapping[str, models.Field[Any, Any]],
    actor: User,
    *,
    creating: bool,
) -> tuple[Errors, dict[str, Any]]:
    """Set plain values and visible links on ``record``; return (errors, pending many-to-many)."""
    errors: Errors = {}
    pending_m2m: dict[str, Any] = {}
    owner = _owner_field(type(record))
    for name, value in data.items():
        field = fields[name]
        if field.many_to_many:
            pending_m2m[name] = value
        elif field.is_relation:
            target = None if value is None else _visible(field.related_model, value, actor)
            if value is None or target is not None:
                setattr(record, name, target)
            elif name == owner and creating:
                raise OutOfScope
            elif name == owner:
                errors[name] = [ValidationError(MOVED_MESSAGE, code="ward_change")]
            else:
                errors[name] = [ValidationError(SAME_WARD_MESSAGE, code="other_ward")]
        elif error := _shape_error(field, value):
            errors[name] = [error]
        else:
            setattr(record, field.attname, _local_time(field, value))
    return errors, pending_m2m


def _resolve_m2m(
    record: WardRecord,
    pending: Mapping[str, Any],
    fields: Mapping[str, models.Field[Any, Any]],
    actor: User,
    errors: Errors,
) -> Links:
    """Many-to-many values as visible records of the record's own ward; errors go to ``errors``."""
    resolved: Links = {}
    for name, values in pending.items():
        if not isinstance(values, list | tuple):
            errors[name] = [ValidationError(LIST_MESSAGE, code="invalid")]
            continue
        targets = [_visible(fields[name].related_model, value, actor) for value in values]
        ward_id = record.owner_ward_id
        if any(t is None or getattr(t, "owner_ward_id", None) != ward_id for t in targets):
            errors[name] = [ValidationError(SAME_WARD_MESSAGE, code="other_ward")]
        else:
            resolved[name] = [t for t in targets if t is not None]
    return resolved


def _visible_rows(model: object, actor: User) -> models.QuerySet[Any] | None:
    """The ``model`` records the actor may see; ``None`` for a model that has no scope."""
    visible_to = getattr(getattr(model, "objects", None), "visible_to", None)
    return None if visible_to is None else cast("models.QuerySet[Any]", visible_to(actor))


def _visible(model: object, value: object, actor: User) -> models.Model | None:
    """The ``model`` record that ``value`` (a record or an id) names, if the actor may see it.

    Not found, not visible and not an id at all are one answer on purpose (GUARANTEES G3).
    """
    if not (isinstance(model, type) and issubclass(model, models.Model)):
        return None
    if isinstance(value, models.Model):
        if not isinstance(value, model):
            return None
        value = value.pk
    rows = _visible_rows(model, actor)
    if isinstance(value, bool) or rows is None:
        return None
    try:
        pk = model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError, OverflowError):
        return None
    return cast("models.Model | None", rows.filter(pk=pk).first())


def _shape_error(field: models.Field[Any, Any], value: object) -> ValidationError | None:
    """Refuse values Django would silently coerce (``int("٣")``, ``int(1.5)``) or crash on.

    Everything else (ranges, dates like 2024-02-30, choices, clean text) is left to full_clean.
    """
    if value is None:
        return None
    if isinstance(field, ArrayField):
        ok = isinstance(value, list | tuple)
        return None if ok else ValidationError(LIST_MESSAGE, code="invalid")
    if isinstance(field, models.IntegerField | models.DecimalField):
        whole = isinstance(field, models.IntegerField)
        if isinstance(value, str):
            ok = (is_ascii_integer if whole else is_ascii_decimal)(value)
        elif isinstance(value, float):
            ok = math.isfinite(value) and (not whole or value.is_integer())
        elif isinstance(value, Decimal):
            ok = value.is_finite() and (not whole or value == value.to_integral_value())
        else:
            ok = isinstance(value, int) and not isinstance(value, bool)
        message = WHOLE_NUMBER_MESSAGE if whole else NUMBER_MESSAGE
        return None if ok else ValidationError(message, code="invalid")
    if isinstance(field, models.CharField | models.TextField):
        ok = isinstance(value, str)
    elif isinstance(field, models.DateField | models.TimeField):
        ok = isinstance(value, str | date | time)
    else:
        ok = not isinstance(value, list | tuple | dict | set | bytes | bytearray)
    return None if ok else ValidationError(SHAPE_MESSAGE, code="invalid")


def _local_time(field: models.Field[Any, Any], value: object) -> object:
    """A date-time without an offset is Vietnam's local time (and 23:30 stays on its own day)."""
    if not isinstance(field, models.DateTimeField) or value is None:
        return value
    try:
        moment = field.to_python(value)
    except ValidationError:
        return value  # full_clean reports it with Django's own message
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
