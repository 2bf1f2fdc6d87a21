"""The write layer every entry point shares: role, scope, validation, versions and history.

Forms, the API, imports, tasks and commands call the named services of each app
(``household_create``, ``tip_update`` …). Those are thin wrappers, made by ``make_services``, over
``create_record``, ``update_record`` and ``delete_record`` here, which run the same steps for
every model:

1. the actor may write at all (else ``PermissionDenied``, a 403), may see the model and the record
   (else ``OutOfScope``, a 404 so that existence does not leak);
2. ``data`` names only writable fields (no mass assignment, G5) with values of a sane shape;
3. links are looked up among the records the actor may see, so "another ward's record" and
   "no such record" give the same error text (G3); the field that names the record's ward
   (``ward``, or ``team``/``camera`` for records owned through a parent) answers 404 instead on
   create, and can never move an existing record to another ward;
4. ``full_clean()`` (constraints, same-ward links, clean text), then save, all in one transaction
   inside ``pghistory.context`` so that the history row names the actor and the service (G6).
"""

import copy
import math
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import date, time
from decimal import Decimal

import pghistory
from django.apps import apps
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from wardsecurity.models import SAME_WARD_MESSAGE
from wardsecurity.periods import check_period_open
from wardsecurity.scope import role_may_see
from wardsecurity.validators import is_ascii_decimal, is_ascii_integer

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

    def __init__(self):
        super().__init__(STALE_MESSAGE, code="stale")


def writable_fields(model, read_only=()):
    """The fields a caller may set on ``model``: editable concrete fields and many-to-many."""
    fields = {f.name: f for f in model._meta.concrete_fields if f.editable and not f.primary_key}
    fields.update({f.name: f for f in model._meta.many_to_many if f.editable})
    for name in (*NEVER_WRITABLE, *read_only):
        fields.pop(name, None)
    return fields


def create_record(
    model,
    *,
    actor,
    data,
    service=None,
    read_only=(),
    preset=None,
    before_save=None,
    after_write=None,
):
    """Create a ``model`` record from ``data`` on behalf of ``actor`` and return it.

    ``preset`` holds values the service sets itself (e.g. the requesting user); ``before_save``
    runs on the cleaned record, ``after_write(new=, old=None)`` after it is saved.
    """
    _check_signed_in(actor)
    if not role_may_see(actor, model):
        raise OutOfScope
    if not actor.can_write:
        raise PermissionDenied
    fields = writable_fields(model, read_only)
    _check_names(data, fields)
    with _write_context(actor, service or f"{model._meta.model_name}_create"):
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
        if before_save:
            before_save(record, data=data)
        _save(record, m2m)
        if after_write:
            after_write(new=record, old=None)
    return record


def update_record(
    instance,
    *,
    actor,
    data,
    expected_version=None,
    service=None,
    read_only=(),
    before_save=None,
    after_write=None,
):
    """Apply ``data`` to the current row of ``instance`` and return the saved record.

    The row is locked and, when ``expected_version`` is given, must still carry that version.
    ``instance`` itself is not modified; use the returned record.
    """
    model = type(instance)
    _check_signed_in(actor)
    fields = writable_fields(model, read_only)
    with _write_context(actor, service or f"{model._meta.model_name}_update"):
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
        if before_save:
            before_save(record, data=data)
        _save(record, m2m)
        if after_write:
            after_write(new=record, old=old)
    return record


def delete_record(instance, *, actor, expected_version=None, service=None, after_write=None):
    """Delete the current row of ``instance``; ``after_write(new=None, old=)`` runs after."""
    model = type(instance)
    _check_signed_in(actor)
    with _write_context(actor, service or f"{model._meta.model_name}_delete"):
        record = _lock(instance, actor)
        _check_version(record, expected_version)
        check_period_open(record)
        try:
            with transaction.atomic():
                record.delete()
        except (ProtectedError, RestrictedError) as exc:
            raise ValidationError(PROTECTED_MESSAGE, code="protected") from exc
        if after_write:
            after_write(new=None, old=record)


def make_services(model, noun, *, read_only=(), preset=None, before_save=None, after_write=None):
    """The three named services of ``model``: ``<noun>_create``, ``_update`` and ``_delete``.

    ``preset(actor)`` returns values the create service sets itself; the other options are
    passed to ``create_record``/``update_record``/``delete_record``.
    """
    label = noun.replace("_", " ")
    article = "an" if label[0] in "aeiou" else "a"
    rules = {"read_only": read_only, "before_save": before_save, "after_write": after_write}

    def create(*, actor, data):
        return create_record(
            model,
            actor=actor,
            data=data,
            service=f"{noun}_create",
            preset=preset(actor) if preset else None,
            **rules,
        )

    def update(*, actor, instance, data, expected_version=None):
        return update_record(
            instance,
            actor=actor,
            data=data,
            expected_version=expected_version,
            service=f"{noun}_update",
            **rules,
        )

    def delete(*, actor, instance, expected_version=None):
        return delete_record(
            instance,
            actor=actor,
            expected_version=expected_version,
            service=f"{noun}_delete",
            after_write=after_write,
        )

    docs = {
        create: f"Create {article} {label} in the actor's scope.",
        update: f"Update {article} {label} in the actor's scope (optimistic version check).",
        delete: f"Delete {article} {label} in the actor's scope (optimistic version check).",
    }
    for function, verb in ((create, "create"), (update, "update"), (delete, "delete")):
        function.__name__ = function.__qualname__ = f"{noun}_{verb}"
        function.__module__ = model.__module__.rsplit(".", 1)[0] + ".services"
        function.__doc__ = docs[function]
    return create, update, delete


# Steps ---------------------------------------------------------------------------------------


@contextmanager
def _write_context(actor, service):
    with transaction.atomic(), pghistory.context(user=actor.pk, service=service):
        yield


def _check_signed_in(actor):
    if actor is None or not actor.is_authenticated or not actor.is_active:
        raise PermissionDenied


def _lock(instance, actor):
    """The current row of ``instance``, locked; 404 unless visible, 403 unless writable."""
    visible = type(instance).objects.visible_to(actor).filter(pk=instance.pk)
    if not actor.can_write:
        raise PermissionDenied if visible.exists() else OutOfScope
    # Lock only this row: the scope filter may join the parent (team, camera).
    record = visible.select_for_update(of=("self",)).first()
    if record is None:
        raise OutOfScope
    return record


def _check_names(data, fields):
    if not isinstance(data, Mapping):
        raise ValidationError(MAPPING_MESSAGE, code="invalid")
    unknown = [str(name) for name in data if name not in fields]
    if unknown:
        raise ValidationError(
            {name: ValidationError(NOT_WRITABLE_MESSAGE, code="not_writable") for name in unknown}
        )


def _check_version(record, expected):
    if expected is None:
        return
    if isinstance(expected, str) and is_ascii_integer(expected):
        expected = int(expected)
    if type(expected) is not int or expected != record.version:
        raise StaleVersion


def _owner_field(model):
    """The field that names the record's ward: ``ward``, or the parent it is owned through."""
    return model.ward_path.split("__")[0]


def _apply(record, data, fields, actor, *, creating):
    """Set plain values and visible links on ``record``; return (errors, pending many-to-many)."""
    errors, pending_m2m = {}, {}
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


def _resolve_m2m(record, pending, fields, actor, errors):
    """Many-to-many values as visible records of the record's own ward; errors go to ``errors``."""
    resolved = {}
    for name, values in pending.items():
        if not isinstance(values, list | tuple):
            errors[name] = [ValidationError(LIST_MESSAGE, code="invalid")]
            continue
        targets = [_visible(fields[name].related_model, value, actor) for value in values]
        if any(t is None or t.owner_ward_id != record.owner_ward_id for t in targets):
            errors[name] = [ValidationError(SAME_WARD_MESSAGE, code="other_ward")]
        else:
            resolved[name] = targets
    return resolved


def _visible(model, value, actor):
    """The ``model`` record that ``value`` (a record or an id) names, if the actor may see it.

    Not found, not visible and not an id at all are one answer on purpose (GUARANTEES G3).
    """
    if isinstance(value, models.Model):
        if not isinstance(value, model):
            return None
        value = value.pk
    if isinstance(value, bool) or not hasattr(model.objects, "visible_to"):
        return None
    try:
        pk = model._meta.pk.to_python(value)
    except (ValidationError, TypeError, ValueError, OverflowError):
        return None
    return model.objects.visible_to(actor).filter(pk=pk).first()


def _shape_error(field, value):
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


def _local_time(field, value):
    """A date-time without an offset is Vietnam's local time (and 23:30 stays on its own day)."""
    if not isinstance(field, models.DateTimeField) or value is None:
        return value
    try:
        value = field.to_python(value)
    except ValidationError:
        return value  # full_clean reports it with Django's own message
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _ward_in_scope(actor, ward_id):
    ward_model = apps.get_model("households", "Ward")
    return ward_model.objects.visible_to(actor).filter(pk=ward_id).exists()


def _save(record, m2m):
    """Save (and set many-to-many); a unique clash lost to a concurrent write becomes a 400."""
    try:
        with transaction.atomic():
            record.save()
            for name, targets in m2m.items():
                getattr(record, name).set(targets)
    except IntegrityError as exc:
        raise ValidationError(CONFLICT_MESSAGE, code="conflict") from exc
