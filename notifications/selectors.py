"""A user reads only their own notifications."""

from django.db.models import QuerySet

from notifications.models import Notification
from wardsecurity.models import User


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-pk")


def unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
