"""The shape step of an imported row (``imports.shape``): what a value must look like by its model
field, in the words the API uses for the same mistakes, with every field of a row checked."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MinLengthValidator
from django.db import models
from django.utils import translation

from cameras.models import Camera
from households.models import Household
from imports.shape import FieldRule, check_row, field_rules
from movement.models import Commitment, Team

DIGITS = "Write numbers with the digits 0-9 only, without separators."
CODE = (
    "A code may contain only the digits 0-9, unaccented letters and . _ / - "
    "(full-width or other digits are not accepted)."
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def rule(model, name):
    return FieldRule(model._meta.get_field(name))


@pytest.mark.parametrize(
    "value,expected",
    [
        ("  HK-1 ", ("HK-1", None)),
        ("   ", (None, "This field may not be blank.")),
        ("HK 1", (None, CODE)),
        # The field's own validators come before its length.
        ("Ｃ" * 31, (None, CODE)),
        ("C" * 31, (None, "Ensure this field has no more than 30 characters.")),
    ],
)
def test_text_is_stripped_and_checked_by_its_field(value, expected):
    assert rule(Household, "code").check(value) == expected


def test_a_blank_text_may_be_empty_when_its_field_allows_it():
    assert rule(Household, "phone").check("  ") == ("", None)


def test_null_characters_and_surrogates_are_refused():
    head = rule(Household, "head_name")
    assert head.check("An\x00") == (None, "Null characters are not allowed.")
    assert head.check("An\udc80") == (None, "Surrogate characters are not allowed: U+DC80.")


def test_a_min_length_validator_becomes_a_length_limit():
    field = models.CharField(max_length=5, validators=[MinLengthValidator(2)])
    assert FieldRule(field).check("a") == (None, "Ensure this field has at least 2 characters.")
    assert FieldRule(field).check("ab") == ("ab", None)


@pytest.mark.parametrize(
    "value,expected",
    [
        ("4", (4, None)),
        (" 12 ", (12, None)),
        ("１２", (None, DIGITS)),
        ("1.500", (None, DIGITS)),
        ("-3", (None, "Ensure this value is greater than or equal to 1.")),
        ("0", (None, "Ensure this value is greater than or equal to 1.")),
        ("40000", (None, "Ensure this value is less than or equal to 32767.")),
        ("9" * 1001, (None, "String value too large.")),
    ],
)
def test_whole_numbers_are_ascii_digits_within_the_fields_range(value, expected):
    assert rule(Household, "member_count").check(value) == expected


def test_a_fields_own_number_validator_comes_before_its_range():
    assert rule(Commitment, "year").check("1944") == (None, "Enter a year between 1945 and 2100.")


@pytest.mark.parametrize(
    "value,expected",
    [
        ("12.5", (Decimal("12.500000"), None)),
        ("1,5", (None, DIGITS)),
        ("12.12345678", (None, "Ensure that there are no more than 9 digits in total.")),
        ("1.1234567", (None, "Ensure that there are no more than 6 decimal places.")),
        ("1234", (None, "Ensure that there are no more than 3 digits before the decimal point.")),
        ("90.5", (None, "Ensure this value is less than or equal to 90.")),
    ],
)
def test_decimals_keep_their_fields_digits_and_range(value, expected):
    assert rule(Camera, "latitude").check(value) == expected


def test_dates_and_empty_values():
    assert rule(Camera, "installed_on").check("2024-03-01") == (dt.date(2024, 3, 1), None)
    future = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    assert rule(Camera, "installed_on").check(future) == (
        None,
        "This date cannot be in the future.",
    )
    assert rule(Camera, "installed_on").check(None) == (None, "This field may not be null.")
    assert rule(Camera, "removed_on").check(None) == (None, None)


def test_a_list_may_be_empty_only_when_its_field_may_be_blank():
    assert rule(Team, "groups").check([]) == ([], None)
    field = ArrayField(models.CharField(max_length=5))
    assert FieldRule(field).check([]) == (None, "This list may not be empty.")


def test_a_row_is_checked_field_by_field_in_the_models_order():
    rules = field_rules(Household, ["member_count", "code", "head_name", "group", "phone"])
    assert list(rules) == ["group", "code", "head_name", "member_count", "phone"]
    values, errors = check_row(rules, {"code": "HK 1", "member_count": "0"}, partial=False)
    assert values == {}
    assert errors == {
        "group": "This field is required.",
        "code": CODE,
        "head_name": "This field is required.",
        "member_count": "Ensure this value is greater than or equal to 1.",
    }
    # Updating a record, a field the row leaves out is not missing.
    assert check_row(rules, {"member_count": "3"}, partial=True) == ({"member_count": 3}, {})
