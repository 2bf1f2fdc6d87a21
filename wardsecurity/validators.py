"""Validators shared by every app: clean text, ASCII codes, sane years.

Text is normalised to NFC and stripped before validation (``normalise_text``) so that names typed
in NFC or NFD compare equal; what cannot be normalised safely is refused with a clear message.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Zero-width characters and bidirectional controls: invisible, and used to disguise text.
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# C0/C1 control characters other than tab and line breaks (NUL makes PostgreSQL fail).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# ASCII only on purpose: \d would accept full-width and Arabic-Indic digits. These patterns are
# the one definition of "a number" and "a code" that the models, forms, serializers, services and
# the import fast path share.
CODE_PATTERN = re.compile(r"[0-9A-Za-z][0-9A-Za-z._/-]*\Z")
ASCII_INTEGER = re.compile(r"\s*[+-]?[0-9]+\s*\Z")
ASCII_DECIMAL = re.compile(r"\s*[+-]?[0-9]+(\.[0-9]+)?\s*\Z")
ASCII_DIGITS = _("Write numbers with the digits 0-9 only, without separators.")


def is_ascii_integer(text: str) -> bool:
    """Whether ``text`` is a whole number written with the digits 0-9 (spaces around allowed)."""
    return ASCII_INTEGER.match(text) is not None


def is_ascii_decimal(text: str) -> bool:
    """Whether ``text`` is a number written with the digits 0-9 and at most one dot."""
    return ASCII_DECIMAL.match(text) is not None


def normalise_text(value):
    """NFC-normalise and strip a string; other values pass through."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    return value


def validate_clean_text(value):
    """Refuse control characters (NUL included) and invisible formatting characters."""
    if not isinstance(value, str):
        return
    if _CONTROL.search(value):
        raise ValidationError(
            _("The text contains control characters (such as NUL) that are not allowed."),
            code="control_characters",
        )
    if _INVISIBLE.search(value):
        raise ValidationError(
            _("The text contains invisible or text-direction characters that are not allowed."),
            code="invisible_characters",
        )


def validate_code(value):
    """A record code: ASCII letters and digits 0-9, with . _ / - inside."""
    if not CODE_PATTERN.match(value or ""):
        raise ValidationError(
            _(
                "A code may contain only the digits 0-9, unaccented letters and . _ / - "
                "(full-width or other digits are not accepted)."
            ),
            code="invalid_code",
        )


def validate_not_future(value):
    """A date or time that must already have happened (naive times are Vietnam local time)."""
    if not value:
        return
    if hasattr(value, "hour"):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        now = timezone.now()
    else:
        now = timezone.localdate()
    if value > now:
        raise ValidationError(_("This date cannot be in the future."), code="future")


def validate_year(value):
    if value is not None and not 1945 <= value <= 2100:
        raise ValidationError(_("Enter a year between 1945 and 2100."), code="year_range")


def validate_birth_year(value):
    if value is not None and not 1900 <= value <= timezone.localdate().year:
        raise ValidationError(
            _("Enter a birth year between 1900 and the current year."), code="birth_year"
        )


def fold_accents(value: str) -> str:
    """Lower-case, accent-free form of a Vietnamese name: "Phường Ba Ngòi" -> "phuong ba ngoi"."""
    decomposed = unicodedata.normalize("NFD", value.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()
