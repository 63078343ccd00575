"""The warnings area's menu entries and to-do items (each one aggregate)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts import selectors
from alerts.models import OPEN_WARNING_STATUSES, RiskWarning, WarningStatus
from core.menu import MenuEntry
from core.todo import TodoItem
from org.permissions import user_perms

OPEN_PETITION_STATUSES = ["received", "assigned"]

MENU = [
    MenuEntry("alerts.mine", _("Warnings to me"), "alerts:mine", "bell-fill", None, 8),
    MenuEntry("alerts.list", _("Warnings"), "alerts:list", "exclamation-octagon", "alert.view", 25),
    MenuEntry("alerts.info", _("Risk information"), "alerts:info_list", "archive", "alert.view", 26),
    MenuEntry(
        "alerts.petitions", _("Petitions and reports"), "alerts:petitions", "envelope-paper", "petition.manage", 27
    ),
]


def alert_todos(user) -> list[TodoItem]:
    today = timezone.localdate()
    mine = selectors.my_warnings(user).aggregate(
        waiting=Count("pk", filter=Q(status=WarningStatus.ISSUED)),
        overdue=Count("pk", filter=Q(status=WarningStatus.ISSUED, reply_due__lt=today)),
    )
    items = [
        TodoItem(_("Warnings awaiting your written reply"), mine["waiting"], reverse("alerts:mine"), 9),
        TodoItem(_("Written replies overdue"), mine["overdue"], reverse("alerts:mine"), 10),
    ]
    if "alert.view" in user_perms(user):
        issued = RiskWarning.objects.filter(issued_by=user, status__in=OPEN_WARNING_STATUSES).aggregate(
            to_review=Count("pk", filter=Q(status=WarningStatus.REPLIED)),
            to_close=Count("pk", filter=Q(status=WarningStatus.ACCEPTED)),
        )
        items.append(
            TodoItem(_("Written replies to review"), issued["to_review"], reverse("alerts:list") + "?status=replied", 6)
        )
        items.append(
            TodoItem(
                _("Warnings to verify and close"), issued["to_close"], reverse("alerts:list") + "?status=accepted", 2
            )
        )
    if "petition.manage" in user_perms(user):
        # both counts are of open petitions: the answered ones of past years are not read
        still_open = selectors.petition_list(user=user).filter(status__in=OPEN_PETITION_STATUSES)
        petitions = still_open.aggregate(
            new=Count("pk", filter=Q(status="received")),
            overdue=Count("pk", filter=Q(status__in=OPEN_PETITION_STATUSES, due_on__lt=today)),
        )
        items.append(
            TodoItem(
                _("New petitions and reports"), petitions["new"], reverse("alerts:petitions") + "?status=received", 5
            )
        )
        items.append(
            TodoItem(
                _("Petitions past their answer date"),
                petitions["overdue"],
                reverse("alerts:petitions") + "?overdue=1",
                7,
            )
        )
    return items
