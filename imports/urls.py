"""Browser pages of imports (SPEC §9), under ``/imports/``."""

from django.urls import path

from imports import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/commit/", views.commit, name="commit"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
]
