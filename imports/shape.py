"""The shape of an imported row, read from the model's fields: the step between the cell readers
and the entity's service.

The cell readers (``imports.kinds``) turn cells into dates, choices, links among the ward's
records and number text. This step checks what the model's fields say of each value — present
when required, not null, not blank, not too long, a number written with the digits 0-9 and within
its field's range, the field's own validators — and turns it into the value the service takes.
The service then does the rest (scope, links among visible records, ``full_clean``, closed
periods). The words are the ones the API uses for the same mistakes, so an import's report reads
as it always has, and a row's report names every bad cell at once: the service stops at the first
problem it meets, this step checks every field.
"""

import decimal
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.postgres.fields import ArrayField
from django.core import validators
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from wardsecurity.validators import ASCII_DIGITS, is_ascii_decimal, is_ascii_integer

REQUIRED = _("This field is required.")
NULL = _("This field may not be null.")
BLANK = _("This field may not be blank.")
EMPTY_LIST = _("This list may not be empty.")
MAX_LENGTH = _("Ensure this field has no more than {max_length} characters.")
MIN_LENGTH = _("Ensure this field has at least {min_length} characters.")
NULL_CHARACTERS = _("Null characters are not allowed.")
SURROGATES = _("Surrogate characters are not allowed: U+{code_point:X}.")
NUMBER_TOO_LONG = _("String value too large.")
MAX_VALUE = _("Ensure this value is less than or equal to {max_value}.")
MIN_VALUE = _("Ensure this value is greater than or equal to {min_value}.")
MAX_DIGITS = _("Ensure that there are no more than {max_digits} digits in total.")
MAX_PLACES = _("Ensure that there are no more than {max_decimal_places} decimal places.")
MAX_WHOLE_DIGITS = _(
    "Ensure that there are no more than {max_whole_digits} digits before the decimal point."
)

# A number cell longer than this is refused before it is read.
MAX_NUMBER_CHARS = 1000

TEXT, INTEGER, DECIMAL, CHOICE, LINK, LIST, OTHER = (
    "text",
    "integer",
    "decimal",
    "choice",
    "link",
    "list",
    "other",
)


class _Refused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _sort(model_field: models.Field) -> str:
    """Which checks a field's values take."""
    if model_field.many_to_many or isinstance(model_field, ArrayField):
        return LIST
    if model_field.is_relation:
        return LINK
    if model_field.choices:
        return CHOICE
    if isinstance(model_field, models.CharField | models.TextField):
        return TEXT
    if isinstance(model_field, models.IntegerField):
        return INTEGER
    if isinstance(model_field, models.DecimalField):
        return DECIMAL
    return OTHER


class FieldRule:
    """What one model field asks of an imported value, compiled once per import.

    ``max_length``, ``min_value`` and the like are the field's own limits (its length, its
    validators, its database range); ``validators`` are its remaining validators, run in order.
    """

    def __init__(self, model_field: models.Field) -> None:
        self.name = model_field.name
        self.model_field = model_field
        self.sort = _sort(model_field)
        self.null = model_field.null
        self.blank = model_field.blank
        self.required = not (model_field.has_default() or model_field.blank or model_field.null)
        self.max_length: int | None = None
        self.min_length: int | None = None
        self.min_value: Any = None
        self.max_value: Any = None
        self.max_digits: int | None = None
        self.decimal_places: int | None = None
        found = [] if model_field.is_relation else list(model_field.validators)
        if self.sort in (TEXT, CHOICE):
            found = [v for v in found if not isinstance(v, validators.MaxLengthValidator)]
        if self.sort == TEXT:
            self.max_length = model_field.max_length
            if isinstance(model_field, models.CharField):
                self.min_length, found = _take(found, validators.MinLengthValidator)
        if self.sort in (INTEGER, DECIMAL):
            self.max_value, found = _take(found, validators.MaxValueValidator)
            self.min_value, found = _take(found, validators.MinValueValidator)
        if self.sort == DECIMAL and isinstance(model_field, models.DecimalField):
            self.max_digits = model_field.max_digits
            self.decimal_places = model_field.decimal_places
            found = [v for v in found if not isinstance(v, validators.DecimalValidator)]
        self.validators = tuple(found)

    def check(self, value):
        """The value as the service takes it, and None; or None and the first complaint."""
        try:
            return self._check(value), None
        except _Refused as exc:
            return None, exc.message

    def _check(self, value):
        if value is None:
            if not self.null:
                raise _Refused(str(NULL))
            return None
        if self.sort == TEXT:
            return self._text(value)
        if self.sort == INTEGER:
            value = self._integer(value)
        elif self.sort == DECIMAL:
            value = self._decimal(value)
        elif self.sort == LIST:
            if not self.blank and len(value) == 0:
                raise _Refused(str(EMPTY_LIST))
        elif self.sort == OTHER:
            try:
                value = self.model_field.to_python(value)
            except ValidationError as exc:
                raise _Refused(exc.messages[0]) from exc
        self._validate(value, self._limits(value))
        return value

    def _text(self, value: str) -> str:
        text = value.strip()
        if not text:
            if not self.blank:
                raise _Refused(str(BLANK))
            return ""
        self._validate(text, self._text_limits(text))
        return text

    def _text_limits(self, text: str) -> list:
        found = []
        if self.max_length is not None and len(text) > self.max_length:
            found.append(str(MAX_LENGTH).format(max_length=self.max_length))
        if self.min_length is not None and len(text) < self.min_length:
            found.append(str(MIN_LENGTH).format(min_length=self.min_length))
        if "\x00" in text:
            found.append(str(NULL_CHARACTERS))
        for character in text:
            if 0xD800 <= ord(character) <= 0xDFFF:
                found.append(str(SURROGATES).format(code_point=ord(character)))
                break
        return found

    def _integer(self, text: str) -> int:
        if not is_ascii_integer(text):
            raise _Refused(str(ASCII_DIGITS))
        if len(text) > MAX_NUMBER_CHARS:
            raise _Refused(str(NUMBER_TOO_LONG))
        return int(text)

    def _decimal(self, text: str) -> decimal.Decimal:
        if not is_ascii_decimal(text):
            raise _Refused(str(ASCII_DIGITS))
        text = text.strip()
        if len(text) > MAX_NUMBER_CHARS:
            raise _Refused(str(NUMBER_TOO_LONG))
        number = decimal.Decimal(text)
        _sign, digits, exponent = number.as_tuple()
        # The text is ASCII digits, so the number is finite and its exponent an int.
        assert isinstance(exponent, int)
        max_digits, decimal_places = self.max_digits, self.decimal_places
        # Only a decimal field's rule reads decimals, and its limits are set in __init__.
        assert max_digits is not None and decimal_places is not None
        if exponent >= 0:
            total = whole = len(digits) + exponent
            places = 0
        elif len(digits) > -exponent:
            total, places = len(digits), -exponent
            whole = total - places
        else:
            total = places = -exponent
            whole = 0
        if total > max_digits:
            raise _Refused(str(MAX_DIGITS).format(max_digits=max_digits))
        if places > decimal_places:
            raise _Refused(str(MAX_PLACES).format(max_decimal_places=decimal_places))
        if whole > max_digits - decimal_places:
            limit = max_digits - decimal_places
            raise _Refused(str(MAX_WHOLE_DIGITS).format(max_whole_digits=limit))
        context = decimal.getcontext().copy()
        context.prec = max_digits
        return number.quantize(decimal.Decimal(".1") ** decimal_places, context=context)

    def _limits(self, value) -> list:
        found = []
        if self.max_value is not None and value > self.max_value:
            found.append(str(MAX_VALUE).format(max_value=self.max_value))
        if self.min_value is not None and value < self.min_value:
            found.append(str(MIN_VALUE).format(min_value=self.min_value))
        return found

    def _validate(self, value, limits: list) -> None:
        """The field's validators, then its limits: the first complaint is the one reported."""
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as exc:
                raise _Refused(exc.messages[0]) from exc
        if limits:
            raise _Refused(limits[0])


def _take(found: list, kind: type[validators.BaseValidator]) -> tuple[Any, list]:
    """The limit of the first validator of ``kind`` in ``found``, and the others."""
    limit = next((v.limit_value for v in found if isinstance(v, kind)), None)
    return limit, [v for v in found if not isinstance(v, kind)]


def field_rules(model: type[models.Model], names: Iterable[str]) -> dict:
    """name -> FieldRule for the fields of ``model`` named in ``names``, in the model's order."""
    chosen: list[models.Field] = []
    for name in names:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field):
            raise TypeError(f"{model.__name__}.{name} is a reverse relation, not a field")
        chosen.append(field)
    chosen.sort(key=lambda f: f.creation_counter)
    return {f.name: FieldRule(f) for f in chosen}


def check_row(rules: Mapping, data: Mapping, *, partial: bool) -> tuple[dict, dict]:
    """(values the service takes, {field: message}) for one row's ``data``.

    Every field is checked, so the report names every bad cell of the row at once. ``partial``:
    the row updates a record, so a field it leaves out is not missing.
    """
    values, errors = {}, {}
    for name, rule in rules.items():
        if name not in data:
            if not partial and rule.required:
                errors[name] = str(REQUIRED)
            continue
        value, message = rule.check(data[name])
        if message is None:
            values[name] = value
        else:
            errors[name] = message
    return values, errors
