"""Shared writes: the one notification path."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Notification

logger = logging.getLogger(__name__)


def notify(
    *,
    recipient: AbstractBaseUser,
    key: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = True,
) -> Notification | None:
    """Write an in-app notification and (after commit) e-mail it.

    Idempotent by (recipient, key): a second call with the same key returns None and
    sends nothing, so a retried or doubled job never notifies twice.
    """
    try:
        with transaction.atomic():
            note = Notification.objects.create(recipient=recipient, key=key, title=title, body=body, url=url)
    except IntegrityError:
        return None
    if email and recipient.email:
        from core.tasks import email_notification

        transaction.on_commit(lambda: email_notification.delay(note.id))
    return note


def notification_email_send(*, notification_id: int) -> bool:
    """Send one notification's e-mail once; True when this call sent it.

    The conditional UPDATE claims the row, so two workers never both send it.
    """
    claimed = Notification.objects.filter(id=notification_id, emailed_at__isnull=True).update(emailed_at=timezone.now())
    if not claimed:
        return False
    note = Notification.objects.select_related("recipient").get(id=notification_id)
    body = note.body
    if note.url:
        body = f"{body}\n\n{settings.SITE_URL.rstrip('/')}{note.url}" if body else note.url
    send_mail(note.title, body, None, [note.recipient.email], fail_silently=False)
    return True


def notifications_mark_read(*, user: AbstractBaseUser, ids: list[int] | None = None) -> int:
    """Mark the user's notifications (all, or those in `ids`) read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(id__in=ids)
    return qs.update(read_at=timezone.now())
