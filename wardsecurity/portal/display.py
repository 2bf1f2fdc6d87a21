"""How values read in pages and exports: choice labels, Có/Không, dd/mm/yyyy, 1.234.567 ₫."""

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

YES, NO = _("Yes"), _("No")
EMPTY = "—"


def is_money(model_field) -> bool:
    return model_field.name.endswith("_vnd")


def is_year(model_field) -> bool:
    # Years and codes are numbers that must not be grouped ("2.024").
    return model_field.name == "year" or model_field.name.endswith("_year")


def format_number(value, decimal_pos=None) -> str:
    return number_format(value, decimal_pos=decimal_pos, use_l10n=True, force_grouping=True)


def format_money(value) -> str:
    return f"{format_number(value)} ₫"


def local_datetime(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


def display_value(model_field, value) -> str:
    """``value`` of ``model_field`` as a person reads it (links are the caller's business)."""
    if value is None or value == "":
        return EMPTY
    base = getattr(model_field, "base_field", None)
    if base is not None and isinstance(value, list | tuple):
        labels = dict(base.choices or ())
        return ", ".join(str(labels.get(item, item)) for item in value) or EMPTY
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, dict):  # a JSON mapping (a grading's points per code), keys sorted:
        # PostgreSQL's jsonb keeps its own key order, not the order written
        return "; ".join(f"{key}: {value[key]}" for key in sorted(value)) or EMPTY
    if isinstance(value, bool):
        return str(YES if value else NO)
    if isinstance(value, dt.datetime):
        return date_format(local_datetime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(model_field, models.IntegerField | models.DecimalField) and not isinstance(
        value, str
    ):
        if is_year(model_field):
            return str(value)
        if is_money(model_field):
            return format_money(value)
        if isinstance(value, Decimal):
            value = value.normalize()
            places = max(0, -value.as_tuple().exponent)
            return format_number(value, decimal_pos=places)
        return format_number(value)
    return str(value)
