"""The hook by which the risk register marks risk nodes (风险节点) on flowcharts.

The risk-point area registers one function: given process-step ids, it returns each
step's highest risk grade (1 = highest). Flowcharts colour those steps; a step without
risk points is not a risk node. Until a provider is registered nothing is marked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

GradeProvider = Callable[[list[int]], dict[int, int]]
# Fill colours by grade; the warning colours are configuration elsewhere, these are
# the light fills that keep the step names readable.
GRADE_FILLS = {1: "#fbd5d2", 2: "#fde3c4", 3: "#fdf3bf"}

_provider: GradeProvider | None = None


def register(provider: GradeProvider | None) -> GradeProvider | None:
    """Set (or with None, clear) the function that grades steps; returns the one it replaced."""
    global _provider
    previous, _provider = _provider, provider
    return previous


def grades_for(step_ids: Iterable[int]) -> dict[int, int]:
    """Highest risk grade per step id, for the steps that carry risk points (one query
    in the provider, whatever the number of steps)."""
    ids = list(step_ids)
    if _provider is None or not ids:
        return {}
    return _provider(ids)


# The public portal's power pages list the approved risk points of the power and their
# measures: the risk register registers the function that returns them.
PublicPointsProvider = Callable[[int], list]
_public_provider: PublicPointsProvider | None = None


def register_public(provider: PublicPointsProvider | None) -> PublicPointsProvider | None:
    global _public_provider
    previous, _public_provider = _public_provider, provider
    return previous


def public_points(power_id: int) -> list:
    """The approved risk points on a power, with their measures (nothing unapproved)."""
    return _public_provider(power_id) if _public_provider is not None else []


# The warnings area marks risk nodes with an open warning (the flowchart outlines them).
WarnedProvider = Callable[[list[int]], set[int]]
_warned_provider: WarnedProvider | None = None


def register_warned(provider: WarnedProvider | None) -> WarnedProvider | None:
    global _warned_provider
    previous, _warned_provider = _warned_provider, provider
    return previous


def warned_for(step_ids: Iterable[int]) -> set[int]:
    """Step ids whose risk points carry an open warning."""
    ids = list(step_ids)
    if _warned_provider is None or not ids:
        return set()
    return _warned_provider(ids)
