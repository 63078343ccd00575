"""What the benchmark commands share: the benchmark user, holding a role over the node they
time (the same user for every command, so one set of sessions and grants)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from org.models import OrgNode, Role, RoleAssignment


def bench_user(code: str, role: str = Role.DISCIPLINE_COMMISSION):
    """(the node with `code`, the user `bench-<role>-<node id>` holding `role` over it and
    everything below); CommandError if no node has the code."""
    node = OrgNode.objects.filter(code=code).first()
    if node is None:
        raise CommandError(f"no org node has code {code}")
    user, _ = get_user_model().objects.get_or_create(username=f"bench-{role}-{node.pk}")
    RoleAssignment.objects.get_or_create(user=user, role=role, node=node, defaults={"include_descendants": True})
    return node, user
