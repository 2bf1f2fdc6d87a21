"""The period reports' files (included by the project's URLs)."""

from django.urls import path

from reporting.documents.views import ConsolidatedDocumentView, PeriodReportDocumentView

app_name = "reporting_documents"

urlpatterns = [
    path(
        "reporting/reports/<int:pk>/document.<str:fmt>",
        PeriodReportDocumentView.as_view(),
        name="period_report_document",
    ),
    path(
        "reporting/consolidated/<int:pk>/document.<str:fmt>",
        ConsolidatedDocumentView.as_view(),
        name="consolidated_document",
    ),
]
