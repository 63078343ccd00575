"""Who answers for what in the assessment area.

- The leader in charge (分管领导) approves and rates a cadre's commitment: the deputy in
  charge of the cadre's department; the unit chief where no deputy is in charge of it, and
  for the unit's own leadership members and deputies; the district commission above the
  unit for the unit chief.
- Who leads whom, for the heart-to-heart talks (seed 002: main leaders at least twice a
  year with each cadre they lead): a unit chief leads the unit's deputies, leadership
  members and department heads; a department head leads the cadres of the department.
- District work (open cycles, review self-inspections, spot checks, marks, Act) is
  `assessment.manage` over the unit; the unit's own work is `assessment.unit`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from org.models import OrgNode, Person, PostHolding, Role, RoleAssignment
from org.permissions import has_perm, role_assignments

LEADER_ROLES = (Role.DEPUTY_IN_CHARGE, Role.LEADERSHIP_MEMBER)


def _holds(role) -> Exists:
    """The commitment's cadre holds `role` (one or several) over the commitment's unit."""
    roles = [role] if isinstance(role, str) else list(role)
    return Exists(RoleAssignment.objects.filter(user=OuterRef("person__user"), role__in=roles, node=OuterRef("unit")))


def approval_q(user) -> Q:
    """A filter on Commitment: the commitments `user` approves and rates."""
    is_chief = _holds(Role.UNIT_CHIEF)
    is_leader = _holds(LEADER_ROLES)
    has_deputy = Exists(
        RoleAssignment.departments.through.objects.filter(
            orgnode=OuterRef("post__department"), roleassignment__role=Role.DEPUTY_IN_CHARGE
        )
    )
    q = Q(pk__in=[])
    for a in role_assignments(user):
        if a.role == Role.DEPUTY_IN_CHARGE:
            depts = [d.pk for d in a.departments.all()]
            q |= Q(unit=a.node, post__department__in=depts) & ~Q(is_leader) & ~Q(is_chief)
        elif a.role == Role.UNIT_CHIEF:
            ordinary = ~Q(is_leader) & ~Q(is_chief) & (Q(post__isnull=True) | ~Q(has_deputy))
            q |= Q(unit=a.node) & ((Q(is_leader) & ~Q(is_chief)) | ordinary)
        elif a.role == Role.DISCIPLINE_COMMISSION:
            area = Q(unit__path__startswith=a.node.path) if a.include_descendants else Q(unit=a.node)
            q |= area & Q(is_chief)
    return q & ~Q(person__user=user)


def may_approve(user, commitment) -> bool:
    from assessment.models import Commitment

    if user.is_superuser:
        return True
    return Commitment.objects.filter(pk=commitment.pk).filter(approval_q(user)).exists()


def approvers(commitment) -> QuerySet:
    """The users who approve (and rate) this commitment: the same rule as approval_q."""
    users = get_user_model().objects.filter(is_active=True)
    person, unit = commitment.person, commitment.unit
    mine = RoleAssignment.objects.filter(user_id=person.user_id, node=unit) if person.user_id else None
    if mine is not None and mine.filter(role=Role.UNIT_CHIEF).exists():
        above = RoleAssignment.objects.filter(role=Role.DISCIPLINE_COMMISSION, node__path__in=unit.path_prefixes())
        above = above.filter(Q(include_descendants=True) | Q(node=unit))
        return users.filter(pk__in=above.values("user"))
    chiefs = RoleAssignment.objects.filter(role=Role.UNIT_CHIEF, node=unit).values("user")
    if mine is not None and mine.filter(role__in=LEADER_ROLES).exists():
        return users.filter(pk__in=chiefs).exclude(pk=person.user_id)
    if commitment.post_id:
        deputies = RoleAssignment.objects.filter(
            role=Role.DEPUTY_IN_CHARGE, node=unit, departments=commitment.post.department_id
        ).values("user")
        found = users.filter(pk__in=deputies).exclude(pk=person.user_id or 0)
        if found.exists():
            return found
    return users.filter(pk__in=chiefs).exclude(pk=person.user_id or 0)


def is_district(user, obj) -> bool:
    return has_perm(user, "assessment.manage", obj)


def is_unit_office(user, obj) -> bool:
    return has_perm(user, "assessment.unit", obj)


def current_post(person: Person):
    holding = (
        PostHolding.objects.on(timezone.localdate())
        .filter(person=person)
        .select_related("post__department")
        .order_by("-post__rank", "pk")
        .first()
    )
    return holding.post if holding else None


def _person_ids(user_ids) -> dict[int, int]:
    return dict(Person.objects.filter(user_id__in=user_ids, is_active=True).values_list("user_id", "pk"))


def led_pairs(unit: OrgNode, day=None) -> set[tuple[int, int]]:
    """(leader person id, cadre person id) of the unit on `day`: four queries."""
    day = day or timezone.localdate()
    roles = list(
        RoleAssignment.objects.filter(
            Q(node=unit) | Q(node__path__startswith=unit.path, node__kind="department", node__depth=unit.depth + 1)
        )
        .filter(role__in=[Role.UNIT_CHIEF, Role.DEPARTMENT_HEAD, *LEADER_ROLES])
        .values_list("role", "user_id", "node_id")
    )
    people = _person_ids({u for _r, u, _n in roles})
    chiefs = {people[u] for r, u, _n in roles if r == Role.UNIT_CHIEF and u in people}
    heads = {(people[u], n) for r, u, n in roles if r == Role.DEPARTMENT_HEAD and u in people}
    led_by_chief = {people[u] for r, u, _n in roles if r != Role.UNIT_CHIEF and u in people}
    led_by_chief |= {p for p, _n in heads}
    pairs = {(c, p) for c in chiefs for p in led_by_chief if p != c}
    if heads:
        holdings = PostHolding.objects.on(day).filter(post__department_id__in={n for _p, n in heads})
        members = list(holdings.values_list("post__department_id", "person_id"))
        for head, dept in heads:
            pairs |= {(head, p) for d, p in members if d == dept and p != head}
    return pairs
