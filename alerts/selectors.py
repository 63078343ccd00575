"""Reads for the warnings area, already scoped to the user."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet, Value
from django.utils import timezone

from alerts import authority
from alerts.models import OPEN_WARNING_STATUSES, Petition, RiskInfo, RiskWarning, WarningStatus
from org.models import OrgNode, PostHolding
from org.permissions import has_perm, scope_queryset


def warning_list(
    *, user, under: OrgNode | None = None, level: int | None = None, status: str = "", overdue: bool = False
) -> QuerySet[RiskWarning]:
    qs = RiskWarning.objects.select_related("unit", "node", "post", "person")
    if under is not None:
        qs = qs.filter(node__path__startswith=under.path)
    if level:
        qs = qs.filter(level=level)
    if status == "open":
        qs = qs.filter(status__in=OPEN_WARNING_STATUSES)
    elif status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status=WarningStatus.ISSUED, reply_due__lt=timezone.localdate())
    return scope_queryset(user, "alert.view", qs)


def my_warnings(user) -> QuerySet[RiskWarning]:
    """Warnings the user must answer: to their posts, to them, to the departments they head
    and the units whose chief or leading-group office they are.

    What the user answers for is read first (one small query), so the warnings are found
    through the indexes on post, person, department and unit rather than by testing every
    warning against subqueries (a scan of the table and of every cadre)."""
    from org.models import Person, Role, RoleAssignment

    today = timezone.localdate()
    unit_roles = [Role.UNIT_CHIEF, Role.LEADING_GROUP_OFFICE]
    targets = (
        RoleAssignment.objects.filter(user=user, role__in=[Role.DEPARTMENT_HEAD, *unit_roles])
        .order_by()
        .values_list("role", "node_id")
        .union(
            PostHolding.objects.on(today)
            .filter(person__user=user)
            .order_by()
            .annotate(k=Value("post"))
            .values_list("k", "post"),
            Person.objects.filter(user=user).order_by().annotate(k=Value("person")).values_list("k", "pk"),
            all=True,
        )
    )
    found: dict[str, set[int]] = {"post": set(), "person": set(), "department": set(), "unit": set()}
    for kind, pk in targets:
        found["department" if kind == Role.DEPARTMENT_HEAD else "unit" if kind in unit_roles else kind].add(pk)
    parts = [
        Q(target_kind=kind, **{f"{field}__in": sorted(found[kind])})
        for kind, field in (
            ("post", "post_id"),
            ("person", "person_id"),
            ("department", "node_id"),
            ("unit", "unit_id"),
        )
        if found[kind]
    ]
    where = reduce(or_, parts) if parts else Q(pk__in=[])
    return RiskWarning.objects.filter(where).select_related("unit", "node", "post", "person")


def may_see_warning(user, warning: RiskWarning) -> bool:
    return has_perm(user, "alert.view", warning) or authority.is_responder(user, warning)


def info_list(
    *, user, under: OrgNode | None = None, kind: str = "", text: str = "", late: bool = False
) -> QuerySet[RiskInfo]:
    qs = RiskInfo.objects.select_related("unit", "node", "collection_point")
    if under is not None:
        qs = qs.filter(node__path__startswith=under.path)
    if kind:
        qs = qs.filter(kind=kind)
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(content__icontains=text))
    if late:
        qs = qs.filter(is_late=True)
    return scope_queryset(user, "alert.view", qs)


def late_by_collection_point(qs: QuerySet[RiskInfo], limit: int = 20) -> list[dict]:
    """Entries and late entries per collection point, most late first.

    Two aggregates instead of one over the whole archive in scope: the late entries alone
    (a partial index holds them; about 8% of the archive) pick the `limit` collection points,
    then their totals are counted. Same rows, same order."""
    base = qs.order_by()
    late = list(
        base.filter(is_late=True)
        .values("collection_point__name")
        .annotate(late=Count("*"))  # not COUNT(id): the partial index answers alone
        .order_by("-late", "collection_point__name")[:limit]
    )
    if not late:
        return []
    names = [r["collection_point__name"] for r in late]
    totals = dict(
        base.filter(collection_point__name__in=names)
        .values_list("collection_point__name")
        .annotate(total=Count("*"))
        .order_by()
    )
    return [
        {
            "collection_point__name": r["collection_point__name"],
            "total": totals[r["collection_point__name"]],
            "late": r["late"],
        }
        for r in late
    ]


def petition_list(*, user, under: OrgNode | None = None, status: str = "", overdue: bool = False):
    qs = Petition.objects.select_related("node", "assignee")
    if under is not None:
        qs = qs.filter(node__path__startswith=under.path)
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=["received", "assigned"], due_on__lt=timezone.localdate())
    return scope_queryset(user, "petition.manage", qs)


def open_warnings_for_points(point_ids: list[int]) -> dict[int, list[RiskWarning]]:
    """Open warnings resting on each risk point (one query)."""
    through = RiskWarning.risk_points.through
    rows = through.objects.filter(riskpoint_id__in=point_ids, riskwarning__status__in=OPEN_WARNING_STATUSES)
    found: dict[int, list[RiskWarning]] = {}
    for row in rows.select_related("riskwarning"):
        found.setdefault(row.riskpoint_id, []).append(row.riskwarning)
    return found


def warned_steps(step_ids: list[int]) -> set[int]:
    """The process steps (risk nodes) with an open warning on one of their risk points:
    the flowchart marks them. Two queries."""
    from powers.models import ProcessStep

    steps = list(ProcessStep.objects.filter(pk__in=step_ids).values_list("pk", "version__power_id", "key"))
    if not steps:
        return set()
    powers = {power for _pk, power, _key in steps}
    warned = set(
        RiskWarning.risk_points.through.objects.filter(
            riskpoint__power_id__in=powers, riskwarning__status__in=OPEN_WARNING_STATUSES
        )
        .exclude(riskpoint__step_key="")
        .values_list("riskpoint__power_id", "riskpoint__step_key")
    )
    return {pk for pk, power, key in steps if (power, key) in warned}


def warnings_touching(point) -> QuerySet[RiskWarning]:
    """Open warnings that rest on a risk point or target its post, department or unit."""
    return (
        RiskWarning.objects.filter(status__in=OPEN_WARNING_STATUSES)
        .filter(
            Q(risk_points=point)
            | Q(target_kind="post", post_id=point.post_id)
            | Q(target_kind="department", node_id=point.node_id)
            | Q(target_kind="unit", unit_id=point.unit_id)
        )
        .distinct()
        .order_by("level", "-id")
    )


def petition_handlers(petition: Petition):
    """Who may handle a petition: the discipline office of its unit and the commission
    above it."""
    from django.contrib.auth import get_user_model

    from org.models import Role, RoleAssignment

    unit = petition.node.owning_unit() or petition.node
    assignments = RoleAssignment.objects.filter(
        Q(role=Role.DISCIPLINE_STAFF, node=unit)
        | Q(role=Role.DISCIPLINE_COMMISSION, node__path__in=unit.path_prefixes(), include_descendants=True)
    )
    return get_user_model().objects.filter(pk__in=assignments.values("user"), is_active=True).order_by("username")
