"""Pagination of every API list: page numbers by default, cursor pages on request.

Page numbers keep the answer ``{"count", "next", "previous", "results"}``, but a list is never
counted past ``API_EXACT_COUNT_LIMIT`` rows: beyond it ``count`` is PostgreSQL's estimate and
the ``X-Count-Estimated`` header says so (a COUNT(*) over a million households costs more than
the page), and the estimate of a list is kept a minute; every page number is then served, and
``next`` follows the rows, not the estimate.
``?cursor=`` walks a list in id order without counting it at all; the answer is
``{"next", "previous", "results"}`` and the links carry a signed cursor.
"""

import hashlib
import json

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, InvalidPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

PAGE_SIZE_MESSAGE = _("page_size must be a whole number from 1 to 500.")
CURSOR_MESSAGE = _("This cursor is not valid. Start again from the first page.")
CURSOR_ORDERING_MESSAGE = _("Cursor pages follow the id order: use ordering=id or ordering=-id.")
EXACT_COUNT_LIMIT = 1_000
CURSOR_SALT = "wardsecurity.api.cursor"


def exact_count_limit() -> int:
    return getattr(settings, "API_EXACT_COUNT_LIMIT", EXACT_COUNT_LIMIT)


def planner_estimate(queryset) -> int:
    """The row count PostgreSQL's planner expects for ``queryset`` (EXPLAIN, nothing is run)."""
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


ESTIMATE_SECONDS = 60


def _estimate_key(queryset) -> str:
    """The list's identity: its SQL (scope and filters included) and the limit it was cut at."""
    sql, params = queryset.query.sql_with_params()
    identity = (queryset.db, sql, params, exact_count_limit())
    return "count-estimate:" + hashlib.sha256(repr(identity).encode()).hexdigest()


class EstimatedPage(Page):
    """A page of an estimated list: there is a next page while this one is full."""

    def has_next(self):
        return len(self.object_list) == self.paginator.per_page


class EstimatingPaginator(Paginator):
    """Counts exactly up to the limit in one bounded query; past it, takes the planner's figure.

    ``rows``, when given, turns a page's slice of the queryset into the rows to serialise (the
    lean path's tuples): the count and the estimate still read the queryset itself, so they are
    the same queries, with the same answers, as on the full path.
    """

    estimated = False

    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows

    def _get_page(self, object_list, number, paginator):
        return Page(self._page_rows(object_list), number, paginator)

    def _page_rows(self, object_list):
        return object_list if self.rows is None else self.rows(object_list)

    @cached_property
    def count(self):
        """Exact up to the limit; past it the planner's estimate, kept ``ESTIMATE_SECONDS``
        for the same query, so paging through a large list does not count it again each time
        (an estimate a minute old is as good as a new one)."""
        limit = exact_count_limit()
        queryset = self.object_list
        try:
            key = _estimate_key(queryset)
        except EmptyResultSet:  # a filter no row can match (``none()``, ``IN ()``)
            return 0
        known = cache.get(key)
        if known is not None:
            self.estimated = True
            return known
        exact = queryset.values("pk")[: limit + 1].count()
        if exact <= limit:
            return exact
        self.estimated = True
        estimate = max(exact, planner_estimate(queryset))
        cache.set(key, estimate, ESTIMATE_SECONDS)
        return estimate

    def validate_number(self, number):
        if not (self.count and self.estimated):
            return super().validate_number(number)
        # The last page is unknown past an estimate: every page from 1 on is served, and one
        # past the end is empty, so a low estimate never hides rows.
        try:
            number = int(number)
        except (TypeError, ValueError) as exc:
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from exc
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        number = self.validate_number(number)
        if not self.estimated:
            return super().page(number)
        bottom = (number - 1) * self.per_page
        rows = self._page_rows(self.object_list[bottom : bottom + self.per_page])
        return EstimatedPage(rows, number, self)


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers; 50 a page by default, at most 500 (SPEC §8); a bad page_size is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = EstimatingPaginator
    cursor_query_param = "cursor"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [PAGE_SIZE_MESSAGE]})
        return min(int(raw), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None, *, rows=None):
        """The page's rows; ``rows`` as in EstimatingPaginator (DRF's own steps otherwise)."""
        self.request = request
        self.cursor_page = None
        if self.cursor_query_param in request.query_params:
            self.cursor_page = CursorPage(self, queryset, request, rows=rows)
            return self.cursor_page.rows
        paginator = self.django_paginator_class(queryset, self.get_page_size(request), rows=rows)
        page_number = self.get_page_number(request, paginator)
        try:
            self.page = paginator.page(page_number)
        except InvalidPage as exc:
            raise NotFound(
                self.invalid_page_message.format(page_number=page_number, message=str(exc))
            ) from exc
        if paginator.num_pages > 1 and self.template is not None:
            self.display_page_controls = True
        return list(self.page)

    def get_paginated_response(self, data):
        if self.cursor_page is not None:
            return Response(
                {
                    "next": self.cursor_page.link("next"),
                    "previous": self.cursor_page.link("previous"),
                    "results": data,
                }
            )
        response = super().get_paginated_response(data)
        if self.page.paginator.estimated:
            response["X-Count-Estimated"] = "true"
        return response

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        # ``count`` is absent from cursor pages.
        answer["required"] = ["results"]
        answer["properties"]["count"]["description"] = (
            "Rows in the list; PostgreSQL's estimate past 1,000 rows (header X-Count-Estimated)."
        )
        return answer

    def get_schema_operation_parameters(self, view):
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Cursor pages in id order, without a count: empty for the first "
                "page, then the value from the next or previous link.",
                "schema": {"type": "string"},
            },
        ]


class CursorPage:
    """One page of a keyset walk over ``id`` (descending unless ``ordering=id``)."""

    def __init__(self, paginator: PageNumberPagination, queryset, request, *, rows=None):
        self.paginator = paginator
        self.request = request
        self.size = paginator.get_page_size(request)
        ordering = request.query_params.get("ordering", "-id").strip()
        if ordering not in {"id", "-id"}:
            raise ValidationError({"ordering": [CURSOR_ORDERING_MESSAGE]})
        self.descending = ordering == "-id"
        key, backwards = self.decode(request.query_params.get(paginator.cursor_query_param, ""))
        # Walking backwards reads the rows before ``key`` in the opposite order, then flips them.
        forward_desc = self.descending != backwards
        if key is not None:
            queryset = queryset.filter(**{"pk__lt" if forward_desc else "pk__gt": key})
        queryset = queryset.order_by("-pk" if forward_desc else "pk")
        page = queryset[: self.size + 1]
        rows = list(page if rows is None else rows(page))
        more = len(rows) > self.size
        rows = rows[: self.size]
        if backwards:
            rows.reverse()
        self.rows = rows
        self.has_next = more if not backwards else True
        self.has_previous = (key is not None) if not backwards else more

    @staticmethod
    def decode(raw: str):
        if raw == "":
            return None, False
        try:
            value = signing.loads(raw, salt=CURSOR_SALT)
            key, backwards = value["k"], value["b"]
        except (signing.BadSignature, TypeError, KeyError, ValueError) as exc:
            raise ValidationError({"cursor": [CURSOR_MESSAGE]}) from exc
        if not isinstance(key, int) or isinstance(key, bool) or not isinstance(backwards, bool):
            raise ValidationError({"cursor": [CURSOR_MESSAGE]})
        return key, backwards

    def link(self, which: str) -> str | None:
        if not self.rows or not (self.has_next if which == "next" else self.has_previous):
            return None
        backwards = which == "previous"
        key = self.rows[0].pk if backwards else self.rows[-1].pk
        token = signing.dumps({"k": key, "b": backwards}, salt=CURSOR_SALT, compress=True)
        url = remove_query_param(self.request.build_absolute_uri(), "page")
        return replace_query_param(url, self.paginator.cursor_query_param, token)
