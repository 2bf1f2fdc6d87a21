"""Serializers every resource builds on: strict input, scoped links, no silent coercion."""

import re
from collections.abc import Mapping

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from wardsecurity.models import SAME_WARD_MESSAGE
from wardsecurity.services import NOT_WRITABLE_MESSAGE

_ASCII_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*\Z")
_ASCII_DECIMAL = re.compile(r"\s*[+-]?[0-9]+(\.[0-9]+)?\s*\Z")
ASCII_DIGITS = _("Write numbers with the digits 0-9 only, without separators.")


class StrictIntegerField(serializers.IntegerField):
    """An integer, as a JSON number or a string of ASCII digits (``"１２"`` and ``1.5`` refused)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and not _ASCII_INTEGER.match(data)):
            raise serializers.ValidationError(ASCII_DIGITS, code="invalid")
        return super().to_internal_value(data)


class StrictDecimalField(serializers.DecimalField):
    """A decimal, as a JSON number or a string of ASCII digits and one dot."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, str) and not _ASCII_DECIMAL.match(data)):
            raise serializers.ValidationError(ASCII_DIGITS, code="invalid")
        return super().to_internal_value(data)


class ScopedRelatedField(serializers.PrimaryKeyRelatedField):
    """A link by id, resolved only among records the requesting user may see.

    Another ward's record, a missing id and a malformed one give the same message (G3).
    """

    default_error_messages = {
        "does_not_exist": SAME_WARD_MESSAGE,
        "incorrect_type": SAME_WARD_MESSAGE,
    }

    def get_queryset(self):
        queryset = super().get_queryset()
        request = self.context.get("request")
        if request is None or not hasattr(queryset, "visible_to"):
            return queryset.none()
        return queryset.visible_to(request.user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not _ASCII_INTEGER.match(data):
            self.fail("does_not_exist", pk_value=data)
        try:
            return self.get_queryset().get(pk=int(data))
        except (ObjectDoesNotExist, ValueError, OverflowError):
            self.fail("does_not_exist", pk_value=data)


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
