"""Routes of ``/api/v1/imports/`` (included by ``wardsecurity.api.urls``)."""

from django.urls import path

from imports.api import views

urlpatterns = [
    path("", views.ImportUploadView.as_view(), name="import-upload"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="import-detail"),
    path("<int:pk>/commit/", views.ImportCommitView.as_view(), name="import-commit"),
    path("<int:pk>/cancel/", views.ImportCancelView.as_view(), name="import-cancel"),
    path("templates/<str:kind>/", views.ImportTemplateView.as_view(), name="import-template"),
]
