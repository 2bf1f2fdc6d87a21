"""The filter base every resource's FilterSet extends (the same sets serve UI lists and exports)."""

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db import models
from django.db.models import Q, Transform
from django.utils.translation import gettext_lazy as _
from django_filters.widgets import BooleanWidget

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


MAX_SEARCH_WORDS = 10


class Fold(Transform):
    """``public.ws_fold(col)``: upper case without accents, the IMMUTABLE wrapper around
    ``unaccent`` (wardsecurity migration 0004) that the trigram search indexes are built on.

    Bilateral, so the user's word is folded by the same SQL function, then LIKE-escaped after
    folding (Django escapes in SQL when the right-hand side is transformed): the term can never
    fold differently from the column, and the planner computes the constant pattern before it
    picks the index.
    """

    bilateral = True
    lookup_name = "ws_fold"
    function = "public.ws_fold"
    output_field = models.TextField()


models.CharField.register_lookup(Fold)
models.TextField.register_lookup(Fold)


def search_words(value: str) -> list[str]:
    """The words a search filters on: every one, so "le van tam" does not find "Nguyễn Văn Tám".

    A trigram index can only serve words of at least three letters. Beside such a word, a
    shorter one ("le", "ta") only filters the rows the index found, which costs little; a search
    of short words alone folds every row in scope.
    """
    return value.split()[:MAX_SEARCH_WORDS]


class WardRecordFilterSet(django_filters.FilterSet):
    """``ward`` (id), ``ward_code``, and ``search``: accent- and case-insensitive over
    ``search_fields`` ("nguyen van" finds "Nguyễn Văn"), every word in some field.

    Each app's ``search_trigram`` migration indexes ``ws_fold(field)`` for the search fields of
    its large tables; a new search field on a large table needs such an index too.
    """

    ward = django_filters.NumberFilter(field_name="ward_id", label=_("ward (id)"))
    ward_code = django_filters.CharFilter(field_name="ward__code", label=_("ward code"))
    search = django_filters.CharFilter(method="filter_search", label=_("search"))

    search_fields: tuple[str, ...] = ()

    FILTER_DEFAULTS = {
        **django_filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
    }

    def filter_search(self, queryset, name, value):
        if not self.search_fields:
            return queryset
        for word in search_words(value):
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{f}__ws_fold__contains": word}) for f in self.search_fields))
            )
        return queryset


def date_range(field_name, label):
    """``<field>_after`` / ``<field>_before`` (inclusive, local dates) as SPEC §8 names them."""
    return django_filters.DateFromToRangeFilter(field_name=field_name, label=label)
