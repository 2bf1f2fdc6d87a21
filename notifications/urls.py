from django.urls import path

from notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.NotificationListView.as_view(), name="list"),
    path("notifications/badge/", views.NotificationBadgeView.as_view(), name="badge"),
    path("notifications/read/", views.NotificationReadView.as_view(), name="read_all"),
    path("notifications/<int:pk>/read/", views.NotificationReadView.as_view(), name="read"),
]
