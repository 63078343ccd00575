"""One keyset paginator for the API and the HTML lists (no COUNT, no OFFSET)."""

from __future__ import annotations

from rest_framework.pagination import CursorPagination
from rest_framework.request import Request


class KeysetPagination(CursorPagination):
    """Cursor (keyset) pagination ordered by a unique key; newest id first by default."""

    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = "-id"


def keyset_page(request, queryset, *, ordering: str | tuple[str, ...] = "-id", page_size: int = 50):
    """Paginate an HTML list; returns (rows, next_url, previous_url)."""
    paginator = KeysetPagination()
    paginator.ordering = ordering
    paginator.page_size = page_size
    rows = paginator.paginate_queryset(queryset, Request(request))
    return rows, paginator.get_next_link(), paginator.get_previous_link()
