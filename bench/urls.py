"""The portal's URLs plus the limits the harness sets its figures beside (``bench.run``).

- ``/bench/bare/``: a plain Django JSON view (no database, no DRF, no authentication);
- ``/bench/sql/<key>/``: the SQL the portal ran for one request (captured in-process by the
  harness, authentication left out), executed as is and returned as JSON rows: the floor of a
  list or an uncached read;
- ``/bench/bytes/<key>/``: the stored bytes of one answer: the floor of a repeated read.

The harness writes the SQL and the bytes to the file named by ``BENCH_LIMITS_FILE`` before it
asks for them; a view reads the file again only for a key it has not seen.
"""

import base64
import json
import os
import threading

from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
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

_lock = threading.Lock()
_sql: dict[str, list[str]] = {}
_bytes: dict[str, tuple[bytes, str]] = {}


def _reload() -> None:
    name = os.environ.get("BENCH_LIMITS_FILE")
    if not name or not os.path.exists(name):
        return
    with open(name, encoding="utf-8") as source:
        stored = json.load(source)
    with _lock:
        _sql.update(stored.get("sql", {}))
        for key, (body, content_type) in stored.get("bytes", {}).items():
            _bytes[key] = (base64.b64decode(body), content_type)


def bare(request):
    """The limit: a plain Django JSON view."""
    return JsonResponse(BARE_PAGE)


def sql(request, key: str):
    """The captured statements of one request, run in order; every row returned as JSON."""
    if key not in _sql:
        _reload()
    statements = _sql.get(key)
    if statements is None:
        raise Http404
    results = []
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
            results.append(cursor.fetchall() if cursor.description else [])
    return JsonResponse({"results": results})


def stored(request, key: str):
    """The bytes of an answer, as they were served."""
    if key not in _bytes:
        _reload()
    found = _bytes.get(key)
    if found is None:
        raise Http404
    return HttpResponse(found[0], content_type=found[1])


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/sql/<str:key>/", sql),
    path("bench/bytes/<str:key>/", stored),
    *portal_urlpatterns,
]
