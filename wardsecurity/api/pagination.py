from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

PAGE_SIZE_MESSAGE = _("page_size must be a whole number from 1 to 500.")


class PageNumberPagination(pagination.PageNumberPagination):
    """Page numbers; 50 a page by default, at most 500 (SPEC §8); a bad page_size is a 400."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
            raise ValidationError({self.page_size_query_param: [PAGE_SIZE_MESSAGE]})
        return min(int(raw), self.max_page_size)
