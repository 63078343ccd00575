"""Who may do what to which object: the one permission module.

Every scoped model names the org node it hangs on (`scope_node_field`, a lookup path to an
OrgNode, "" for OrgNode itself) and, where rows belong to a post, the post
(`scope_post_field`). From the user's grants this module builds:

- `scope_queryset(user, perm, qs)`: the rows the user may see/act on, as one indexed
  filter (materialised-path prefixes, no per-row permission rows);
- `has_perm(user, perm, obj)`: the same rule for one object, evaluated in Python;
- `ScopedPermission` (DRF) and `ScopedViewMixin` (HTML) that use both.

A grant comes from (1) a RoleAssignment over a node, (2) a django-guardian per-object
`supervise_orgnode` grant on a node (read-only, the node and below), (3) seed 004's
cross-unit supervision (read-only: posts of the same or lower rank in an area that enables
it) and (4) the user's own current posts (read-only).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.utils import timezone
from rest_framework.permissions import BasePermission

from org.models import NodeKind, OrgNode, PostHolding, Role, RoleAssignment

# Capabilities each role confers over its scope. Later areas add theirs here.
# Every role reads the organisation and the power inventory within its scope.
READ_PERMS: frozenset[str] = frozenset({"org.view", "power.view", "risk.view"})
_OFFICE = READ_PERMS | {
    "org.manage",
    "org.assign_roles",
    "audit.view",
    "calendar.manage",
    "power.manage",
    "risk.manage",
}
# Warnings: `alert.view` reads the risk-information archive and the warnings in scope,
# `alert.manage` records information (the collection points), `petition.manage` registers
# and handles petitions and reports. Who may issue which colour is decided by
# alerts.authority, not by a capability here.
_ALERT_READ = frozenset({"alert.view"})
_ALERT_OFFICE = frozenset({"alert.view", "alert.manage", "petition.manage"})
# Assessment: `assessment.view` reads cycles, ledgers and scores in scope; `assessment.unit`
# is the unit's own work (rules, self-inspection, ledger, talks); `assessment.manage` is the
# district's (open cycles, review, spot checks, marks, Act). Who approves a commitment is
# decided by assessment.authority, not by a capability here.
_ASSESS_READ = frozenset({"assessment.view"})
_ASSESS_UNIT = frozenset({"assessment.view", "assessment.unit"})
ROLE_PERMS: dict[str, frozenset[str]] = {
    Role.DISCIPLINE_COMMISSION: _OFFICE | _ALERT_OFFICE | {"dashboard.view", "assessment.view", "assessment.manage"},
    Role.DISCIPLINE_STAFF: _OFFICE | _ALERT_OFFICE | _ASSESS_UNIT,
    # records unit risk points; a collection point of risk information
    Role.LEADING_GROUP_OFFICE: READ_PERMS | {"audit.view", "risk.manage", "alert.view", "alert.manage"} | _ASSESS_UNIT,
    Role.UNIT_CHIEF: READ_PERMS | _ALERT_READ | {"audit.view", "dashboard.view"} | _ASSESS_UNIT,
    Role.DEPUTY_IN_CHARGE: READ_PERMS | _ALERT_READ,
    Role.LEADERSHIP_MEMBER: READ_PERMS | _ALERT_READ | _ASSESS_READ,
    Role.DEPARTMENT_HEAD: READ_PERMS | _ALERT_READ | {"power.manage", "risk.manage"},  # their department's
    Role.LEADING_GROUP_READER: READ_PERMS | _ALERT_READ | {"dashboard.view"} | _ASSESS_READ,
    Role.CADRE: READ_PERMS,
}
# (READ_PERMS is also what read-only grants confer: supervision, cross-unit supervision, own post.)
# Roles only a holder of the same role (or a superuser) may hand out.
RESTRICTED_ROLES = {Role.DISCIPLINE_COMMISSION}


@dataclass(frozen=True)
class NodeGrant:
    perms: frozenset[str]
    path: str
    depth: int
    subtree: bool
    departments: tuple[str, ...] = ()  # paths; when set, the grant covers only these

    def covers(self, path: str, depth: int, kind: str) -> bool:
        if self.departments:
            return any(path.startswith(p) for p in self.departments)
        if self.subtree:
            return path.startswith(self.path)
        return path == self.path or (
            path.startswith(self.path) and depth == self.depth + 1 and kind == NodeKind.DEPARTMENT
        )

    def q(self, prefix: str) -> Q:
        if self.departments:
            return reduce(or_, (Q(**{f"{prefix}path__startswith": p}) for p in self.departments))
        if self.subtree:
            return Q(**{f"{prefix}path__startswith": self.path})
        return Q(**{f"{prefix}path": self.path}) | Q(
            **{
                f"{prefix}path__startswith": self.path,
                f"{prefix}depth": self.depth + 1,
                f"{prefix}kind": NodeKind.DEPARTMENT,
            }
        )


@dataclass(frozen=True)
class PostGrant:
    """Read access to posts: in an area up to a rank (cross supervision) or by id (own)."""

    area_path: str = ""
    max_rank: int = 0
    post_ids: frozenset[int] = frozenset()

    def covers(self, post) -> bool:
        if self.post_ids:
            return post.pk in self.post_ids
        return post.rank <= self.max_rank and post.department.path.startswith(self.area_path)

    def q(self, prefix: str) -> Q:
        if self.post_ids:
            return Q(**{f"{prefix}pk__in": sorted(self.post_ids)})
        return Q(**{f"{prefix}department__path__startswith": self.area_path, f"{prefix}rank__lte": self.max_rank})


@dataclass(frozen=True)
class Grants:
    superuser: bool
    nodes: tuple[NodeGrant, ...]
    posts: tuple[PostGrant, ...]

    def perms(self) -> frozenset[str]:
        found: set[str] = set()
        for g in self.nodes:
            found |= g.perms
        if self.posts:
            found |= READ_PERMS
        return frozenset(found)


def role_assignments(user) -> list[RoleAssignment]:
    """The user's role assignments with their nodes and departments, fetched once per user
    object (i.e. once per request): the grants and the approval queue both read them."""
    cached = getattr(user, "_lianzheng_roles", None)
    if cached is None:
        cached = list(RoleAssignment.objects.filter(user=user).select_related("node").prefetch_related("departments"))
        user._lianzheng_roles = cached
    return cached


def _role_grants(user) -> list[NodeGrant]:
    grants = []
    for a in role_assignments(user):
        depts = tuple(d.path for d in a.departments.all()) if a.role == Role.DEPUTY_IN_CHARGE else ()
        grants.append(
            NodeGrant(ROLE_PERMS.get(a.role, frozenset()), a.node.path, a.node.depth, a.include_descendants, depts)
        )
    return grants


def _guardian_grants(user) -> list[NodeGrant]:
    """Per-object supervision grants (django-guardian), the user's own and their groups'.
    Read by the (indexed) user and group ids first: guardian's own get_objects_for_user
    compares every node's id cast to text, a scan of the whole tree on every request."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import GroupObjectPermission, UserObjectPermission

    wanted = {"content_type": ContentType.objects.get_for_model(OrgNode), "permission__codename": "supervise_orgnode"}
    mine = UserObjectPermission.objects.filter(user_id=user.pk, **wanted).values_list("object_pk", flat=True)
    groups = GroupObjectPermission.objects.filter(
        group_id__in=user.groups.through.objects.filter(user_id=user.pk).values("group_id"), **wanted
    ).values_list("object_pk", flat=True)
    pks = {int(pk) for pk in [*mine, *groups] if pk.isdigit()}
    if not pks:
        return []
    nodes = OrgNode.objects.filter(pk__in=sorted(pks)).only("path", "depth")
    return [NodeGrant(READ_PERMS, n.path, n.depth, True) for n in nodes]


def _post_grants(user, today: dt.date) -> list[PostGrant]:
    holdings = list(
        PostHolding.objects.on(today)
        .filter(person__user=user)
        .values_list("post_id", "post__rank", "post__department__path")
    )
    if not holdings:
        return []
    grants = [PostGrant(post_ids=frozenset(h[0] for h in holdings))]
    prefixes = {
        path[: i * OrgNode.steplen] for _id, _rank, path in holdings for i in range(1, len(path) // OrgNode.steplen)
    }
    areas = list(OrgNode.objects.filter(path__in=prefixes, cross_supervision=True).values_list("path", flat=True))
    for area in areas:
        ranks = [rank for _id, rank, path in holdings if path.startswith(area)]
        grants.append(PostGrant(area_path=area, max_rank=max(ranks)))
    return grants


def grants_for(user) -> Grants:
    """All grants of `user`, computed once per user object (i.e. once per request)."""
    cached = getattr(user, "_lianzheng_grants", None)
    if cached is not None:
        return cached
    if not user or not user.is_authenticated or not user.is_active:
        grants = Grants(False, (), ())
    elif user.is_superuser:
        grants = Grants(True, (), ())
    else:
        grants = Grants(
            False,
            tuple(_role_grants(user) + _guardian_grants(user)),
            tuple(_post_grants(user, timezone.localdate())),
        )
    user._lianzheng_grants = grants
    return grants


GRANTS_VERSION_KEY = "org:grants-version"


def grants_version() -> str:
    """A token that changes whenever anybody's grants may have changed (a role given or
    taken, a per-object grant, a post holding, a node moved, a user's status): what is
    cached per user under it (the dashboards) is never served after such a change."""
    version = cache.get(GRANTS_VERSION_KEY)
    if version is None:
        version = grants_changed()
    return version


def grants_changed(**_signal) -> str:
    """A new grants version (connected to the models' save and delete signals in
    org.apps; call it after a bulk change that sends none)."""
    version = uuid.uuid4().hex[:12]
    cache.set(GRANTS_VERSION_KEY, version, timeout=None)
    # Once more when the change is committed: a request that read the old grants between
    # the first bump and the commit must not have its entries kept.
    transaction.on_commit(lambda: cache.set(GRANTS_VERSION_KEY, uuid.uuid4().hex[:12], timeout=None))
    return version


def forget_grants(user) -> None:
    """Drop the cached grants (after the user's roles or posts changed in this request)."""
    for attr in ("_lianzheng_grants", "_lianzheng_roles"):
        if hasattr(user, attr):
            delattr(user, attr)


ALL_PERMS: frozenset[str] = frozenset().union(*ROLE_PERMS.values())


def user_perms(user) -> frozenset[str]:
    grants = grants_for(user)
    return ALL_PERMS if grants.superuser else grants.perms()


def _prefix(field: str | None) -> str:
    return f"{field}__" if field else ""


def scope_q(user, perm: str, model: type[Model]) -> Q:
    """A filter on `model` selecting the rows `user` may `perm`."""
    grants = grants_for(user)
    if grants.superuser:
        return Q()
    parts = [g.q(_prefix(model.scope_node_field)) for g in grants.nodes if perm in g.perms]
    post_field = getattr(model, "scope_post_field", None)
    if post_field is not None and perm in READ_PERMS:
        parts += [g.q(_prefix(post_field)) for g in grants.posts]
    if not parts:
        return Q(pk__in=[])
    return reduce(or_, parts)


def scope_queryset(user, perm: str, qs: QuerySet) -> QuerySet:
    """`qs` narrowed to what `user` may `perm`. DISTINCT is never needed: every part of
    the filter follows foreign keys, not reverse relations."""
    return qs.filter(scope_q(user, perm, qs.model))


def _follow(obj, field: str):
    for name in filter(None, field.split("__")):
        obj = getattr(obj, name)
    return obj


def has_perm(user, perm: str, obj: Model) -> bool:
    """May `user` `perm` this object? The same rule as scope_queryset, for one row."""
    grants = grants_for(user)
    if grants.superuser:
        return True
    node = _follow(obj, obj.scope_node_field)
    if any(perm in g.perms and g.covers(node.path, node.depth, node.kind) for g in grants.nodes):
        return True
    post_field = getattr(obj, "scope_post_field", None)
    if post_field is not None and perm in READ_PERMS and grants.posts:
        post = _follow(obj, post_field)
        return any(g.covers(post) for g in grants.posts)
    return False


def require(user, perm: str, obj: Model) -> None:
    if not has_perm(user, perm, obj):
        raise PermissionDenied


def scope_roots(user, perm: str = "org.view") -> QuerySet:
    """The top-most nodes of the user's scope, for the tree browser."""
    grants = grants_for(user)
    if grants.superuser:
        return OrgNode.objects.get_root_nodes()
    paths = set()
    for g in grants.nodes:
        if perm in g.perms:
            paths.update(g.departments or (g.path,))
    # Cross-supervision grants reach posts, not nodes: they show in the post list instead.
    # Drop a path already inside another one.
    roots = [p for p in paths if not any(p != o and p.startswith(o) for o in paths)]
    return OrgNode.objects.filter(path__in=roots).order_by("path")


def may_assign_role(user, *, role: str, node: OrgNode, include_descendants: bool) -> bool:
    """May `user` give someone `role` over `node`? Never more than the giver holds."""
    grants = grants_for(user)
    if grants.superuser:
        return True
    covering = [g for g in grants.nodes if "org.assign_roles" in g.perms and g.covers(node.path, node.depth, node.kind)]
    if not covering:
        return False
    if include_descendants and not any(g.subtree for g in covering):
        return False
    if role in RESTRICTED_ROLES:
        return RoleAssignment.objects.filter(user=user, role=role, node__path__in=node.path_prefixes()).exists()
    return True


class ScopedPermission(BasePermission):
    """DRF: the view declares `scope_perm_read` and `scope_perm_write`; objects are checked
    with has_perm and lists come from ScopedViewMixin.get_queryset."""

    def _perm(self, request, view) -> str:
        safe = request.method in ("GET", "HEAD", "OPTIONS")
        return view.scope_perm_read if safe else view.scope_perm_write

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        return self._perm(request, view) in user_perms(request.user)

    def has_object_permission(self, request, view, obj) -> bool:
        return has_perm(request.user, self._perm(request, view), obj)


class ScopedViewMixin:
    """HTML and API views: querysets and objects checked against the user's scope.
    (HTML views add LoginRequiredMixin; DRF views use ScopedPermission.)"""

    scope_perm_read = "org.view"
    scope_perm_write = "org.manage"

    def scoped(self, qs: QuerySet, perm: str | None = None) -> QuerySet:
        return scope_queryset(self.request.user, perm or self.scope_perm_read, qs)

    def check_scope(self, obj: Model, perm: str | None = None) -> Model:
        require(self.request.user, perm or self.scope_perm_read, obj)
        return obj
