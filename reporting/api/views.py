"""``/api/v1/period-reports/``, the transition actions beside them, and the manual values."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting import selectors, services
from reporting.api.serializers import (
    ManualIndicatorValueSerializer,
    PeriodReportDetailSerializer,
    PeriodReportSerializer,
    TransitionInputSerializer,
)
from reporting.fields import (
    MANUAL_INDICATOR_VALUE_ORDERING,
    MANUAL_INDICATOR_VALUE_SORTABLE,
    PERIOD_REPORT_ORDERING,
    PERIOD_REPORT_SORTABLE,
)
from reporting.filtersets import ManualIndicatorValueFilterSet, PeriodReportFilterSet
from reporting.models import ManualIndicatorValue, PeriodReport
from wardsecurity.api.viewsets import WardRecordViewSet, etag_for, expected_version
from wardsecurity.services import OutOfScope


class PeriodReportViewSet(WardRecordViewSet):
    """A ward's report for a reporting period (issue 13): drafted by the ward, submitted by its
    police, accepted or returned by the province's reviewer. The state changes through the
    ``submit``, ``return``, ``accept`` and ``reopen`` operations beside the resource."""

    model = PeriodReport
    serializer_class = PeriodReportSerializer
    filterset_class = PeriodReportFilterSet
    selectors = (selectors.period_report_list, selectors.period_report_get)
    services = (
        services.period_report_create,
        services.period_report_update,
        services.period_report_delete,
    )
    ordering_fields = PERIOD_REPORT_SORTABLE
    ordering = PERIOD_REPORT_ORDERING

    def get_serializer_class(self):
        if self.action == "retrieve":
            return PeriodReportDetailSerializer
        return PeriodReportSerializer

    def get_object(self):
        _list, get = self.selectors
        report = get(user=self.request.user, pk=_pk(self.kwargs.get("pk")))
        self.check_object_permissions(self.request, report)
        return report


def _pk(value) -> int:
    """A report id from the URL; anything but ASCII digits is no report (404)."""
    text = str(value or "")
    if not (text.isascii() and text.isdigit()):
        raise OutOfScope
    return int(text)


# Who may ask for each change: decided by the role before the report is looked up (403).
MAY = {
    "submit": services.may_submit,
    "return": services.may_review,
    "accept": services.may_review,
    "reopen": services.may_review,
}
TRANSITIONS = {
    "submit": lambda actor, report, version, comment: services.period_report_submit(
        actor=actor, instance=report, expected_version=version
    ),
    "return": lambda actor, report, version, comment: services.period_report_return(
        actor=actor, instance=report, comment=comment, expected_version=version
    ),
    "accept": lambda actor, report, version, comment: services.period_report_accept(
        actor=actor, instance=report, expected_version=version
    ),
    "reopen": lambda actor, report, version, comment: services.period_report_reopen(
        actor=actor, instance=report, reason=comment, expected_version=version
    ),
}


class PeriodReportTransitionView(APIView):
    """Change a report's state. ``If-Match`` (the report's ETag) or ``version`` in the body
    names the version the caller saw: a report changed since answers 412; a report no longer
    in a state that allows the change answers 400 with what happened. ``return`` needs a
    ``comment``, ``reopen`` a reason in ``comment``."""

    permission_classes = [IsAuthenticated]
    sends_etag = True  # one report with its ETag (the schema declares the header)
    action_name = ""

    @extend_schema(
        request=TransitionInputSerializer,
        responses={
            200: PeriodReportDetailSerializer,
            412: OpenApiResponse(
                response=OpenApiTypes.OBJECT,
                description="If-Match or version does not name the current version of the "
                "report: nothing was changed.",
            ),
        },
    )
    def post(self, request, pk):
        if not MAY[self.action_name](request.user):
            raise PermissionDenied
        body = TransitionInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        report = selectors.period_report_get(user=request.user, pk=_pk(pk))
        version = body.validated_data.get("version")
        if request.headers.get("If-Match") is not None:
            version = expected_version(request, report)  # 412 when it names another version
        comment = body.validated_data.get("comment", "")
        report = TRANSITIONS[self.action_name](request.user, report, version, comment)
        report = selectors.period_report_get(user=request.user, pk=report.pk)
        data = PeriodReportDetailSerializer(report, context={"request": request}).data
        return Response(data, status=status.HTTP_200_OK, headers={"ETag": etag_for(report)})


def transition_view(name: str):
    return PeriodReportTransitionView.as_view(action_name=name)


class ManualIndicatorValueViewSet(WardRecordViewSet):
    """A ward's figure of a manual indicator (patrols held, leaflets handed out …) for one
    reporting period; the catalogue is kept by administrators."""

    model = ManualIndicatorValue
    serializer_class = ManualIndicatorValueSerializer
    filterset_class = ManualIndicatorValueFilterSet
    selectors = (selectors.manual_indicator_value_list, selectors.manual_indicator_value_get)
    services = (
        services.manual_indicator_value_create,
        services.manual_indicator_value_update,
        services.manual_indicator_value_delete,
    )
    ordering_fields = MANUAL_INDICATOR_VALUE_SORTABLE
    ordering = MANUAL_INDICATOR_VALUE_ORDERING


ROUTES = [
    ("period-reports", PeriodReportViewSet),
    ("manual-indicator-values", ManualIndicatorValueViewSet),
]
