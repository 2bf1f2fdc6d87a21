"""Pagination of every API list: page numbers by default, cursor pages on request.

Page numbers answer ``{"count", "next", "previous", "results"}``. ``count`` is exact up to
``API_EXACT_COUNT_LIMIT`` rows (100,000 by default; one bounded COUNT, nothing cached); past it
``count`` is null and ``count_at_least`` says how many rows there are at least — never an
estimate (see ``wardsecurity.pagination``). Every page of such a list is still served, and
``next`` follows the rows. A page number that is not a page (not ASCII digits from 1, after the
last page, or an offset past ``MAX_OFFSET``) is the 404 ``{"code": "not_found", "detail": …}``.
``?cursor=`` walks a list in id order without counting it at all (keyset: ``id < key``); the
answer is ``{"next", "previous", "results"}`` and the links carry a signed cursor. Both read a
page's ids first, then its rows (``wardsecurity.pagination.id_first_slice``).
"""

from django.core import signing
from django.core.paginator import InvalidPage
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

# The counting is shared with the portal's lists.
from wardsecurity.pagination import CountingPaginator, id_first_slice

PAGE_SIZE_MESSAGE = _("page_size must be a whole number from 1 to 500.")
CURSOR_MESSAGE = _("This cursor is not valid. Start again from the first page.")
CURSOR_ORDERING_MESSAGE = _("Cursor pages follow the id order: use ordering=id or ordering=-id.")
CURSOR_SALT = "wardsecurity.api.cursor"


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers; 50 a page by default, at most 500 (SPEC §8); a bad page_size is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
    django_paginator_class = CountingPaginator
    cursor_query_param = "cursor"

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [PAGE_SIZE_MESSAGE]})
        return min(int(raw), self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None, *, rows=None):
        """The page's rows; ``rows`` as in CountingPaginator (DRF's own steps otherwise)."""
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
        # (The browsable API's page links need the number of pages, unknown past the limit.)
        if self.template is not None and (paginator.num_pages or 0) > 1:
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
        paginator = self.page.paginator
        body = {"count": paginator.count}
        if paginator.count is None:
            body["count_at_least"] = paginator.count_at_least
        body.update(next=self.get_next_link(), previous=self.get_previous_link(), results=data)
        return Response(body)

    def get_paginated_response_schema(self, schema):
        answer = super().get_paginated_response_schema(schema)
        # ``count`` is absent from cursor pages.
        answer["required"] = ["results"]
        properties = answer["properties"]
        properties["count"].update(
            nullable=True,
            description="Rows in the list, exact; null past API_EXACT_COUNT_LIMIT rows (100,000 "
            "by default), where the list is not counted and count_at_least is given instead. "
            "Absent from cursor pages.",
        )
        # After count, as in the answers.
        answer["properties"] = {
            "count": properties.pop("count"),
            "count_at_least": {
                "type": "integer",
                "example": 100000,
                "description": "Only when count is null: the list has more rows than this "
                "(API_EXACT_COUNT_LIMIT). Walk it with next links or ?cursor=.",
            },
            **properties,
        }
        return answer

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["description"] = (
                    "A page number: ASCII digits from 1 (no sign, exponent or other digits). "
                    "Any other value, or a page past the last, is a 404."
                )
        return [
            *parameters,
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
        # The page's ids first (``id < key`` on a ward's ``(ward_id, id)`` index), then its rows.
        page = id_first_slice(queryset, 0, self.size + 1)
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


class HistoryPagination(PageNumberPagination):
    """Page numbers only, for a record's history: newest first, with an exact count."""

    cursor_query_param = None  # type: ignore[assignment]

    def get_schema_operation_parameters(self, view):
        return [
            parameter
            for parameter in super().get_schema_operation_parameters(view)
            if parameter["name"] is not None  # the cursor's, which this class has not
        ]
