"""``GET /api/v1/stats/``: the statistics of SPEC §7 for any scope and period (SPEC §8).

Answers are cached: a dashboard asks the same questions again and again, and the figures only
change when the rollup does. The key holds everything the answer depends on — the question, the
language, the caller's scope (not the caller: users of one province share answers), and the
rollup's ``processed_at`` — so a processed change makes every older answer unreachable at once.
Only ``as_of`` is read fresh on every request. A change of the territory itself (a ward moved
to another cluster) reaches cached answers within ``STATS_CACHE_SECONDS``.

What is cached is the rendered JSON, in two pieces around ``as_of`` (issue 18, item 5): a
repeated question costs the rollup's state (one query, read once for the whole request), the
cache read, and the kept pieces sent as they are — no serializer, no encoder, no copy. Each
process keeps the answers it served last in front of the shared cache (``reports.api.answers``).
"""

import hashlib
import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from reports.api.answers import Answer, answer_for
from reports.api.serializers import StatsQuerySerializer, StatsSerializer
from reports.statistics.selectors import (
    PAGE_SIZE_DEFAULT,
    PAGE_SIZE_MAX,
    Page,
    RollupView,
    StatsError,
    breakdown_table,
    rollup_view,
    stats_for,
)
from wardsecurity.api.schema import error_responses
from wardsecurity.period_spec import parse_period
from wardsecurity.replica import replica_reads

_AS_OF = serializers.DateTimeField()


def _cache_key(user, query, rollup) -> str:
    """The answer's identity; the scope fields are what ``Ward.objects.visible_to`` reads.

    ``query`` is the query string as sent: only a question that was answered is ever cached, so
    a repeat needs no validation. Today's date is in the key for the periods relative to it
    (``ytd:``).
    """
    scope = (
        user.is_active,
        user.is_superuser,
        # Small cells of a group breakdown are hidden from roles that do not see the records.
        user.can_see_sensitive,
        user.scope_kind,
        user.scope_province_id,
        user.scope_cluster_id,
        user.scope_ward_id,
    )
    question = sorted(query.lists())
    language = translation.get_language()
    identity = (
        scope,
        question,
        language,
        timezone.localdate(),
        rollup.processed_at,
        rollup.horizon,
    )
    return "stats:" + hashlib.sha256(repr(identity).encode()).hexdigest()


def _rendered(answer: dict) -> tuple[bytes, bytes]:
    """The answer's JSON as DRF's renderer writes it, cut where ``as_of`` goes.

    The answer holds JSON types only (``compute.compared``' numbers, strings, lists), so it
    is rendered as it is: what ``StatsSerializer`` declares (docs/openapi.yaml), without
    walking a few hundred thousand fields through serializer objects.
    """
    marker = uuid.uuid4().hex
    body = JSONRenderer().render({**answer, "as_of": marker})
    head, tail = body.split(f'"{marker}"'.encode(), 1)
    return head, tail


def _json_response(answer: Answer, rollup: RollupView) -> HttpResponse:
    """The kept pieces around this request's ``as_of``, sent as they are.

    Joining them would build a new body for every request — for a country's 0.8 MB page that
    copy was about 0.5 ms, most of a repeated request. The response holds the three pieces
    (``write`` keeps a reference to each), and with its length set beforehand no middleware
    needs to join them to count (``CommonMiddleware``), so the server writes each in turn.
    """
    as_of = JSONRenderer().render(_AS_OF.to_representation(rollup.as_of))
    response = HttpResponse(answer.head, content_type="application/json")
    response.write(as_of)
    response.write(answer.tail)
    response.headers["Content-Length"] = str(len(answer.head) + len(as_of) + len(answer.tail))
    return response


class StatsView(APIView):
    """Figures of a scope over a period, each with the same period last year (every role)."""

    @extend_schema(
        summary="Read statistics",
        description=(
            "Figures of a scope (`ward:<code>`, `province:<code>`, `cluster:<id>`, `all`) "
            "over a period (`month:2025-08`, `quarter:2025-Q3`, `ytd:2025-08-20` …, civil or "
            "reporting calendar), each with the same period last year, the difference and the"
            " % change; `by=ward|group|month` breaks them down (docs/statistics.md). Every "
            "signed-in role, within its scope — counts of sensitive records included, never "
            "the records. A breakdown comes whole, or a page of it with `page`/`page_size` "
            f"(default {PAGE_SIZE_DEFAULT} rows, at most {PAGE_SIZE_MAX}; a `by=ward` breakdown"
            f" of more than {PAGE_SIZE_MAX} wards in pages only), nested (`breakdown`) or "
            "compact (`shape=compact`: `table`, its figures in columns). A scope outside the "
            "caller's answers 404; a bad period, metric or page 400."
        ),
        parameters=[StatsQuerySerializer],
        responses={
            200: StatsSerializer,
            **error_responses(404, e404="No such scope in the caller's."),
        },
    )
    def get(self, request):
        # The figures and the rollup's state from the read replica when there is one.
        with replica_reads():
            rollup = rollup_view()  # the one read of the rollup's state in this request
            key = _cache_key(request.user, request.query_params, rollup)
            answer = answer_for(key, lambda: _rendered(self.answer(request, rollup)))
            return _json_response(answer, rollup)

    def answer(self, request, rollup: RollupView) -> dict:
        """The question of the query string, checked, and its answer (``stats_for``)."""
        params = request.query_params
        repeated = [name for name in params if len(params.getlist(name)) > 1]
        if repeated:
            raise serializers.ValidationError(
                {name: [_("Give this parameter once.")] for name in repeated}
            )
        query = StatsQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        params = query.validated_data
        try:
            period = parse_period(params["period"], calendar=params["calendar"])
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"period": exc.messages}) from None
        metrics = params["metrics"].split(",") if params.get("metrics") else None
        page = None
        if "page" in params or "page_size" in params:
            page = Page(params.get("page", 1), params.get("page_size", PAGE_SIZE_DEFAULT))
        try:
            answer = stats_for(
                user=request.user,
                scope=params["scope"],
                period=period,
                compare=params["compare"] == "same_period",
                metrics=metrics,
                by=params.get("by"),
                rollup=rollup,
                page=page,
                whole_max=PAGE_SIZE_MAX,
            )
        except StatsError as exc:
            raise serializers.ValidationError({exc.field: [str(exc)]}) from None
        # The dashboard prints the replica's lag; the API's as_of already counts it, and the
        # answer is rendered without StatsSerializer, so only its declared fields may go out.
        answer.pop("replica_lag", None)
        if params["shape"] == "compact" and "breakdown" in answer:
            answer["table"] = breakdown_table(answer.pop("breakdown"))
        return answer
