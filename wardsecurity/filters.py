"""The filter base every app's FilterSet extends: one set serves the API, the portal's lists and
exports, and the selectors' ``filters``."""

import re
from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget
from drf_spectacular.utils import extend_schema_field

from wardsecurity.personal import without_personal
from wardsecurity.search import WordSearch, search_words

BOOLEAN_MESSAGE = _("Enter true or false.")
_BOOLEANS = {"1": True, "0": False, "true": True, "false": False}


class StrictBooleanWidget(BooleanWidget):
    """Like django-filter's, but hands an unknown value on instead of turning it into "any"."""

    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str):
            return _BOOLEANS.get(value.lower(), value)
        return value


class StrictBooleanField(forms.NullBooleanField):
    """``?useful=maybe`` is a 400, not a silently ignored filter (GUARANTEES G12)."""

    widget = StrictBooleanWidget

    def to_python(self, value):
        if value in (None, "", True, False):
            return None if value == "" else value
        raise forms.ValidationError(BOOLEAN_MESSAGE, code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


ID_MESSAGE = _("Enter the id of a record: a whole number from 1, in the digits 0-9.")
MAX_ID = 2**63 - 1  # PostgreSQL's bigint: no id is larger
_ASCII_DIGITS = re.compile(r"[0-9]{1,19}")


class IdField(forms.IntegerField):
    """A record's id: ASCII digits from 1. ``1.5``, ``abc``, ``１`` or ``-1`` are refused, not
    rounded, read as another digit or matched against nothing (GUARANTEES G12)."""

    default_error_messages = {"invalid": ID_MESSAGE}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)  # the UI's number input
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value).strip()
        if not _ASCII_DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_ID:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return int(text)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.Filter):
    """Every filter on a link or an id (``ward``, ``group``, ``camera`` …): typed ``integer`` in
    the schema, so generated clients send ids, never floats. Plain ids, never
    ``ModelChoiceFilter``: that one answers "no such record" for a missing id but an empty page
    for another ward's, which would leak whether the record exists (SPEC §4)."""

    field_class = IdField


class WardRecordFilterSet(django_filters.FilterSet):
    """``ward`` (id), ``ward_code``, and ``search``: accent- and case-insensitive over
    ``search_fields`` ("nguyen van" finds "Nguyễn Văn"), every word in some field.

    Each app's ``search_trigram`` migration indexes ``ws_fold(field)`` for the search fields of
    its large tables; a new search field on a large table needs such an index too.
    ``word_search_fields``, when set, are fields whose folded words a side table stores
    together: ``word_search_table``, the table and its column of the row's id, filled and kept
    current by triggers (``wardsecurity.search_indexes.word_table_sql``, same fields in the same
    order); a search on exactly these fields reads it instead: the same matches, for words of
    any length, and one index scan for all the words (``wardsecurity.search.WordSearch``).
    """

    ward = IdFilter(field_name="ward_id", label=_("ward (id)"))
    ward_code = django_filters.CharFilter(field_name="ward__code", label=_("ward code"))
    search = django_filters.CharFilter(method="filter_search", label=_("search"))

    search_fields: tuple[str, ...] = ()
    word_search_fields: tuple[str, ...] = ()
    word_search_table: tuple[str, str] = ("", "")

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, user=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        # Who asks: the API's request, or the portal's user (lists and exports). Without
        # either (the selectors' ``filters``, internal code) every search field is used.
        self.user = user if user is not None else getattr(request, "user", None)
        if "search" in self.filters and self.search_fields and not self.searched_fields():
            # Personal data is never searched for a role that may not see it (issue 15,
            # item 13): with nothing else to search, there is no search at all; ``?search=``
            # is ignored, whatever it names, and the portal shows no search box.
            del self.filters["search"]

    def searched_fields(self) -> tuple[str, ...]:
        """``search_fields`` less the personal ones, for a user who may not see them."""
        if self.user is None:
            return self.search_fields
        return without_personal(self._meta.model, self.search_fields, self.user)

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    def filter_search(self, queryset, name, value):
        fields = self.searched_fields()
        if not fields:
            return queryset
        words = search_words(value)
        if words and tuple(fields) == self.word_search_fields:
            return queryset.filter(WordSearch(fields, words, *self.word_search_table))
        for word in words:
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{f}__ws_fold__contains": word}) for f in fields))
            )
        return queryset


def date_range(field_name, label):
    """``<field>_after`` / ``<field>_before`` (inclusive, local dates) as SPEC §8 names them."""
    return django_filters.DateFromToRangeFilter(field_name=field_name, label=label)
