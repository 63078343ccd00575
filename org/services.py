"""Every write to the organisation. Each runs in one transaction and validates first;
simple-history records who/when/what, and `reason` becomes the entry's change reason."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from guardian.models import UserObjectPermission
from guardian.shortcuts import assign_perm
from treebeard.exceptions import InvalidMoveToDescendant

from org.models import (
    ALLOWED_CHILD_KINDS,
    NodeKind,
    OrgNode,
    Person,
    Post,
    PostHolding,
    RoleAssignment,
    SupervisionGrantEvent,
)
from org.permissions import forget_grants, may_assign_role, require


def _check_child_kind(parent: OrgNode | None, kind: str) -> None:
    allowed = ALLOWED_CHILD_KINDS[parent.kind if parent else None]
    if kind not in allowed:
        where = parent.get_kind_display() if parent else _("the top level")
        raise ValidationError(
            {"kind": _("A %(kind)s cannot be placed under %(where)s.") % {"kind": NodeKind(kind).label, "where": where}}
        )


def _save(obj, *, reason: str = "") -> None:
    obj.full_clean()
    if reason:
        obj._change_reason = reason
    obj.save()


@transaction.atomic
def node_create(
    *,
    user,
    parent: OrgNode | None,
    name: str,
    kind: str,
    code: str = "",
    description: str = "",
    cross_supervision: bool = False,
    reason: str = "",
) -> OrgNode:
    """Create a unit, area or department under `parent` (a root only for superusers)."""
    if parent is None:
        if not user.is_superuser:
            raise PermissionDenied
    else:
        parent = OrgNode.objects.select_for_update().get(pk=parent.pk)
        require(user, "org.manage", parent)
    _check_child_kind(parent, kind)
    node = OrgNode(name=name, kind=kind, code=code, description=description, cross_supervision=cross_supervision)
    node.full_clean(exclude=["path", "depth", "numchild"])
    if reason:
        node._change_reason = reason
    return OrgNode.objects.add_child(parent, instance=node) if parent else OrgNode.objects.add_root(instance=node)


@transaction.atomic
def node_update(*, user, node: OrgNode, reason: str = "", **fields) -> OrgNode:
    require(user, "org.manage", node)
    if "kind" in fields and fields["kind"] != node.kind:
        _check_child_kind(OrgNode.objects.get_parent(node), fields["kind"])
        if node.numchild and any(
            c.kind not in ALLOWED_CHILD_KINDS[fields["kind"]] for c in OrgNode.objects.get_children(node)
        ):
            raise ValidationError({"kind": _("The nodes below this one do not fit the new level.")})
    for name, value in fields.items():
        setattr(node, name, value)
    _save(node, reason=reason)
    return node


@transaction.atomic
def node_move(*, user, node: OrgNode, new_parent: OrgNode, reason: str = "") -> OrgNode:
    """Move a node (and everything below it) under `new_parent`. Posts, holdings and
    history stay attached to the moved nodes; only their paths change."""
    node = OrgNode.objects.select_for_update().get(pk=node.pk)
    require(user, "org.manage", node)
    require(user, "org.manage", new_parent)
    if new_parent.pk == node.pk or new_parent.path.startswith(node.path):
        raise ValidationError({"new_parent": _("A node cannot be moved under itself or below itself.")})
    _check_child_kind(new_parent, node.kind)
    try:
        OrgNode.objects.move(node, new_parent, pos="last-child")
    except InvalidMoveToDescendant as exc:
        raise ValidationError({"new_parent": _("A node cannot be moved under itself or below itself.")}) from exc
    node.refresh_from_db()
    # treebeard moves with a raw UPDATE; record the move in the audit trail explicitly.
    node._change_reason = reason or _("Moved under %(parent)s") % {"parent": new_parent.name}
    node.save()
    return node


@transaction.atomic
def post_create(*, user, department: OrgNode, reason: str = "", **fields) -> Post:
    require(user, "org.manage", department)
    if department.kind != NodeKind.DEPARTMENT:
        raise ValidationError({"department": _("Posts belong to a department.")})
    post = Post(department=department, **fields)
    _save(post, reason=reason)
    return post


@transaction.atomic
def post_update(*, user, post: Post, reason: str = "", **fields) -> Post:
    require(user, "org.manage", post)
    if "department" in fields:
        require(user, "org.manage", fields["department"])
        if fields["department"].kind != NodeKind.DEPARTMENT:
            raise ValidationError({"department": _("Posts belong to a department.")})
    if "max_holders" in fields:
        current = post.holdings.current().count()
        if fields["max_holders"] < current:
            raise ValidationError(
                {"max_holders": _("%(n)d cadres hold this post now; end a holding first.") % {"n": current}}
            )
    for name, value in fields.items():
        setattr(post, name, value)
    _save(post, reason=reason)
    return post


@transaction.atomic
def person_create(*, user, unit: OrgNode, reason: str = "", **fields) -> Person:
    require(user, "org.manage", unit)
    if unit.kind != NodeKind.UNIT:
        raise ValidationError({"unit": _("A cadre belongs to a unit.")})
    person = Person(unit=unit, **fields)
    _save(person, reason=reason)
    return person


@transaction.atomic
def person_update(*, user, person: Person, reason: str = "", **fields) -> Person:
    require(user, "org.manage", person)
    if "unit" in fields:
        require(user, "org.manage", fields["unit"])
    for name, value in fields.items():
        setattr(person, name, value)
    _save(person, reason=reason)
    return person


@transaction.atomic
def person_link_account(*, user, person: Person, username: str) -> Person:
    """Link `person` to the login `username`, creating the account (no password yet: it is
    set by an administrator or a password reset) when it does not exist."""
    require(user, "org.manage", person)
    account, created = get_user_model().objects.get_or_create(username=username, defaults={"email": person.email})
    if created:
        account.set_unusable_password()
        account.save()
    elif Person.objects.filter(user=account).exclude(pk=person.pk).exists():
        raise ValidationError({"username": _("This login name belongs to another cadre.")})
    person.user = account
    _save(person, reason=_("Login account linked"))
    return person


@transaction.atomic
def holding_start(
    *, user, person: Person, post: Post, start_date: dt.date, note: str = "", end_current: bool = False
) -> PostHolding:
    """Appoint `person` to `post` from `start_date`.

    The post row is locked so two appointments at once cannot both pass the holder count.
    With `end_current`, the person's other current holdings end the day before (a transfer).
    """
    post = Post.objects.select_for_update().get(pk=post.pk)
    require(user, "org.manage", post)
    require(user, "org.manage", person)
    if person.holdings.filter(post=post).on(start_date).exists():
        raise ValidationError({"post": _("%(person)s already holds this post on that date.") % {"person": person}})
    if end_current:
        for other in person.holdings.current().select_for_update():
            holding_end(user=user, holding=other, end_date=start_date - dt.timedelta(days=1), note=_("Transferred"))
    # Holdings still in force on or after start_date share the post with the new one.
    overlapping = post.holdings.filter(Q(end_date__isnull=True) | Q(end_date__gte=start_date)).count()
    if overlapping >= post.max_holders:
        raise ValidationError(
            {
                "post": _("This post allows %(n)d holder(s) at a time and is already filled on that date.")
                % {"n": post.max_holders}
            }
        )
    holding = PostHolding(person=person, post=post, start_date=start_date, note=note)
    _save(holding, reason=note)
    forget_grants(user)
    return holding


@transaction.atomic
def holding_end(*, user, holding: PostHolding, end_date: dt.date, note: str = "") -> PostHolding:
    holding = PostHolding.objects.select_for_update().get(pk=holding.pk)
    require(user, "org.manage", holding)
    if holding.end_date is not None:
        raise ValidationError({"end_date": _("This holding has already ended.")})
    if end_date < holding.start_date:
        raise ValidationError({"end_date": _("The end date cannot be before the start date.")})
    holding.end_date = end_date
    if note:
        holding.note = (holding.note + "; " + note).strip("; ")[:200]
    _save(holding, reason=note)
    return holding


@transaction.atomic
def role_assign(
    *,
    user,
    target_user,
    role: str,
    node: OrgNode,
    include_descendants: bool = False,
    departments: list[OrgNode] | None = None,
    note: str = "",
) -> RoleAssignment:
    """Give `target_user` `role` over `node`; never more than the giver may give."""
    if not may_assign_role(user, role=role, node=node, include_descendants=include_descendants):
        raise PermissionDenied
    departments = departments or []
    bad = [d for d in departments if d.kind != NodeKind.DEPARTMENT or not d.path.startswith(node.path)]
    if bad:
        raise ValidationError(
            {"departments": _("Departments in charge must be departments of %(node)s.") % {"node": node}}
        )
    if role == "deputy" and not departments:
        raise ValidationError({"departments": _("Choose the departments this deputy is in charge of.")})
    if RoleAssignment.objects.filter(user=target_user, role=role, node=node).exists():
        raise ValidationError({"role": _("This person already has this role over %(node)s.") % {"node": node}})
    assignment = RoleAssignment(
        user=target_user, role=role, node=node, include_descendants=include_descendants, note=note
    )
    _save(assignment, reason=note)
    assignment.departments.set(departments)
    forget_grants(target_user)
    return assignment


@transaction.atomic
def role_revoke(*, user, assignment: RoleAssignment, reason: str) -> None:
    if not may_assign_role(
        user, role=assignment.role, node=assignment.node, include_descendants=assignment.include_descendants
    ):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the role is withdrawn.")})
    assignment._change_reason = reason
    assignment.delete()


@transaction.atomic
def supervision_grant(*, user, target_user, node: OrgNode, reason: str = "") -> None:
    """Let `target_user` read `node` and everything below it (a social supervisor, an
    inspection team): a django-guardian per-object grant, kept in the audit trail."""
    if not may_assign_role(user, role="", node=node, include_descendants=True):
        raise PermissionDenied
    if target_user.has_perm("org.supervise_orgnode", node):
        raise ValidationError({"username": _("This person may already supervise %(node)s.") % {"node": node}})
    permission = assign_perm("org.supervise_orgnode", target_user, node)
    _record_grant(permission, "+", user, reason)
    forget_grants(target_user)


@transaction.atomic
def supervision_revoke(*, user, target_user, node: OrgNode, reason: str) -> None:
    if not may_assign_role(user, role="", node=node, include_descendants=True):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the grant is withdrawn.")})
    for permission in UserObjectPermission.objects.filter(
        user=target_user, permission__codename="supervise_orgnode", object_pk=str(node.pk)
    ):
        _record_grant(permission, "-", user, reason)
        permission.delete()
    forget_grants(target_user)


def _record_grant(permission, kind: str, user, reason: str) -> None:
    SupervisionGrantEvent.objects.create(
        kind=kind, node_id=int(permission.object_pk), grantee=permission.user, by=user, reason=reason[:200]
    )
