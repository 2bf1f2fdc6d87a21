from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers; 50 a page by default, at most 500 (SPEC §8)."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500
