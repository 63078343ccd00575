"""The preset risk categories and the default grading matrix (seed 003), in one place:
the data migration installs them, and seed_demo makes sure they are there."""

from __future__ import annotations

CATEGORIES = ["思想道德", "岗位职责", "制度机制", "业务流程", "外部环境"]
# Seed 003: level 1 likely and severe; level 2 likely and fairly severe, or severe but
# unlikely; level 3 unlikely and minor. The two cells the seed leaves open are graded by
# their consequence: likely-but-minor and unlikely-and-fairly-severe are level 3.
# (likelihood 1 likely / 2 unlikely; consequence 1 severe / 2 fairly severe / 3 minor)
RULES = [(1, 1, 1), (1, 2, 2), (2, 1, 2), (1, 3, 3), (2, 2, 3), (2, 3, 3)]


def ensure_presets(category_model, rule_model) -> None:
    """Create what is missing; never changes what the office has edited."""
    for order, name in enumerate(CATEGORIES):
        category_model.objects.get_or_create(name=name, defaults={"sort_order": order})
    for likelihood, consequence, grade in RULES:
        rule_model.objects.get_or_create(
            unit=None, likelihood=likelihood, consequence=consequence, defaults={"grade": grade}
        )
