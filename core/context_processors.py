from __future__ import annotations

from core.menu import menu_for
from core.models import Notification


def navigation(request) -> dict:
    """The menu and the unread-notification count for the page chrome (2 queries at most)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "main_menu": menu_for(user),
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
