"""Natural order of names: "Tổ 2" before "Tổ 10" (issue 17, item 7).

``name__ws_natural`` orders by ``public.ws_natural(name)`` (wardsecurity migration 0009), which
pads every run of digits so that numbers compare by value. Importing this module registers the
transform on text fields, so it can be named in ``order_by()`` and in ``Meta.ordering``.
"""

from django.db import models
from django.db.models import Transform


class Natural(Transform):
    lookup_name = "ws_natural"
    function = "public.ws_natural"
    output_field = models.TextField()


models.CharField.register_lookup(Natural)
models.TextField.register_lookup(Natural)
