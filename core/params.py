"""Reading query-string parameters the same way on every page."""

from __future__ import annotations


def int_param(value: str | None) -> int | None:
    """A positive whole number from the query string, or None for anything else."""
    return int(value) if value and value.isdigit() else None
