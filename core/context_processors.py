from __future__ import annotations

from core.menu import menu_for
from core.models import Notification


def navigation(request) -> dict:
    """The menu and the unread-notification count for the page chrome (2 queries at most)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    menu = menu_for(user)
    # The entry whose address is the longest prefix of this page's is the active one.
    matches = [e for e in menu if request.path == e["url"] or (e["url"] != "/" and request.path.startswith(e["url"]))]
    active = max(matches, key=lambda e: len(e["url"]), default=None)
    for entry in menu:
        entry["active"] = entry is active
    return {
        "main_menu": menu,
        "unread_notifications": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
