"""The assessment area's menu entries and to-do items (each one aggregate query)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from assessment import selectors
from assessment.models import CommitmentStatus
from core.menu import MenuEntry
from core.todo import TodoItem
from org.permissions import user_perms

MENU = [
    MenuEntry("assessment.mine", _("My commitment and talks"), "assessment:mine", "journal-check", None, 9),
    MenuEntry("assessment.cycles", _("Assessment (PDCA)"), "assessment:cycles", "arrow-repeat", "assessment.view", 30),
]


def assessment_todos(user) -> list[TodoItem]:
    mine = reverse("assessment:mine")
    owed = sum(
        1
        for _cycle, commitment in selectors.my_commitment_cycles(user)
        if commitment is None or commitment.status in ("draft", "returned")
    )
    approvals = reverse("assessment:approvals")
    items = [
        TodoItem(_("Public commitment to file"), owed, mine, 8),
        TodoItem(_("Public commitments to approve"), selectors.commitments_to_approve(user).count(), approvals, 6),
        TodoItem(
            _("Commitment reports to rate"),
            selectors.commitments_to_approve(user, CommitmentStatus.REPORTED).count(),
            approvals + "?status=reported",
            4,
        ),
    ]
    perms = user_perms(user)
    if "assessment.manage" in perms:
        items.append(
            TodoItem(
                _("Self-inspections to review"),
                selectors.inspections_to_review(user).count(),
                reverse("assessment:cycles"),
                6,
            )
        )
    if "assessment.unit" in perms:
        items.append(
            TodoItem(
                _("Self-inspections to submit"),
                selectors.inspections_to_fill(user).count(),
                reverse("assessment:cycles"),
                7,
            )
        )
    return items
