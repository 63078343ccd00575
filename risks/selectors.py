"""Reads for the risk register, already scoped to the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import CharField, Count, Min, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone

from org.models import OrgNode, Post, PostHolding
from org.permissions import grants_for, scope_queryset
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


# Longest node or post id list a scope is spelt out as (see _scope_as_ids).
SCOPE_IDS_MAX = 500


def _scope_as_ids(user) -> Q | None:
    """The user's risk.view scope as short lists of node and post ids, when it reaches posts
    as well as nodes (their own post, cross-unit supervision) and is small.

    Such a scope is "node under these paths OR post among these": an OR across two tables
    that no index serves, so PostgreSQL lists a department head's points newest first by
    walking the whole register backwards (seconds at three million points). Spelt as
    `node_id IN (...) OR post_id IN (...)` it combines two indexes. The nodes are those the
    user's node grants cover and the posts those their post grants cover, each grant's own
    filter from the permission module: every point the scope admits has its node in the
    first list or its post in the second, so ANDed with the scope this changes no result.
    None when there is no such OR or a list would be long."""
    grants = grants_for(user)
    if not grants.posts:
        return None
    nodes = scope_queryset(user, "risk.view", OrgNode.objects.order_by()).values_list("pk", flat=True)
    nodes = list(nodes[: SCOPE_IDS_MAX + 1])
    if len(nodes) > SCOPE_IDS_MAX:
        return None
    granted = reduce(or_, (g.q("") for g in grants.posts))
    posts = list(Post.objects.filter(granted).order_by().values_list("pk", flat=True)[: SCOPE_IDS_MAX + 1])
    if len(posts) > SCOPE_IDS_MAX:
        return None
    return Q(node_id__in=nodes) | Q(post_id__in=posts)


# Largest area whose node ids a roll-up spells out (a county has some 400 nodes).
SUBTREE_IDS_MAX = 1000


def _subtree_ids(node: OrgNode) -> list[int] | None:
    """The ids of `node` and of every node below it, if there are at most SUBTREE_IDS_MAX.

    Points whose node is among these are exactly the points under the node's path, but
    the condition sits on the points' own column: PostgreSQL then reads an area's points
    through the node index, where for the path condition (through the join) its default
    costs choose to scan the whole register (about 20,000 approved points of a county
    spread over three million: 1 s against under 0.1 s)."""
    ids = OrgNode.objects.filter(path__startswith=node.path).order_by().values_list("pk", flat=True)
    ids = list(ids[: SUBTREE_IDS_MAX + 1])
    return ids if len(ids) <= SUBTREE_IDS_MAX else None


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
    if under is None and (ids := _scope_as_ids(user)) is not None:
        qs = qs.filter(ids)
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
    000 and 004 report), and one row per child node. Two passes over the points whatever
    their number: one grouped count (grade x kind x category x child) the figures are summed
    from, one for the distinct posts and nodes; and a query for the child nodes' names."""
    qs = RiskPoint.objects.filter(status=RiskStatus.APPROVED)
    if post is not None:
        qs = qs.filter(post=post)
    elif node is not None:
        qs = qs.filter(node__path__startswith=node.path)
        if (ids := _subtree_ids(node)) is not None:
            qs = qs.filter(node_id__in=ids)
    qs = scope_queryset(user, "risk.view", qs)
    with_children = post is None and node is not None and node.kind != "department"
    groups = qs.values("grade", "kind", "category__name", "category__sort_order")
    if with_children:
        # The first `width` characters of a point's node path name the child it is under;
        # points on the node itself have a shorter path and count in no child's row.
        width = len(node.path) + OrgNode.steplen
        groups = groups.annotate(prefix=Substr("node__path", 1, width)).values(
            "grade", "kind", "category__name", "category__sort_order", "prefix"
        )
    grades = dict.fromkeys(Grade.values, 0)
    kinds: dict[str, int] = {}
    categories: dict[tuple[int, str], int] = {}
    per_child: dict[str, dict[str, int]] = {}
    for row in groups.annotate(n=Count("pk")).order_by():
        n, grade = row["n"], row["grade"]
        grades[grade] = grades.get(grade, 0) + n
        kinds[row["kind"]] = kinds.get(row["kind"], 0) + n
        key = (row["category__sort_order"], row["category__name"])
        categories[key] = categories.get(key, 0) + n
        if with_children:
            child = per_child.setdefault(row["prefix"], {"n": 0, "g1": 0, "g2": 0, "g3": 0})
            child["n"] += n
            if grade in (1, 2, 3):
                child[f"g{grade}"] += n
    distinct = qs.aggregate(
        posts=Count("post", distinct=True),
        nodes=Count(
            Concat("power_id", Value("/"), "step_key", output_field=CharField()),
            distinct=True,
            filter=~Q(step_key=""),
        ),
    )
    children: list[dict] = []
    if with_children and per_child:
        for child in OrgNode.objects.get_children(node).only("pk", "name", "kind", "path"):
            row = per_child.get(child.path)
            if row:
                children.append({"node": child, **row})
    return Rollup(
        total=sum(grades.values()),
        by_grade=grades,
        by_kind=kinds,
        by_category=[(name, n) for (_order, name), n in sorted(categories.items())],
        risk_posts=distinct["posts"],
        risk_nodes=distinct["nodes"],
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
