from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from wardsecurity.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("wardsecurity.api.urls")),
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
]

handler404 = "wardsecurity.views.not_found"
