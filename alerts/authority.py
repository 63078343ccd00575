"""Who may issue which colour of warning to which target (seed 000), and who answers one.

- red (level 1): the district/county discipline commission, over an area containing the
  target's unit;
- orange (level 2): the unit's leading group (its chief and leadership members, the
  leading-group office) or its discipline office — and the commission above;
- yellow (level 3): the deputy in charge (for the departments in their charge) or the
  department head (for their department) — and everyone who may issue orange.

Each rule reads the user's role assignments (once per request) and the target's path.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils import timezone

from org.models import NodeKind, OrgNode, PostHolding, Role, RoleAssignment
from org.permissions import role_assignments

UNIT_ISSUERS = (Role.UNIT_CHIEF, Role.LEADERSHIP_MEMBER, Role.LEADING_GROUP_OFFICE, Role.DISCIPLINE_STAFF)


@dataclass(frozen=True)
class Authority:
    role: str
    node: OrgNode


def _commission_above(user, unit: OrgNode) -> Authority | None:
    for a in role_assignments(user):
        if (
            a.role == Role.DISCIPLINE_COMMISSION
            and unit.path.startswith(a.node.path)
            and (a.include_descendants or a.node_id == unit.pk)
        ):
            return Authority(a.role, a.node)
    return None


def _unit_role(user, unit: OrgNode) -> Authority | None:
    for a in role_assignments(user):
        if a.role in UNIT_ISSUERS and a.node_id == unit.pk:
            return Authority(a.role, a.node)
    return None


def _department_role(user, department: OrgNode | None) -> Authority | None:
    if department is None:
        return None
    for a in role_assignments(user):
        if a.role == Role.DEPARTMENT_HEAD and a.node_id == department.pk:
            return Authority(a.role, a.node)
        if a.role == Role.DEPUTY_IN_CHARGE and any(d.pk == department.pk for d in a.departments.all()):
            return Authority(a.role, a.node)
    return None


def issuing_authority(user, level: int, *, unit: OrgNode, department: OrgNode | None) -> Authority | None:
    """The role under which `user` may issue a warning of `level` to a target in `unit`
    (and `department`, for department, post and person targets), or None."""
    if user.is_superuser:
        return Authority(Role.DISCIPLINE_COMMISSION, unit)
    found = _commission_above(user, unit)
    if level == 1 or found:
        return found
    found = _unit_role(user, unit)
    if level == 2 or found:
        return found
    return _department_role(user, department)


def levels_for(user, *, unit: OrgNode, department: OrgNode | None) -> list[int]:
    return [lvl for lvl in (1, 2, 3) if issuing_authority(user, lvl, unit=unit, department=department)]


def _role_holders(role: str, node: OrgNode) -> QuerySet:
    if role == Role.DEPUTY_IN_CHARGE:
        assignments = RoleAssignment.objects.filter(role=role, departments=node)
    else:
        assignments = RoleAssignment.objects.filter(role=role, node=node)
    return assignments.values("user")


def responders(warning) -> QuerySet:
    """The users who answer a warning in writing: the unit's chief and leading-group office
    for a unit; the department head for a department; the holders of a post; the person."""
    users = get_user_model().objects.filter(is_active=True)
    if warning.target_kind == "person":
        return users.filter(pk=warning.person.user_id) if warning.person.user_id else users.none()
    if warning.target_kind == "post":
        holders = PostHolding.objects.on(timezone.localdate()).filter(post=warning.post).values("person__user")
        return users.filter(pk__in=holders)
    if warning.target_kind == "department":
        return users.filter(pk__in=_role_holders(Role.DEPARTMENT_HEAD, warning.node))
    return users.filter(
        Q(pk__in=_role_holders(Role.UNIT_CHIEF, warning.unit))
        | Q(pk__in=_role_holders(Role.LEADING_GROUP_OFFICE, warning.unit))
    )


def superiors(warning) -> QuerySet:
    """Who hears when a reply is overdue: the department head and the deputy in charge for
    a post or person in a department; the deputy in charge for a department; the unit
    chief in every case below the unit; the commission above for a unit."""
    users = get_user_model().objects.filter(is_active=True)
    department = warning.node if warning.node.kind == NodeKind.DEPARTMENT else None
    q = Q(pk__in=[])
    if warning.target_kind in ("post", "person") and department is not None:
        q |= Q(pk__in=_role_holders(Role.DEPARTMENT_HEAD, department))
    if department is not None:
        q |= Q(pk__in=_role_holders(Role.DEPUTY_IN_CHARGE, department))
    if warning.target_kind != "unit":
        q |= Q(pk__in=_role_holders(Role.UNIT_CHIEF, warning.unit))
    else:
        above = RoleAssignment.objects.filter(
            role=Role.DISCIPLINE_COMMISSION, include_descendants=True, node__path__in=warning.unit.path_prefixes()
        ).values("user")
        q |= Q(pk__in=above)
    return users.filter(q)


def is_responder(user, warning) -> bool:
    return responders(warning).filter(pk=user.pk).exists()


def may_review(user, warning) -> bool:
    """The issuer, or anyone who may issue a warning of the same level to the same target."""
    if warning.issued_by_id == user.pk:
        return True
    department = warning.node if warning.node.kind == NodeKind.DEPARTMENT else None
    return issuing_authority(user, warning.level, unit=warning.unit, department=department) is not None
