"""Downloads of the period reports as .docx and PDF: a ward's, for every reader of the ward; a
consolidated report's, for the readers of completeness whose scope holds its province or
cluster."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View

from reporting.completeness import may_see_completeness
from reporting.consolidation import consolidated_report_get
from reporting.documents.content import DOCUMENT_LANGUAGE
from reporting.documents.generate import FORMATS, consolidated_report_file, ward_report_file
from reporting.models import PeriodReport
from reports.documents.generate import file_response
from wardsecurity.portal.views import PrivatePageMixin


class PeriodReportDocumentView(PrivatePageMixin, View):
    """``/reporting/reports/<pk>/document.<docx|pdf>``: any role that sees the ward's reports
    (``visible_to``); a report out of the caller's scope is a 404, as if it did not exist."""

    def get(self, request, pk: int, fmt: str):
        if fmt not in FORMATS:
            raise Http404
        reports = PeriodReport.objects.visible_to(request.user).select_related("ward__province")
        report = get_object_or_404(reports, pk=pk)
        filename, content_type, content = ward_report_file(
            report=report, user=request.user, fmt=fmt
        )
        return file_response(filename, content_type, content, language=DOCUMENT_LANGUAGE)


class ConsolidatedDocumentView(PrivatePageMixin, View):
    """``/reporting/consolidated/<pk>/document.<docx|pdf>``: as the report's page, ward police
    and clerks get 403 and a report outside the reader's scope is a 404. An issued report
    prints its frozen figures; a draft today's sums, marked "DỰ THẢO"."""

    def get(self, request, pk: int, fmt: str):
        if not may_see_completeness(request.user):
            raise PermissionDenied
        if fmt not in FORMATS:
            raise Http404
        report = consolidated_report_get(user=request.user, pk=pk)
        filename, content_type, content = consolidated_report_file(report=report, fmt=fmt)
        return file_response(filename, content_type, content, language=DOCUMENT_LANGUAGE)
