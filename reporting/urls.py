"""The portal's URLs of the reporting chain: the chain's pages and the records' own pages."""

from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("ward-reports/", views.PeriodReportListView.as_view(), name="list"),
    path("ward-reports/<int:pk>/", views.PeriodReportView.as_view(), name="report"),
    *(pattern for entity in views.ENTITIES for pattern in entity.urls()),
]
