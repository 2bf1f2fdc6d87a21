from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from wardsecurity import offline
from wardsecurity.portal import export_views, pages
from wardsecurity.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("wardsecurity.api.urls")),
    path("", include("households.sheets_urls")),
    path("", include("cameras.map_urls")),
    # The browser portal (SPEC §9): sign-in, the role's home, periods, then every entity's pages.
    path("login/", pages.LoginView.as_view(), name="login"),
    path("logout/", offline.LogoutView.as_view(), name="logout"),
    # Offline use on a phone (docs/portal.md): from the root, so the worker controls every page.
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("sw.js", offline.service_worker, name="service_worker"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("periods/", pages.PeriodsView.as_view(), name="periods"),
    path("reporting/", include("reporting.urls_completeness")),
    path("exports/", export_views.ExportJobListView.as_view(), name="export_jobs"),
    path("exports/<int:pk>/", export_views.ExportJobView.as_view(), name="export_job"),
    path(
        "exports/<int:pk>/progress/",
        export_views.ExportJobProgressView.as_view(),
        name="export_job_progress",
    ),
    path(
        "exports/<int:pk>/download/",
        export_views.ExportJobDownloadView.as_view(),
        name="export_job_download",
    ),
    path("", include("households.urls")),
    path("", include("movement.urls")),
    path("", include("incidents.urls")),
    path("", include("cameras.urls")),
    path("imports/", include("imports.urls")),
    path("", include("reporting.urls")),
    path("", include("reports.urls")),
    path("", include("reporting.documents.urls")),
    path("", include("notifications.urls")),
    path("", pages.HomeView.as_view(), name="home"),
]

handler404 = "wardsecurity.views.not_found"
handler500 = "wardsecurity.outage.server_error"
