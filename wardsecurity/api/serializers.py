"""Serializers every resource builds on: strict input, scoped links, no silent coercion."""

import copy
import datetime
import decimal
import functools
import inspect
import keyword
import uuid
from collections.abc import Mapping

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.core.signals import setting_changed
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.dispatch import receiver
from django.utils.text import capfirst
from rest_framework import serializers

from wardsecurity.history import EVENT_KINDS
from wardsecurity.models import SAME_WARD_MESSAGE
from wardsecurity.personal import hidden_fields
from wardsecurity.services import NOT_WRITABLE_MESSAGE
from wardsecurity.validators import ASCII_DIGITS, is_ascii_decimal, is_ascii_integer


class StrictIntegerField(serializers.IntegerField):
    """An integer, as a JSON number or a string of ASCII digits (``"１２"`` and ``1.5`` refused)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and not is_ascii_integer(data)):
            raise serializers.ValidationError(ASCII_DIGITS, code="invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A decimal, as a JSON number or a string of ASCII digits and one dot."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and not is_ascii_decimal(data)):
            raise serializers.ValidationError(ASCII_DIGITS, code="invalid")
        return super().to_internal_value(data)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A link by id, resolved only among records the requesting user may see.

    Another ward's record, a missing id and a malformed one give the same message and the same
    code, ``other_ward``, as the services give an administrator naming another ward's record
    (G3: the typed error body shows the code, so it must not tell them apart either).
    """

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None or not hasattr(queryset, "visible_to"):
            return queryset.none()
        return queryset.visible_to(request.user)

    def to_internal_value(self, data):
        refused = serializers.ValidationError(SAME_WARD_MESSAGE, code="other_ward")
        if isinstance(data, bool) or not isinstance(data, int | str):
            raise refused
        if isinstance(data, str) and not is_ascii_integer(data):
            raise refused
        try:
            return self.get_queryset().get(pk=int(data))
        except (ObjectDoesNotExist, ValueError, OverflowError):
            raise refused from None


class RefuseUnknownFieldsMixin:
    """A write naming a field the serializer does not accept is refused, not ignored (G5)."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = [str(name) for name in data if name not in writable]
            if unknown:
                raise serializers.ValidationError(
                    {name: [NOT_WRITABLE_MESSAGE] for name in unknown}, code="not_writable"
                )
        return super().to_internal_value(data)


class StrictSerializer(RefuseUnknownFieldsMixin, serializers.Serializer):
    """A plain serializer (an action's input) that refuses unknown fields."""


class WardRecordSerializer(RefuseUnknownFieldsMixin, serializers.ModelSerializer):
    """Base of every resource's serializer.

    Unknown and read-only fields in a write are refused (G5); uniqueness and cross-record rules
    are left to the services and the database, which give the same answers to every entry point.
    """

    serializer_related_field = ScopedRelatedField
    # Lists take LeanRepresentation when every readable field qualifies; False keeps DRF's path.
    lean_list = True
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.IntegerField: StrictIntegerField,
        models.BigIntegerField: StrictIntegerField,
        models.PositiveIntegerField: StrictIntegerField,
        models.PositiveSmallIntegerField: StrictIntegerField,
        models.SmallIntegerField: StrictIntegerField,
        models.DecimalField: StrictDecimalField,
    }

    def get_validators(self):
        return []

    def to_representation(self, instance):
        """The record's JSON; its personal fields are null for a user who may not see them
        (``wardsecurity.personal``; the schema marks them nullable in answers). Without a
        request (code, not a client, asks) every field is shown."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is None:
            return data
        hidden = hidden_fields(self.Meta.model, getattr(request, "user", None))
        if hidden:
            for name, field in self.fields.items():
                if name in data and field.source_attrs and field.source_attrs[0] in hidden:
                    data[name] = None
        return data


# History ---------------------------------------------------------------------------------------


class HistoryValueField(serializers.JSONField):
    """A value of a record at one event, as the resource's own fields show it (a link as its id,
    a decimal as a string, a date-time in the portal's time zone)."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        if isinstance(value, decimal.Decimal):
            return str(value)
        if isinstance(value, datetime.datetime):
            return serializers.DateTimeField().to_representation(value)
        if isinstance(value, datetime.date | datetime.time):
            return value.isoformat()
        if isinstance(value, uuid.UUID):
            return str(value)
        return value


class HistoryActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()


class LabelField(serializers.CharField):
    """A field's label in the request's language, with a capital letter."""

    def to_representation(self, value):
        return capfirst(str(value))


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField(
        source="field.name", help_text="The field's name, as in the resource."
    )
    # (A declared field named like a Field attribute: DRF's metaclass takes it out of the class.)
    label = LabelField(  # type: ignore[assignment]
        source="field.verbose_name", help_text="The field's label in the request's language."
    )
    old = HistoryValueField(
        help_text="The value before the change; null on creation, and for personal data the "
        "caller may not see."
    )
    new = HistoryValueField(
        help_text="The value after the change; null for personal data the caller may not see."
    )


class HistoryEntry(serializers.Serializer):
    """One event of a record's history (``wardsecurity.history.RecordEvent``)."""

    id = serializers.IntegerField(help_text="The event's id: increasing, unique.")
    at = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=EVENT_KINDS)
    actor = HistoryActorSerializer(
        allow_null=True, help_text="The user who made the change; null for the system."
    )
    context = serializers.CharField(  # type: ignore[assignment]
        source="command",
        allow_null=True,
        help_text="The management command that made the change, if one did.",
    )
    changes = HistoryChangeSerializer(many=True)


# Lean lists --------------------------------------------------------------------------------------

# ``to_representation`` implementations that read nothing but the field's own options, the
# settings and the active time zone: a field built once can represent every request's values. A
# subclass that overrides ``to_representation`` is not in this set and keeps DRF's own path.
_CONTEXT_FREE_REPRESENTATIONS = frozenset(
    cls.to_representation
    for cls in (
        serializers.BigIntegerField,
        serializers.BooleanField,
        serializers.CharField,
        serializers.ChoiceField,
        serializers.DateField,
        serializers.DateTimeField,
        serializers.DecimalField,
        serializers.DurationField,
        serializers.FloatField,
        serializers.IntegerField,
        serializers.JSONField,
        serializers.TimeField,
        serializers.UUIDField,
    )
)
# Class attributes of a serializer that cannot change how a record is represented.
_INERT_NAMES = frozenset({"Meta", "__dict__", "__weakref__"})


class LeanRepresentation:
    """A list page read as ``values_list`` rows and turned into the serializer's exact JSON.

    DRF builds a page by making a model instance per row, rebuilding the serializer's fields and
    walking every field's ``get_attribute`` and ``to_representation``; on a 50-row page of a
    million households that Python is most of the response time. When every readable field of a
    serializer shows one column of its model, the rows are read as tuples and each value goes
    through that same field's ``to_representation``: same keys, same order, same values (held
    together by ``tests/wardsecurity/test_list_representation.py``).
    """

    def __init__(self, *, columns, fields):
        self.columns = columns
        # (JSON key, position in the row, the field, or None when the value is shown as read)
        self.fields = fields

    def rows(self, queryset):
        """``queryset``'s rows as named tuples, ``pk`` first (cursor links read it)."""
        return queryset.prefetch_related(None).values_list("pk", *self.columns, named=True)

    def represent(self, rows, *, hidden=frozenset()):
        """``rows`` as JSON objects; the columns named in ``hidden`` (personal fields the user
        may not see) are null, as ``WardRecordSerializer.to_representation`` makes them."""
        masked = {index for index, column in enumerate(self.columns, start=1) if column in hidden}
        fields = [
            (name, index, None if field is None else _converter(field))
            for name, index, field in self.fields
        ]
        if masked:
            return [
                {
                    name: (
                        None
                        if index in masked
                        else value
                        if (value := row[index]) is None or convert is None
                        else convert(value)
                    )
                    for name, index, convert in fields
                }
                for row in rows
            ]
        return [
            {
                name: (
                    value if (value := row[index]) is None or convert is None else convert(value)
                )
                for name, index, convert in fields
            }
            for row in rows
        ]


def _converter(field):
    """``field.to_representation``, with the request's time zone looked up once, not per value."""
    if (
        isinstance(field, serializers.DateTimeField)
        and type(field).enforce_timezone is serializers.DateTimeField.enforce_timezone
        and not hasattr(field, "timezone")
    ):
        field = copy.copy(field)
        field.timezone = field.default_timezone()
    return field.to_representation


def _column_of(field, model):
    """``(attname, field)`` when ``field`` shows one column of ``model`` as DRF would read it.

    The field is None when the column's value is its representation (a related id). None for a
    field that needs the instance, a join or the request.
    """
    if len(field.source_attrs) != 1:
        return None
    try:
        model_field = model._meta.get_field(field.source_attrs[0])
    except FieldDoesNotExist:
        return None
    if not model_field.concrete or model_field.many_to_many:
        return None
    if isinstance(field, serializers.RelatedField):
        if (
            model_field.many_to_one
            and field.pk_field is None
            and field.use_pk_only_optimization()
            and type(field).get_attribute is serializers.RelatedField.get_attribute
            and type(field).to_representation
            is serializers.PrimaryKeyRelatedField.to_representation
        ):
            return model_field.attname, None
        return None
    if (
        model_field.is_relation
        or type(field).get_attribute is not serializers.Field.get_attribute
        # Another descriptor (a file's, say) changes what the attribute holds.
        or type(inspect.getattr_static(model, model_field.attname, None)) is not DeferredAttribute
    ):
        return None
    if isinstance(field, serializers.ListField):
        if (
            type(field).to_representation is serializers.ListField.to_representation
            and type(field.child).to_representation in _CONTEXT_FREE_REPRESENTATIONS
        ):
            return model_field.attname, field
        return None
    if type(field).to_representation in _CONTEXT_FREE_REPRESENTATIONS:
        return model_field.attname, field
    return None


def _row_member(name: str) -> bool:
    """Whether a column can name a member of the named rows ``values_list`` returns."""
    return name.isidentifier() and not keyword.iskeyword(name) and not name.startswith("_")


def _is_declarative(serializer_class) -> bool:
    """Nothing between ``serializer_class`` and WardRecordSerializer but fields and plain data.

    A method, property or other descriptor there could change the representation.
    """
    for cls in serializer_class.__mro__:
        if cls is WardRecordSerializer:
            return True
        for name, value in vars(cls).items():
            if name in _INERT_NAMES or isinstance(value, serializers.Field):
                continue
            if callable(value) or hasattr(value, "__get__"):
                return False
    return False


@functools.cache
def lean_representation(serializer_class) -> LeanRepresentation | None:
    """The lean path of ``serializer_class``'s lists, or None when they take DRF's own.

    Built once per class: the fields qualify only if they hold nothing of a request. Forgotten
    when DRF's settings or the time zone settings change.
    """
    if not (getattr(serializer_class, "lean_list", False) and _is_declarative(serializer_class)):
        return None
    model = serializer_class.Meta.model
    columns, fields = ["pk"], []
    for name, field in serializer_class().fields.items():
        if field.write_only:
            continue
        column = _column_of(field, model)
        if column is None or not _row_member(column[0]):
            return None
        attname, shown_by = column
        if attname not in columns:
            columns.append(attname)
        fields.append((name, columns.index(attname), shown_by))
    return LeanRepresentation(columns=tuple(columns[1:]), fields=tuple(fields))


@receiver(setting_changed)
def _forget_lean_representations(*, setting, **kwargs):
    if setting in {"REST_FRAMEWORK", "USE_TZ", "TIME_ZONE"}:
        lean_representation.cache_clear()
