"""The dashboard and report pages (SPEC §9, §10), under the ``reports`` namespace."""

from django.urls import path

from reports import views

app_name = "reports"
report_page = views.ReportPageView.as_view()
urlpatterns = [
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("reports/", report_page, name="report"),
    # The portal's navigation names the same page "index".
    path("reports/", report_page, name="index"),
    path("reports/print/", views.PrintView.as_view(), name="print"),
    path("reports/jobs/<int:pk>/", views.JobProgressView.as_view(), name="job-progress"),
    path("reports/jobs/<int:pk>/download/", views.JobDownloadView.as_view(), name="job-download"),
]
