"""``/api/v1/reporting/completeness/`` and ``/api/v1/reporting/consolidated/`` (issue 13, 5–6).

Thin adapters over ``reporting.completeness`` and ``reporting.consolidation``: the selectors
decide scope (404 outside it) and the services decide roles (403), states and versions (412
with a stale ``If-Match``).
"""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting import completeness as comp
from reporting import consolidation as cons
from reporting.models import ConsolidatedReport
from wardsecurity.api.pagination import PageNumberPagination
from wardsecurity.api.schema import error_responses
from wardsecurity.api.viewsets import etag_for, expected_version
from wardsecurity.validators import is_ascii_integer


class ReaderPermission(permissions.BasePermission):
    """Signed in and a role that sees completeness; writes are the services' to refuse."""

    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if not comp.may_see_completeness(user):
            raise PermissionDenied
        return True


def _single(params, *names: str) -> None:
    repeated = [name for name in names if len(params.getlist(name)) > 1]
    if repeated:
        raise serializers.ValidationError(
            {name: [_("Give this parameter once.")] for name in repeated}
        )


SCOPE_PARAM = OpenApiParameter(
    "scope", str, description="all, province:<code>, cluster:<id> or ward:<code> (default all)"
)


class CompletenessView(APIView):
    """Every ward's report state for a reporting period, the rates and the missing wards."""

    permission_classes = [ReaderPermission]

    @extend_schema(
        summary="Read report completeness",
        description=(
            "Every ward's report state for a reporting period in the caller's scope: which "
            "wards submitted, on time or late, which were accepted, the rates and the missing"
            " wards. Steering committee viewers, province reviewers and administrators (403 "
            "for ward police and clerks). A scope outside the caller's answers 404; a bad "
            "period 400."
        ),
        parameters=[
            SCOPE_PARAM,
            OpenApiParameter(
                "period",
                str,
                description="month:2025-08, quarter:2025-Q3, half:2025-H1, "
                "months:2025:9 or year:2025 (default: the latest month that is due)",
            ),
        ],
        responses={200: dict},
    )
    def get(self, request):
        _single(request.query_params, "scope", "period")
        period = request.query_params.get("period") or comp.default_period().spec
        found = comp.completeness(
            user=request.user, scope=request.query_params.get("scope") or "all", period=period
        )
        return Response(found.as_dict())


class CompletenessYearView(APIView):
    """The monthly reports of a year, ward by ward, and each month's rates."""

    permission_classes = [ReaderPermission]

    @extend_schema(
        summary="Read a year's report completeness",
        description=(
            "The monthly reports of a year, ward by ward, with each month's submission, "
            "punctuality and acceptance rates. Steering committee viewers, province reviewers"
            " and administrators (403 for ward police and clerks)."
        ),
        parameters=[SCOPE_PARAM, OpenApiParameter("year", int, description="default: this year")],
        responses={200: dict},
    )
    def get(self, request):
        _single(request.query_params, "scope", "year")
        year_text = request.query_params.get("year") or ""
        if year_text and not is_ascii_integer(year_text):
            raise DjangoValidationError({"year": [_("Write the year with the digits 0-9.")]})
        year = int(year_text) if year_text else comp.default_period().end.year
        table = comp.year_table(
            user=request.user, scope=request.query_params.get("scope") or "all", year=year
        )
        return Response(table.as_dict())


# Consolidated reports ----------------------------------------------------------------------------


class ConsolidatedReportSerializer(serializers.ModelSerializer):
    scope = serializers.CharField(source="scope_spec", read_only=True)
    scope_name = serializers.CharField(read_only=True)
    number_symbol = serializers.CharField(read_only=True)
    signature_lines = serializers.ListField(child=serializers.CharField(), read_only=True)
    recipient_lines = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = ConsolidatedReport
        fields = [
            "id",
            "scope",
            "scope_kind",
            "scope_name",
            "period",
            "kind",
            "period_start",
            "period_end",
            *cons.CONSOLIDATED_TEXT_FIELDS,
            "number_symbol",
            "signature_lines",
            "recipient_lines",
            "state",
            "issued_at",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


def _detail(report: ConsolidatedReport, *, figures: bool = True, code=status.HTTP_200_OK):
    data: dict[str, Any] = dict(ConsolidatedReportSerializer(report).data)
    if figures:
        data["figures"] = cons.report_figures(report)
    response = Response(data, status=code)
    response["ETag"] = etag_for(report)
    return response


class ConsolidatedReportListView(APIView):
    """The consolidated reports in scope (GET); a reviewer creates one (POST)."""

    permission_classes = [ReaderPermission]
    sends_etag = True  # one report with its ETag (the schema declares the header)

    @extend_schema(
        summary="List consolidated reports",
        description=(
            "The consolidated reports (báo cáo tổng hợp) of ward clusters and provinces in "
            "the caller's scope, filtered by `period` and `state`, 50 a page. Steering "
            "committee viewers, province reviewers and administrators (403 for ward police "
            "and clerks)."
        ),
        operation_id="reporting_consolidated_list",
        parameters=[
            OpenApiParameter("page", int),
            OpenApiParameter("period", str),
            OpenApiParameter("state", str, enum=ConsolidatedReport.State.values),
        ],
        responses={
            200: inline_serializer(
                "PaginatedConsolidatedReportList",
                fields={
                    "count": serializers.IntegerField(allow_null=True),
                    "next": serializers.CharField(allow_null=True),
                    "previous": serializers.CharField(allow_null=True),
                    "results": ConsolidatedReportSerializer(many=True),
                },
            )
        },
    )
    def get(self, request):
        reports = cons.consolidated_report_list(
            user=request.user,
            filters={k: request.query_params.get(k) for k in ("period", "state")},
        )
        paginator = PageNumberPagination()
        page = paginator.paginate_queryset(reports, request, view=self)
        rows = ConsolidatedReportSerializer(page, many=True).data
        return paginator.get_paginated_response(rows)

    @extend_schema(
        summary="Create a consolidated report",
        description=(
            "Drafts the consolidated report of a scope (`cluster:<id>` or `province:<code>`) "
            "for a period from its wards' accepted reports, 201. Province reviewers and "
            "administrators only (403 for every other role). Refused: a scope outside the "
            "caller's or a period that is not a reporting period (400), a second report of "
            "the same scope and period (400)."
        ),
        request=dict,
        responses={201: ConsolidatedReportSerializer},
    )
    def post(self, request):
        report = cons.consolidated_report_create(actor=request.user, data=request.data)
        report = cons.consolidated_report_get(user=request.user, pk=report.pk)
        return _detail(report, code=status.HTTP_201_CREATED)


class ConsolidatedReportDetailView(APIView):
    """One consolidated report with its figures (GET), changed (PATCH) or deleted (DELETE)."""

    permission_classes = [ReaderPermission]
    sends_etag = True  # one report with its ETag (the schema declares the header)

    def _get(self, request, pk):
        return cons.consolidated_report_get(user=request.user, pk=pk)

    @extend_schema(
        summary="Read a consolidated report",
        description=(
            "One consolidated report with its figures, heading and signer, with its `ETag`. "
            "Steering committee viewers, province reviewers and administrators (403 for ward "
            "police and clerks); outside the caller's scope, 404."
        ),
        responses={200: ConsolidatedReportSerializer},
    )
    def get(self, request, pk):
        return _detail(self._get(request, pk))

    @extend_schema(
        summary="Change part of a consolidated report",
        description=(
            "Changes the heading, signer or assessment of a draft consolidated report; "
            "`If-Match` names the version the caller read (412 when it changed since). "
            "Province reviewers and administrators only (403 for every other role); outside "
            "the scope, 404. Refused: an issued report (400)."
        ),
        request=dict,
        responses={200: ConsolidatedReportSerializer},
    )
    def patch(self, request, pk):
        report = self._get(request, pk)
        report = cons.consolidated_report_update(
            actor=request.user,
            instance=report,
            data=request.data,
            expected_version=expected_version(request, report),
        )
        return _detail(cons.consolidated_report_get(user=request.user, pk=report.pk))

    @extend_schema(
        summary="Delete a consolidated report",
        description=(
            "Deletes a draft consolidated report (204); `If-Match` as for a change. Province "
            "reviewers and administrators only (403 for every other role); outside the scope,"
            " 404. Refused: an issued report (400)."
        ),
        responses={204: None},
    )
    def delete(self, request, pk):
        report = self._get(request, pk)
        cons.consolidated_report_delete(
            actor=request.user,
            instance=report,
            expected_version=expected_version(request, report),
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class ConsolidatedReportIssueView(APIView):
    """Issue the report: its figures are frozen (POST)."""

    permission_classes = [ReaderPermission]
    sends_etag = True  # one report with its ETag (the schema declares the header)

    @extend_schema(
        summary="Issue a consolidated report",
        description=(
            "Issues a draft consolidated report: its figures are frozen and it can no longer "
            "be changed or deleted. Province reviewers and administrators only (403 for every"
            " other role); outside the scope, 404. Refused: a report already issued (400); a "
            "stale `If-Match` 412."
        ),
        request=None,
        responses={200: ConsolidatedReportSerializer, **error_responses(400, 412, 428)},
    )
    def post(self, request, pk):
        report = cons.consolidated_report_get(user=request.user, pk=pk)
        report = cons.consolidated_report_issue(
            actor=request.user,
            instance=report,
            expected_version=expected_version(request, report),
        )
        return _detail(cons.consolidated_report_get(user=request.user, pk=report.pk))
