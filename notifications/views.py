"""The portal's notification pages: the list, the unread badge, marking read."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from notifications.selectors import notification_list, unread_count
from notifications.services import notification_mark_read
from wardsecurity.portal.views import PrivatePageMixin

PAGE_SIZE = 50


class NotificationListView(PrivatePageMixin, View):
    """``/notifications/``: the signed-in person's notifications, newest first."""

    def get(self, request):
        page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = {"page": page, "unread": unread_count(user=request.user)}
        return render(request, "reporting/notifications.html", context)


class NotificationBadgeView(PrivatePageMixin, View):
    """The header's link text with the unread count (loaded by htmx, so pages pay no query)."""

    def get(self, request):
        context = {"unread": unread_count(user=request.user)}
        return render(request, "reporting/notifications_badge.html", context)


class NotificationReadView(PrivatePageMixin, View):
    """Mark one notification read (``pk``) or all of them; back to the list, or to its link."""

    def post(self, request, pk=None):
        notification_mark_read(user=request.user, pk=pk)
        if pk is not None and request.POST.get("open"):
            found = notification_list(user=request.user).filter(pk=pk).first()
            if found is not None and url_has_allowed_host_and_scheme(
                found.link, allowed_hosts=None
            ):
                return redirect(found.link)
        return redirect("notifications:list")
