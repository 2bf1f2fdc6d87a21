"""``/api/v1/period-reports/``, the transition actions beside them, and the manual values."""

from drf_spectacular.utils import extend_schema, extend_schema_view
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
from wardsecurity.api.schema import error_responses
from wardsecurity.api.viewsets import WardRecordViewSet, etag_for, expected_version
from wardsecurity.services import OutOfScope


class PeriodReportViewSet(WardRecordViewSet):
    """Period reports (báo cáo định kỳ): a ward's report on the movement for a reporting period
    (month, quarter, half-year, year), drafted by the ward with its narrative prefilled from the
    figures, submitted by its police and accepted or returned by the province's reviewer. The state
    changes through the `submit`, `return`, `accept` and `reopen` operations beside the resource.

    Ward police officers and ward clerks create and edit their ward's drafts and returned reports;
    steering committee viewers and province reviewers read those of their scope; administrators
    read and write all.

    Refused: a second report of the ward for the same period (400), a changed period (400), editing
    a submitted or accepted report (400), deleting a report that was ever submitted (400), writes
    by steering viewers and province reviewers (403).
    """

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
    """`If-Match` (the report's ETag) or `version` in the body names the version the caller
    saw: a report changed since answers 412 and nothing changes; a report no longer in a state
    that allows the change answers 400 with what happened. The answer is the report, with its
    new `ETag`."""

    permission_classes = [IsAuthenticated]
    sends_etag = True  # one report with its ETag (the schema declares the header)
    action_name = ""

    @extend_schema(
        request=TransitionInputSerializer,
        responses={
            200: PeriodReportDetailSerializer,
            **error_responses(
                412,
                e412="If-Match or version does not name the current version of the "
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


# Each change is its own operation in the schema: its summary, then what it does, who may ask
# and what it refuses, before what every change shares (the view's docstring).
TRANSITION_DOCS = {
    "submit": (
        "Submit a period report",
        "Submits a draft or returned report of the ward to the province's reviewer; it can no "
        "longer be edited unless it is returned. Ward police officers of the ward and "
        "administrators only (403 for every other role, before any lookup); another ward's "
        "report answers 404. Refused: a report already submitted or accepted (400).",
    ),
    "return": (
        "Return a period report",
        "Returns a submitted report to its ward with a `comment` saying what to correct; the "
        "ward is told, edits it and submits it again. Province reviewers and administrators "
        "only (403 for every other role); a report outside the scope answers 404. Refused: a "
        "report that is not submitted, or no comment (400).",
    ),
    "accept": (
        "Accept a period report",
        "Accepts a submitted report: its figures enter the consolidated reports of its "
        "province and clusters. Province reviewers and administrators only (403 for every "
        "other role); a report outside the scope answers 404. Refused: a report that is not "
        "submitted (400).",
    ),
    "reopen": (
        "Reopen a period report",
        "Reopens an accepted report, with the reason in `comment`: it goes back to the ward as "
        "returned, and the ward is told why. Province reviewers and administrators only (403 "
        "for every other role); a report outside the scope answers 404. Refused: a report that "
        "is not accepted, or no reason (400).",
    ),
}


def transition_view(name: str):
    summary, description = TRANSITION_DOCS[name]
    common = " ".join((PeriodReportTransitionView.__doc__ or "").split())
    view: type[PeriodReportTransitionView] = type(
        f"PeriodReport{name.title()}View",
        (PeriodReportTransitionView,),
        {"__doc__": f"{description}\n\n{common}", "action_name": name},
    )
    return extend_schema_view(post=extend_schema(summary=summary))(view).as_view()


class ManualIndicatorValueViewSet(WardRecordViewSet):
    """Manual indicator values: a ward's figure, for one reporting period, of an indicator the
    statistics cannot count (patrols held, leaflets handed out …); administrators keep the
    catalogue of indicators.

    Ward police officers and ward clerks read and write their ward's; steering committee viewers
    (Ban Chỉ đạo 138) and province reviewers read those of their scope; administrators read and
    write all.

    Refused: an indicator no longer in use (400), a second value of the indicator for the same or
    an overlapping period (400), writes by steering viewers and province reviewers (403).
    """

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
