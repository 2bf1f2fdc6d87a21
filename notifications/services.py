"""Sending and reading notifications: each one stored once, then e-mailed once."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Notification
from wardsecurity.models import User

logger = logging.getLogger(__name__)
# (filename, content, content type) of a file sent with the e-mail.
Attachment = tuple[str, bytes, str]
# Messages are written in the portal's official language.
LANGUAGE = "vi"


def notification_send(
    *,
    user: User,
    kind: str,
    key: str,
    title: str,
    body: str = "",
    link: str = "",
    attachments: Sequence[Attachment] = (),
) -> Notification | None:
    """Notify ``user`` once about ``key``: the stored notification, or None if it was sent
    before (by this run, an earlier one, or a worker running at the same time).

    The e-mail leaves after the surrounding transaction commits, so a rolled-back change
    never mails anyone.
    """
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user, kind=kind, key=key, title=title[:200], body=body, link=link
            )
    except IntegrityError:
        return None
    if user.email:
        transaction.on_commit(partial(_email, notification.pk, tuple(attachments)))
    return notification


def _email(pk: int, attachments: tuple[Attachment, ...]) -> None:
    notification = Notification.objects.select_related("user").get(pk=pk)
    base = getattr(settings, "PORTAL_BASE_URL", "").rstrip("/")
    with translation.override(LANGUAGE):
        text = render_to_string(
            "emails/notification.txt",
            {
                "notification": notification,
                "url": f"{base}{notification.link}" if notification.link else "",
                "list_url": f"{base}/notifications/",
            },
        )
    message = EmailMessage(subject=notification.title, body=text, to=[notification.user.email])
    for filename, content, content_type in attachments:
        message.attach(filename, content, content_type)
    try:
        message.send()
    except OSError:  # the mail server is down: the notification stays in the portal
        logger.warning("notification %s: the e-mail could not be sent", pk)
        return
    Notification.objects.filter(pk=pk).update(emailed_at=timezone.now())


def notification_mark_read(*, user: User, pk: int | None = None) -> int:
    """Mark one of ``user``'s notifications read, or all of them when ``pk`` is None."""
    unread = Notification.objects.filter(user=user, read_at__isnull=True)
    if pk is not None:
        unread = unread.filter(pk=pk)
    return unread.update(read_at=timezone.now())
