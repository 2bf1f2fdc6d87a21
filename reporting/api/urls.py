"""The transitions of a period report, beside the resource: ``period-reports/<id>/submit/`` …"""

from django.urls import path

from reporting.api.views import transition_view

urlpatterns = [
    path(f"<int:pk>/{name}/", transition_view(name), name=f"period-report-{name}")
    for name in ("submit", "return", "accept", "reopen")
]
