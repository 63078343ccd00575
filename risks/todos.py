"""The risk register's menu entries and to-do items (each a bounded number of aggregates)."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.menu import MenuEntry
from core.todo import TodoItem
from org.models import Role
from org.permissions import role_assignments
from risks import selectors
from risks.models import RiskPoint, RiskStatus, SetRound, SetRoundStatus

MENU = [
    MenuEntry("risks.mine", _("My post's risks"), "risks:mine", "person-exclamation", "risk.view", 5),
    MenuEntry("risks.queue", _("Risk approvals"), "risks:queue", "check2-square", "risk.view", 6),
    MenuEntry("risks.measures", _("My prevention measures"), "risks:my_measures", "shield-check", "risk.view", 7),
    MenuEntry("risks.list", _("Risk register"), "risks:list", "exclamation-triangle", "risk.view", 21),
    MenuEntry("risks.rollup", _("Risk roll-up"), "risks:rollup", "bar-chart", "risk.view", 22),
    MenuEntry("risks.periods", _("Public comment"), "risks:periods", "megaphone", "risk.view", 23),
    MenuEntry("risks.sets", _("Two up, two down"), "risks:sets", "arrow-down-up", "risk.view", 24),
]


def risk_todos(user) -> list[TodoItem]:
    items = []
    queue = sum(selectors.review_counts(user).values())
    items.append(TodoItem(_("Risk points awaiting your decision"), queue, reverse("risks:queue"), 5))
    measures = selectors.measure_counts(user)
    url = reverse("risks:my_measures")
    items.append(TodoItem(_("Overdue prevention measures"), measures["overdue"], url + "?overdue=1", 8))
    items.append(TodoItem(_("Prevention measures due within a week"), measures["due_soon"], url, 3))
    returned = RiskPoint.objects.filter(created_by=user, status=RiskStatus.RETURNED).count()
    items.append(TodoItem(_("Returned risk points to revise"), returned, reverse("risks:list") + "?status=returned", 4))
    areas = [
        (a.node.path, a.node.depth)
        for a in role_assignments(user)
        if a.role == Role.DISCIPLINE_COMMISSION and a.include_descendants
    ]
    if areas:
        waiting = SetRound.objects.filter(status=SetRoundStatus.SUBMITTED).filter(
            reduce(or_, (Q(unit__path__startswith=path, unit__depth__gt=depth) for path, depth in areas))
        )
        items.append(
            TodoItem(
                _("Risk sets awaiting your opinion (二上二下)"),
                waiting.count(),
                reverse("risks:sets") + "?status=submitted",
                4,
            )
        )
    return items
