"""Reads for the organisation pages and API, already scoped to the user."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from org.models import NodeKind, OrgNode, Person, Post, PostHolding, RoleAssignment
from org.permissions import scope_queryset


def node_children(*, user, node: OrgNode) -> QuerySet[OrgNode]:
    """Visible children of `node` with their post counts (departments) in one query."""
    qs = OrgNode.objects.filter(path__startswith=node.path, depth=node.depth + 1).annotate(
        post_count=Count("posts", filter=Q(posts__is_active=True))
    )
    return scope_queryset(user, "org.view", qs).order_by("path")


def node_ancestors(node: OrgNode) -> QuerySet[OrgNode]:
    return OrgNode.objects.filter(path__in=node.path_prefixes()[:-1]).order_by("depth")


def node_subtree_counts(node: OrgNode) -> dict[str, int]:
    """Units, departments, posts and current holders below `node`: three aggregates."""
    below = OrgNode.objects.filter(path__startswith=node.path)
    # order_by() clears the tree's default ordering, which would split the GROUP BY.
    kinds = dict(below.order_by().values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    posts = Post.objects.filter(department__path__startswith=node.path, is_active=True).aggregate(
        total=Count("id"), key=Count("id", filter=Q(is_key_post=True))
    )
    holders = PostHolding.objects.current().filter(post__department__path__startswith=node.path).count()
    return {
        "units": kinds.get(NodeKind.UNIT, 0) - (1 if node.kind == NodeKind.UNIT else 0),
        "departments": kinds.get(NodeKind.DEPARTMENT, 0),
        "posts": posts["total"],
        "key_posts": posts["key"],
        "holders": holders,
    }


def _current_holdings_prefetch() -> Prefetch:
    return Prefetch(
        "holdings",
        queryset=PostHolding.objects.current().select_related("person").order_by("start_date"),
        to_attr="current_holdings",
    )


def post_list(
    *,
    user,
    under: OrgNode | None = None,
    text: str = "",
    key_only: bool = False,
    vacant_only: bool = False,
    rank: int | None = None,
    perm: str = "org.view",
) -> QuerySet[Post]:
    """Posts in the user's scope for `perm`. `vacant_only`: active posts nobody holds now."""
    qs = Post.objects.select_related("department").prefetch_related(_current_holdings_prefetch())
    if under is not None:
        qs = qs.filter(department__path__startswith=under.path)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(code__iexact=text))
    if key_only:
        qs = qs.filter(is_key_post=True)
    if vacant_only:
        qs = qs.filter(is_active=True).exclude(Exists(PostHolding.objects.current().filter(post=OuterRef("pk"))))
    if rank:
        qs = qs.filter(rank=rank)
    return scope_queryset(user, perm, qs)


def department_posts(*, user, department: OrgNode) -> QuerySet[Post]:
    qs = Post.objects.filter(department=department).prefetch_related(_current_holdings_prefetch())
    return scope_queryset(user, "org.view", qs).order_by("-rank", "name")


def holders_on(*, post: Post, day: dt.date) -> QuerySet[PostHolding]:
    """Who held `post` on `day`."""
    return PostHolding.objects.on(day).filter(post=post).select_related("person")


def person_list(*, user, under: OrgNode | None = None, text: str = "") -> QuerySet[Person]:
    qs = Person.objects.select_related("unit", "user")
    if under is not None:
        qs = qs.filter(unit__path__startswith=under.path)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(user__username__iexact=text))
    return scope_queryset(user, "org.view", qs)


def role_list(*, user, under: OrgNode | None = None) -> QuerySet[RoleAssignment]:
    qs = RoleAssignment.objects.select_related("user", "user__person", "node").prefetch_related("departments")
    if under is not None:
        qs = qs.filter(node__path__startswith=under.path)
    return scope_queryset(user, "org.view", qs)


def node_supervisors(node: OrgNode):
    """Users granted supervision of `node` itself (a per-object django-guardian grant)."""
    from guardian.shortcuts import get_users_with_perms

    return get_users_with_perms(
        node, only_with_perms_in=["supervise_orgnode"], with_group_users=False, with_superusers=False
    ).select_related("person")
