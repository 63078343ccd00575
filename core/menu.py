"""The main menu: each app registers its entries; a user sees only what their roles allow."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import pgettext_lazy


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


# The menu's sections, by the entries' order: (first order of the section, heading).
SECTIONS = [
    (0, pgettext_lazy("menu section", "My work")),
    (10, pgettext_lazy("menu section", "Organisation and powers")),
    (21, pgettext_lazy("menu section", "Risk prevention")),
    (25, pgettext_lazy("menu section", "Warnings")),
    (30, pgettext_lazy("menu section", "Assessment")),
    (80, pgettext_lazy("menu section", "System")),
]


def _section(order: int):
    return [label for start, label in SECTIONS if order >= start][-1]


def menu_for(user) -> list[dict]:
    """The entries this user may open, in order, with their URLs and section headings."""
    from org.permissions import user_perms

    perms = user_perms(user)
    visible = [e for e in _ENTRIES.values() if e.perm is None or e.perm in perms]
    return [
        {"key": e.key, "label": e.label, "url": reverse(e.url_name), "icon": e.icon, "section": _section(e.order)}
        for e in sorted(visible, key=lambda e: (e.order, e.key))
    ]
