"""``/api/v1/``: every resource of SPEC §8, the auth endpoints and the OpenAPI schema."""

from importlib import import_module

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from reports.api import reports as report_views
from reports.api.views import StatsView
from wardsecurity.api import schema, views

# Each app lists its resources in ``<app>.api.views.ROUTES``.
RESOURCE_APPS = ("households", "movement", "incidents", "cameras", "reporting")

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False  # JSON only; "/households/1.5/" is simply not a route
for app in RESOURCE_APPS:
    try:
        module = import_module(f"{app}.api.views")
    except ModuleNotFoundError:
        continue
    for prefix, viewset in module.ROUTES:
        router.register(prefix, viewset, basename=prefix)

app_name = "api"
_ = schema  # registers the OpenAPI description of bearer tokens
urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("auth/logout/", views.LogoutView.as_view(), name="logout"),
    path("users/me/", views.MeView.as_view(), name="me"),
    path("periods/", views.PeriodListView.as_view(), name="periods"),
    path("periods/close/", views.PeriodCloseView.as_view(), name="period-close"),
    path("periods/reopen/", views.PeriodReopenView.as_view(), name="period-reopen"),
    path("reporting/", include("reporting.urls_completeness_api")),
    path("reports/", report_views.ReportView.as_view(), name="reports"),
    path("report-jobs/<int:pk>/", report_views.ReportJobView.as_view(), name="report-job"),
    path(
        "report-jobs/<int:pk>/download/",
        report_views.ReportJobDownloadView.as_view(),
        name="report-job-download",
    ),
    path("imports/", include("imports.api.urls")),
    path("period-reports/", include("reporting.api.urls")),
    path("stats/", StatsView.as_view(), name="stats"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    *router.urls,
]
