"""Reads for the risk register, already scoped to the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from org.models import OrgNode, Post, PostHolding
from org.permissions import scope_queryset
from powers.models import ProcessStep
from risks.models import (
    OPEN_MEASURE_STATUSES,
    Grade,
    GradingRule,
    Measure,
    MeasureStatus,
    Review,
    ReviewStatus,
    RiskPoint,
    RiskStatus,
)


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


def review_queue(user) -> QuerySet[Review]:
    """The stages awaiting the user's decision (their 待办 queue), newest first."""
    from risks.approval import decider_q

    return (
        Review.objects.filter(status=ReviewStatus.PENDING)
        .filter(decider_q(user))
        .select_related("point__unit", "point__node", "point__post", "point__category", "at_node", "submitted_by")
    )


def review_counts(user) -> dict[str, int]:
    """Pending stages for the user by action: one aggregate."""
    rows = review_queue(user).values("action").annotate(n=Count("pk")).order_by()
    return {row["action"]: row["n"] for row in rows}


def my_measures(user, *, overdue_only: bool = False) -> QuerySet[Measure]:
    qs = Measure.objects.filter(owner__user=user).select_related("point", "type", "owner")
    if overdue_only:
        qs = qs.filter(status__in=OPEN_MEASURE_STATUSES, deadline__lt=timezone.localdate())
    return qs


def measure_counts(user) -> dict[str, int]:
    """The user's open measures that are overdue and due within a week: one aggregate."""
    today = timezone.localdate()
    return Measure.objects.filter(owner__user=user, status__in=OPEN_MEASURE_STATUSES).aggregate(
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        due_soon=Count("pk", filter=Q(deadline__gte=today, deadline__lte=today + dt.timedelta(days=7))),
    )


@dataclass
class Rollup:
    total: int
    by_grade: dict[int, int]
    by_kind: dict[str, int]
    by_category: list[tuple[str, int]]
    risk_posts: int
    risk_nodes: int
    children: list[dict]


def rollup(*, user, node: OrgNode | None = None, post: Post | None = None) -> Rollup:
    """Counts of the approved risk points of a post, or of a node and everything below it:
    by grade, kind and category, the number of risk posts and risk nodes (the figures seeds
    000 and 004 report), and one row per child node. A fixed number of aggregates."""
    qs = RiskPoint.objects.filter(status=RiskStatus.APPROVED)
    if post is not None:
        qs = qs.filter(post=post)
    elif node is not None:
        qs = qs.filter(node__path__startswith=node.path)
    qs = scope_queryset(user, "risk.view", qs)
    grades = dict.fromkeys(Grade.values, 0)
    grades.update({r["grade"]: r["n"] for r in qs.values("grade").annotate(n=Count("pk")).order_by()})
    kinds = {r["kind"]: r["n"] for r in qs.values("kind").annotate(n=Count("pk")).order_by()}
    categories = [
        (r["category__name"], r["n"])
        for r in qs.values("category__name", "category__sort_order")
        .annotate(n=Count("pk"))
        .order_by("category__sort_order", "category__name")
    ]
    risk_posts = qs.exclude(post__isnull=True).values("post_id").distinct().count()
    risk_nodes = qs.exclude(step_key="").values("power_id", "step_key").distinct().count()
    children: list[dict] = []
    if post is None and node is not None and node.kind != "department":
        width = len(node.path) + OrgNode.steplen
        per_child = {
            r["prefix"]: r
            for r in qs.filter(node__depth__gt=node.depth)
            .annotate(prefix=Substr("node__path", 1, width))
            .values("prefix")
            .annotate(
                n=Count("pk"),
                g1=Count("pk", filter=Q(grade=1)),
                g2=Count("pk", filter=Q(grade=2)),
                g3=Count("pk", filter=Q(grade=3)),
            )
            .order_by()
        }
        for child in OrgNode.objects.get_children(node).only("pk", "name", "kind", "path"):
            row = per_child.get(child.path)
            if row:
                children.append({"node": child, **{k: row[k] for k in ("n", "g1", "g2", "g3")}})
    return Rollup(
        total=sum(grades.values()),
        by_grade=grades,
        by_kind=kinds,
        by_category=categories,
        risk_posts=risk_posts,
        risk_nodes=risk_nodes,
        children=children,
    )


def public_points(power_id: int) -> list[RiskPoint]:
    """Approved risk points of a power with their measures, for the public portal: two
    queries, and nothing that is not approved."""
    return list(
        RiskPoint.objects.filter(power_id=power_id, status=RiskStatus.APPROVED)
        .select_related("category")
        .prefetch_related(
            Prefetch(
                "measures",
                queryset=Measure.objects.exclude(status=MeasureStatus.CANCELLED).select_related("type"),
            )
        )
        .order_by("step_key", "grade", "pk")
    )
