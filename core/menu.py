"""The main menu: each app registers its entries; a user sees only what their roles allow."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    key: str
    label: str  # a lazy translation
    url_name: str
    icon: str
    perm: str | None  # None: every signed-in user
    order: int = 100


_ENTRIES: dict[str, MenuEntry] = {}


def register_many(entries: list[MenuEntry]) -> None:
    for entry in entries:
        _ENTRIES[entry.key] = entry


def menu_for(user) -> list[dict]:
    """The entries this user may open, in order, with their URLs."""
    from org.permissions import user_perms

    perms = user_perms(user)
    visible = [e for e in _ENTRIES.values() if e.perm is None or e.perm in perms]
    return [
        {"key": e.key, "label": e.label, "url": reverse(e.url_name), "icon": e.icon}
        for e in sorted(visible, key=lambda e: (e.order, e.key))
    ]
