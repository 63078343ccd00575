"""My to-do (我的待办): each app registers a provider; the home page lists what they return.

A provider takes the user and returns TodoItems; each must cost a bounded number of
queries (one aggregate), whatever the user's scope.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class TodoItem:
    title: str
    count: int
    url: str
    urgency: int = 0  # higher sorts first
    due: str = ""


Provider = Callable[[object], list[TodoItem]]
_PROVIDERS: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def todos_for(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _PROVIDERS:
        items.extend(i for i in provider(user) if i.count)
    return sorted(items, key=lambda i: (-i.urgency, str(i.title)))
