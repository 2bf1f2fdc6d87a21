from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("period-reports/", views.PeriodReportListView.as_view(), name="list"),
    path("period-reports/<int:pk>/", views.PeriodReportView.as_view(), name="report"),
]
