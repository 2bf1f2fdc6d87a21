"""Counting a list without counting a million rows: shared by the API's pages and the portal's.

Counts (issue 12): a list is counted exactly whenever that is cheap — one bounded query,
``SELECT COUNT(*) FROM (SELECT … LIMIT limit + 1)`` without ORDER BY, so PostgreSQL reads at most
``API_EXACT_COUNT_LIMIT`` + 1 rows (100,000 by default) from whatever index suits it. Past the
limit the count is not known and not guessed: ``count`` is None and ``count_at_least`` the
limit (the API's ``"count": null, "count_at_least": 100000``, the portal's "Hơn 100.000 bản
ghi"). Nothing is estimated and nothing is kept between requests, so a list shows a new row in
its count on the next request.

Pages past the limit are served all the same: such a page reads one row more than it shows, so
``has_next`` is exact and ``next`` follows the rows.

Index-first pages (issue 18, item 3): a page of a list whose order ends in its id (every default
order of the portal and the API does) is read in one statement whose subquery picks the page's
ids first, ``… WHERE id IN (SELECT id … ORDER BY … LIMIT … OFFSET …) ORDER BY …``. The subquery
asks for ids alone, so the ``(ward_id, id)`` index of a ward's list answers it without reading a
row, whatever the offset; the outer query then reads the page's rows by primary key, with their
joins. Read in one query, the page cost the same number of queries as before; its rows and their
order are the same, since the order is total. A list sorted by something else, or a queryset with
annotations, grouping or DISTINCT, is sliced as before (``id_first_slice``). A list that
``visible_to`` narrowed to several wards, sorted by id alone, picks its page's ids ward by ward
and is counted ward by ward (``ScopedQuerySet.ward_merged_ids`` and ``ward_merged_count``).

Page numbers (issue 15): ASCII digits from 1, no sign, no exponent, no other script's digits.
Anything else, a page after the last (when the count is exact), a page with no row (past the
limit, where the last page is not known), or an offset past ``MAX_OFFSET`` raises
``InvalidPage``, which the API and the portal answer with their 404 — never a query with an
offset PostgreSQL cannot hold.
"""

import json

from django.conf import settings
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db import connections
from django.db.models import F, OrderBy, QuerySet
from django.db.models.query import ModelIterable
from django.utils.functional import cached_property

EXACT_COUNT_LIMIT = 100_000
# The largest offset a page may start at: far past any list of the portal, well inside
# PostgreSQL's bigint OFFSET. A page number whose offset is past it is no page (404).
MAX_OFFSET = 2**31 - 1
# More digits than that is past MAX_OFFSET whatever the page size: not worth converting.
MAX_PAGE_DIGITS = len(str(MAX_OFFSET)) + 1


def exact_count_limit() -> int:
    return int(getattr(settings, "API_EXACT_COUNT_LIMIT", EXACT_COUNT_LIMIT))


def planner_estimate(queryset) -> int:
    """The row count PostgreSQL's planner expects for ``queryset`` (EXPLAIN, nothing is run).

    Only for an export job's progress bar (``portal.export_jobs``), where a guess is all that is
    needed; never shown as a list's count.
    """
    compiler = queryset.query.get_compiler(queryset.db)
    sql, params = compiler.as_sql()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def order_terms(queryset: QuerySet) -> list:
    """The terms ``queryset`` is sorted by: its ``order_by``, else its model's ``Meta.ordering``."""
    query = queryset.query
    if query.order_by:
        return list(query.order_by)
    if query.default_ordering:
        return list(queryset.model._meta.ordering)
    return []


def _term_name(term) -> str | None:
    """The field a term sorts by ("-id" → "id", ``F("id").desc()`` → "id"); None otherwise."""
    if isinstance(term, str):
        return term.removeprefix("-")
    if isinstance(term, OrderBy):
        term = term.expression
    # (F keeps its field in ``name``, which the type stubs do not declare.)
    return getattr(term, "name", None) if isinstance(term, F) else None


def reads_ids_first(queryset) -> bool:
    """Whether a page of ``queryset`` is read index-first: a plain query of model instances
    whose order ends in the primary key, so that the order is total and the page's ids say
    which rows it holds and in which order."""
    if not isinstance(queryset, QuerySet) or queryset._iterable_class is not ModelIterable:
        return False
    query = queryset.query
    if (
        query.is_sliced
        or query.distinct
        or query.combinator
        or query.annotations
        or query.group_by is not None
        or query.extra
        or query.extra_order_by
        or query.select_for_update
    ):
        return False
    terms = order_terms(queryset)
    pk = queryset.model._meta.pk
    return bool(terms) and _term_name(terms[-1]) in {"pk", pk.name, pk.attname}


def _ward_merged_ids(queryset, terms: list, bottom: int, top: int):
    """A scoped list sorted by id alone: its page's ids read ward by ward
    (``ScopedQuerySet.ward_merged_ids``), or None when it cannot be."""
    merge = getattr(queryset, "ward_merged_ids", None)
    if merge is None or len(terms) != 1:
        return None
    term = terms[0]
    if isinstance(term, str):
        descending = term.startswith("-")
    else:  # F("id") or an OrderBy of it (``reads_ids_first`` allowed no other)
        descending = isinstance(term, OrderBy) and term.descending
    return merge(descending, bottom, top)


def id_first_slice(queryset, bottom: int, top: int):
    """``queryset[bottom:top]``: the same rows in the same order, the page's ids read first.

    The rows of ``queryset`` whose ids a narrow subquery (the same filters and order, ids only,
    ``LIMIT``/``OFFSET``) picks, read again by primary key with the joins, deferred fields and
    prefetches of ``queryset``, in its order: one statement. Anything ``reads_ids_first``
    refuses is sliced as it is.
    """
    if top <= bottom or not reads_ids_first(queryset):
        return queryset[bottom:top]
    terms = order_terms(queryset)
    ids = _ward_merged_ids(queryset, terms, bottom, top)
    if ids is None:
        ids = queryset.order_by(*terms).values("pk")[bottom:top]
    outer = queryset.model._base_manager.db_manager(queryset.db).filter(pk__in=ids)
    outer = outer.order_by(*terms)
    outer.query.select_related = queryset.query.select_related
    outer.query.deferred_loading = queryset.query.deferred_loading
    outer._prefetch_related_lookups = queryset._prefetch_related_lookups
    return outer


class CountedPage(Page):
    """A page; past the count limit it knows whether a next page exists from the extra row
    it read, not from a count."""

    def __init__(self, object_list, number, paginator, *, more=None):
        super().__init__(object_list, number, paginator)
        self.more = more

    def has_next(self):
        return super().has_next() if self.more is None else self.more

    def end_index(self):
        if self.more is None:
            return super().end_index()
        return self.start_index() + len(self.object_list) - 1


class CountingPaginator(Paginator):
    """Counts exactly up to the limit in one bounded query; past it, says so (``count`` None).

    ``rows``, when given, turns a page's slice of the queryset into the rows to serialise (the
    lean path's tuples): the count still reads the queryset itself, so it is the same query,
    with the same answer, as on the full path.
    """

    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows

    def _page_rows(self, object_list):
        return object_list if self.rows is None else self.rows(object_list)

    def _get_page(self, object_list, number, paginator):
        return CountedPage(self._page_rows(object_list), number, paginator)

    @cached_property
    def limit(self) -> int:
        return exact_count_limit()

    @cached_property
    def count(self) -> int | None:  # type: ignore[override]
        """The number of rows up to the limit; None past it (more than ``count_at_least``)."""
        queryset: QuerySet = self.object_list  # type: ignore[assignment]
        # A scoped list is counted ward by ward (``ScopedQuerySet.ward_merged_count``), through
        # each ward's index, never by reading the whole table's.
        merged = getattr(queryset, "ward_merged_count", None)
        bounded = merged(self.limit) if merged is not None else None
        if bounded is None:
            # Unordered: counting needs no sort, and LIMIT then stops at any limit + 1 rows.
            bounded = queryset.order_by().values("pk")[: self.limit + 1].count()
        return bounded if bounded <= self.limit else None

    @property
    def count_at_least(self) -> int | None:
        """Past the limit, what is known of the count: more rows than this. None when exact."""
        return self.limit if self.count is None else None

    @cached_property
    def num_pages(self) -> int | None:  # type: ignore[override]
        """The number of pages, None when the count is not known."""
        if self.count is None:
            return None
        return super().num_pages

    def validate_number(self, number):
        """The page number as an int, or InvalidPage for anything that cannot be a page."""
        if isinstance(number, int) and not isinstance(number, bool):
            value = number
        elif isinstance(number, str) and number.isascii() and number.isdigit():
            if len(number) > MAX_PAGE_DIGITS:
                raise EmptyPage(self.error_messages["no_results"])
            value = int(number)
        else:
            raise PageNotAnInteger(self.error_messages["invalid_page"])
        if value < 1:
            raise EmptyPage(self.error_messages["min_page"])
        if (value - 1) * self.per_page > MAX_OFFSET:
            raise EmptyPage(self.error_messages["no_results"])
        if self.num_pages is not None and value > self.num_pages:
            raise EmptyPage(self.error_messages["no_results"])
        return value

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if self.count is not None:
            # Django's ``Paginator.page``, the page's rows read index-first.
            if top + self.orphans >= self.count:
                top = self.count
            return self._get_page(id_first_slice(self.object_list, bottom, top), number, self)
        # Past the limit: one row more than the page says whether there is a next one, and a
        # page with no row is past the end.
        fetched = list(self._page_rows(id_first_slice(self.object_list, bottom, top + 1)))
        if not fetched and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        more = len(fetched) > self.per_page and top <= MAX_OFFSET
        return CountedPage(fetched[: self.per_page], number, self, more=more)

    def get_page(self, number):
        """Strict, unlike Django's: no number is the first page, anything else ``page()``
        (InvalidPage for a page that does not exist, which the portal answers with a 404)."""
        return self.page(1 if number in (None, "") else number)

    @property
    def page_range(self):
        if self.num_pages is None:
            raise NotImplementedError("The pages past the count limit are not numbered.")
        return super().page_range
