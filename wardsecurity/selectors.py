"""What the apps' selectors share: the FilterSet's filters, and one record or a 404.

Each domain app's ``selectors.py`` has, per model, ``<noun>_list(*, user, filters=None)`` and
``<noun>_get(*, user, pk)`` (the nouns of its services): the reads of every entry point, the
API, the portal's pages and exports, the admin, the group sheets and the camera map. They start
from ``visible_to(user)`` (scope and role, GUARANTEES G1, G2, G4) and own the joins of what those
entry points show of a row: ``select_related`` for every linked record a list, an export or the
admin shows (a join costs no query), ``prefetch_related`` for the many-valued links the API or
the portal's exports show. An entry point that shows no many-valued link drops the prefetches
(``prefetch_related(None)``: the admin, the API's lean lists, a portal page without such a
column) rather than pay a query a page for them.

They do not order: each entry point sorts as it is asked to.
"""

from collections.abc import Mapping
from typing import Any, Protocol

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Model, QuerySet

from wardsecurity.services import OutOfScope


class _Form(Protocol):
    errors: Any


class FilterSetLike(Protocol):
    """What ``filtered`` uses of a django-filter FilterSet."""

    form: _Form

    def is_valid(self) -> bool: ...

    @property
    def qs(self) -> QuerySet[Any]: ...


def filtered[M: Model](
    filterset_class: type[Any], queryset: QuerySet[M], filters: Mapping[str, Any] | None
) -> QuerySet[M]:
    """``queryset`` narrowed by ``filters`` through the app's FilterSet.

    ``filters`` names the FilterSet's parameters as the API's query string does (``ward``,
    ``group``, ``search``, ``signed_on_after`` …); unknown names are ignored, as in the API. An
    invalid value raises ``ValidationError`` with the FilterSet's messages: never the unfiltered
    list.
    """
    if not filters:
        return queryset
    filterset: FilterSetLike = filterset_class(data=filters, queryset=queryset)
    if not filterset.is_valid():
        raise ValidationError(filterset.form.errors.as_data())
    narrowed: QuerySet[M] = filterset.qs
    return narrowed


def one[M: Model](queryset: QuerySet[M], pk: int) -> M:
    """The record ``pk`` of ``queryset``: ``OutOfScope`` (a 404) when missing or not visible.

    Without the list's prefetches: a single record reads a many-valued link when it shows it, one
    query as a prefetch would be, and none when it does not.
    """
    try:
        return queryset.prefetch_related(None).get(pk=pk)
    except ObjectDoesNotExist as exc:
        raise OutOfScope from exc
