"""The dashboard and report pages (SPEC §9, §10), under the ``reports`` namespace."""

from django.urls import path

from reports.dashboard import views as dashboard
from reports.documents import views as documents

app_name = "reports"
report_page = documents.ReportPageView.as_view()
urlpatterns = [
    path("dashboard/", dashboard.DashboardView.as_view(), name="dashboard"),
    path("reports/", report_page, name="report"),
    # The portal's navigation names the same page "index".
    path("reports/", report_page, name="index"),
    path("reports/print/", documents.PrintView.as_view(), name="print"),
    path("reports/scopes/", dashboard.ScopeSearchView.as_view(), name="scope-search"),
    path("reports/jobs/<int:pk>/", documents.JobProgressView.as_view(), name="job-progress"),
    path(
        "reports/jobs/<int:pk>/download/",
        documents.JobDownloadView.as_view(),
        name="job-download",
    ),
]
