"""A person's notifications in the portal (issue 13, item 8), each also sent by e-mail.

A notification is sent once: ``(user, kind, key)`` is unique, and ``key`` names what it is
about (a report's transition, a ward's period, a period), so a task that runs again, or two
workers that run it at once, never notify twice.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from wardsecurity.models import User


class Notification(models.Model):
    """One message to one user: what happened, a link to it, and whether it was read."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", _("Report due soon")
        OVERDUE = "overdue", _("Report overdue")
        RETURNED = "returned", _("Report returned")
        ACCEPTED = "accepted", _("Report accepted")
        PERIOD_SUMMARY = "period_summary", _("Reporting summary of a period")

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the notification is about, e.g. "transition:42" or "ward:7:month:2025-08": codes
    # and ids only.
    key = models.CharField(_("key"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("message"), blank=True)
    link = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "key"],
                name="notification_sent_once",
                violation_error_message=_("This notification was already sent."),
            ),
        ]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread_idx"),
            models.Index(fields=["user", "-created_at"], name="notification_user_idx"),
        ]

    def __str__(self):
        return self.title

    @property
    def unread(self) -> bool:
        return self.read_at is None
