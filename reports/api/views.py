"""``GET /api/v1/stats/``: the statistics of SPEC §7 for any scope and period (SPEC §8)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.api.serializers import StatsQuerySerializer, StatsSerializer
from reports.selectors import StatsError, stats_for
from wardsecurity.period_spec import parse_period


class StatsView(APIView):
    """Figures of a scope over a period, each with the same period last year (every role)."""

    @extend_schema(parameters=[StatsQuerySerializer], responses={200: StatsSerializer})
    def get(self, request):
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
        try:
            answer = stats_for(
                user=request.user,
                scope=params["scope"],
                period=period,
                compare=params["compare"] == "same_period",
                metrics=metrics,
                by=params.get("by"),
            )
        except StatsError as exc:
            raise serializers.ValidationError({exc.field: [str(exc)]}) from None
        return Response(StatsSerializer(answer).data)
