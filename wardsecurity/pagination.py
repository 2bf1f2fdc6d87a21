"""Counting a list without counting a million rows: shared by the API's pages and the portal's.

A list is counted exactly up to ``API_EXACT_COUNT_LIMIT`` rows; beyond it the count is
PostgreSQL's estimate (a COUNT(*) over a million households costs more than the page), kept a
minute for the same query, and every page number is then served: ``next`` follows the rows, not
the estimate.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.utils.functional import cached_property

EXACT_COUNT_LIMIT = 1_000


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
