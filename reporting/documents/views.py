"""Downloads of a ward's period report as .docx and PDF, for every reader of the ward."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.views import View

from reporting.documents.content import DOCUMENT_LANGUAGE
from reporting.documents.generate import FORMATS, ward_report_file
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
