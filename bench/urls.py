"""The portal's URLs plus ``/bench/bare/``: the bare JSON view the API figures are set beside."""

from django.http import JsonResponse
from django.urls import path

from wardsecurity.urls import urlpatterns as portal_urlpatterns

# Fifty small rows, roughly the size of one API page, built without the database, DRF or auth:
# what Django's request cycle (the same middleware, the same gunicorn) costs on this machine.
BARE_PAGE = {
    "count": 50,
    "next": None,
    "previous": None,
    "results": [{"id": n, "code": f"HK{n:06d}", "member_count": 4} for n in range(50)],
}


def bare(request):
    """The limit: a plain Django JSON view."""
    return JsonResponse(BARE_PAGE)


urlpatterns = [path("bench/bare/", bare), *portal_urlpatterns]
