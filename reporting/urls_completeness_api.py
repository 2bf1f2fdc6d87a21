"""``/api/v1/reporting/``: completeness and consolidated reports (issue 13, 5–6)."""

from django.urls import path

from reporting import completeness_api as views

urlpatterns = [
    path("completeness/", views.CompletenessView.as_view(), name="reporting-completeness"),
    path(
        "completeness/year/",
        views.CompletenessYearView.as_view(),
        name="reporting-completeness-year",
    ),
    path(
        "consolidated/",
        views.ConsolidatedReportListView.as_view(),
        name="reporting-consolidated-list",
    ),
    path(
        "consolidated/<int:pk>/",
        views.ConsolidatedReportDetailView.as_view(),
        name="reporting-consolidated-detail",
    ),
    path(
        "consolidated/<int:pk>/issue/",
        views.ConsolidatedReportIssueView.as_view(),
        name="reporting-consolidated-issue",
    ),
]
