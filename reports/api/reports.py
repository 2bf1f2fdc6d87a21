"""``GET /api/v1/reports/`` (the period report of SPEC §10) and its background jobs."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from reports.api.serializers import PERIOD_HELP
from reports.documents.generate import (
    DOCUMENT_LANGUAGE,
    DOCUMENT_LANGUAGES,
    DOCX,
    XLSX,
    file_response,
    report_file,
    report_request,
)
from reports.documents.jobs import report_job_create, report_job_for, report_job_requeue_if_stalled
from reports.figures.picker import PERIOD_MAX_LENGTH
from wardsecurity.api.exceptions import error_response
from wardsecurity.api.schema import error_responses
from wardsecurity.models import ReportJob


class ReportJobSerializer(serializers.ModelSerializer):
    status_url = serializers.SerializerMethodField()
    download = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = (
            "id",
            "scope",
            "period",
            "calendar",
            "format",
            "language",
            "status",
            "progress",
            "status_url",
            "download",
        )
        read_only_fields = fields

    def get_status_url(self, job) -> str:
        return reverse("api:report-job", args=[job.pk])

    def get_download(self, job) -> str | None:
        if job.status != ReportJob.Status.DONE:
            return None
        return reverse("api:report-job-download", args=[job.pk])


REPORT_PARAMETERS = [
    OpenApiParameter(
        "scope",
        str,
        required=True,
        description="ward:<code>, province:<code>, cluster:<id> or all",
    ),
    OpenApiParameter(
        "period",
        {"type": "string", "maxLength": PERIOD_MAX_LENGTH},
        required=True,
        description=PERIOD_HELP,
    ),
    OpenApiParameter("calendar", str, enum=["civil", "reporting"], required=False),
    OpenApiParameter(
        "format",
        str,
        enum=["docx", "xlsx", "csv", "pdf"],
        required=False,
        description="pdf answers a print-ready HTML page (print it to PDF from the browser)",
    ),
    OpenApiParameter(
        "lang",
        str,
        enum=list(DOCUMENT_LANGUAGES),
        required=False,
        description="the document's language: vi (the default) whatever Accept-Language says, "
        "for official documents are Vietnamese; en for an English copy to read. A report job "
        "keeps the language it was asked in.",
    ),
]
FILE_RESPONSES = {
    (200, DOCX): OpenApiTypes.BINARY,
    (200, XLSX): OpenApiTypes.BINARY,
    (200, "text/csv"): OpenApiTypes.STR,
    (200, "text/html"): OpenApiTypes.STR,
}


class FileFormatNegotiation(DefaultContentNegotiation):
    """``?format=`` names the report's file format here, not one of DRF's renderers (DRF would
    answer 404 for ``format=docx``); errors and jobs are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ReportView(APIView):
    """The period report of a scope, as a file; a scope of several wards answers 202 and a job."""

    content_negotiation_class = FileFormatNegotiation

    @extend_schema(
        summary="Download a period report",
        description=(
            "The period report (SPEC §10) of a scope (`ward:<code>`, `province:<code>`, "
            "`cluster:<id>`, `all`) over a period, as a DOCX, XLSX, CSV or PDF file. One "
            "ward's report is answered at once; a scope of several wards answers 202 with a "
            "report job to follow. Every signed-in role, within its scope: a scope outside it"
            " answers 404; a bad period, calendar, format or language 400."
        ),
        parameters=REPORT_PARAMETERS,
        responses={
            **FILE_RESPONSES,
            202: ReportJobSerializer,
            # A scope outside the caller's is no report (SPEC §4).
            **error_responses(404, e404="No such scope in the caller's."),
        },
    )
    def get(self, request):
        params = request.query_params
        wanted = report_request(
            user=request.user,
            scope=params.get("scope", ""),
            period=params.get("period", ""),
            calendar=params.get("calendar", ""),
            fmt=params.get("format", "docx"),
            lang=params.get("lang", DOCUMENT_LANGUAGE),
        )
        if wanted.background:
            job = report_job_create(
                actor=request.user, request=wanted, calendar=wanted.period.calendar
            )
            job.refresh_from_db()
            return Response(ReportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)
        return file_response(
            *report_file(user=request.user, request=wanted), language=wanted.language
        )


class ReportJobView(APIView):
    """A report job of the caller: status, progress and, once done, the download link."""

    @extend_schema(
        summary="Read a report job",
        description=(
            "A report job of the caller: status, progress and, once done, the link to "
            "download the file. The caller's own jobs only: anyone else's answers 404. A job "
            "left stalled by a stopped worker is queued again."
        ),
        responses={200: ReportJobSerializer},
    )
    def get(self, request, pk):
        job = report_job_for(user=request.user, job_id=pk)
        report_job_requeue_if_stalled(job=job)
        return Response(ReportJobSerializer(job).data)


class ReportJobDownloadView(APIView):
    """The file of a finished report job, for its owner only."""

    @extend_schema(
        summary="Download a report job's file",
        description=(
            "The file of a finished report job, for the user who asked for it only (404 for "
            "anyone else, and while the job is not done)."
        ),
        responses={
            **FILE_RESPONSES,
        },
    )
    def get(self, request, pk):
        job = report_job_for(user=request.user, job_id=pk)
        if job.status != ReportJob.Status.DONE:
            return error_response(
                "not_ready", _("The report is not ready yet."), status.HTTP_404_NOT_FOUND
            )
        content = ReportJob.objects.values_list("content", flat=True).get(pk=job.pk)
        return file_response(job.filename, job.content_type, bytes(content), language=job.language)
