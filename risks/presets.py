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


# Seed 001's routing, the default for every unit: (case, stage, role, action).
ROUTES = [
    ("post", 1, "dept_head", "approve"),  # graded by the department, approved by its head
    ("post_dept_head", 1, "deputy", "approve"),  # a department head's own: the deputy in charge
    ("post_leader", 1, "unit_chief", "approve"),  # a leadership member's: the chief
    ("post_chief", 1, "commission", "approve"),  # the chief's own: the discipline commission above
    ("department", 1, "deputy", "approve"),
    ("unit", 1, "lg_office", "grade"),  # the leading-group office's review panel
    ("unit", 2, "leadership", "approve"),  # the party group
    ("unit", 3, "discipline", "file"),  # filed with the discipline office
]
MEASURE_TYPES = ["教育", "制度", "监督", "科技", "流程"]


def ensure_routing(stage_model, measure_type_model) -> None:
    """The default routing table and measure types, where missing."""
    for case, order, role, action in ROUTES:
        stage_model.objects.get_or_create(unit=None, case=case, order=order, defaults={"role": role, "action": action})
    for order, name in enumerate(MEASURE_TYPES):
        measure_type_model.objects.get_or_create(name=name, defaults={"sort_order": order})
