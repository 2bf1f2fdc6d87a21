"""The completeness page and the consolidated reports (issue 13, 5–6), under ``/reporting/``."""

from django.urls import path

from reporting import completeness_views as views

app_name = "completeness"
urlpatterns = [
    path("", views.CompletenessPageView.as_view(), name="index"),
    path("consolidated/", views.ConsolidatedListView.as_view(), name="consolidated_list"),
    path(
        "consolidated/<int:pk>/",
        views.ConsolidatedDetailView.as_view(),
        name="consolidated_detail",
    ),
]
