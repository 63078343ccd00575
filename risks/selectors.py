"""Reads for the risk register, already scoped to the user."""

from __future__ import annotations

from django.db.models import Min, Q, QuerySet
from django.utils import timezone

from org.models import OrgNode, Post, PostHolding
from org.permissions import scope_queryset
from powers.models import ProcessStep
from risks.models import GradingRule, RiskPoint, RiskStatus


def suggested_grade(*, unit: OrgNode, likelihood: int, consequence: int) -> int:
    """The matrix's grade: the unit's own rule if it has one, else the default (seed 003)."""
    rules = dict(
        GradingRule.objects.filter(
            Q(unit=unit) | Q(unit__isnull=True), likelihood=likelihood, consequence=consequence
        ).values_list("unit_id", "grade")
    )
    return rules.get(unit.pk, rules.get(None, 3))


def risk_list(
    *,
    user,
    under: OrgNode | None = None,
    text: str = "",
    grade: int | None = None,
    category: int | None = None,
    kind: str = "",
    status: str = "",
) -> QuerySet[RiskPoint]:
    qs = RiskPoint.objects.select_related("unit", "node", "post", "category")
    if under is not None:
        qs = qs.filter(node__path__startswith=under.path)
    if text:
        qs = qs.filter(description__icontains=text)
    if grade:
        qs = qs.filter(grade=grade)
    if category:
        qs = qs.filter(category_id=category)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return scope_queryset(user, "risk.view", qs)


def current_posts(user) -> list[Post]:
    """The posts the user holds today, with their departments."""
    holdings = PostHolding.objects.on(timezone.localdate()).filter(person__user=user).select_related("post__department")
    return [h.post for h in holdings]


def step_grades(step_ids: list[int]) -> dict[int, int]:
    """Highest grade (lowest number) of the approved risk points on each step: the risk
    register's provider for the flowchart's risk nodes. Two queries."""
    steps = list(ProcessStep.objects.filter(pk__in=step_ids).values_list("pk", "version__power_id", "key"))
    if not steps:
        return {}
    powers = {power for _pk, power, _key in steps}
    grades = {
        (row["power_id"], row["step_key"]): row["top"]
        for row in RiskPoint.objects.filter(power_id__in=powers, status=RiskStatus.APPROVED)
        .exclude(step_key="")
        .values("power_id", "step_key")
        .annotate(top=Min("grade"))
        .order_by()
    }
    return {pk: grades[(power, key)] for pk, power, key in steps if (power, key) in grades}
