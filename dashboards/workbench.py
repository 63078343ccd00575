"""The discipline office's workbench: everything overdue or due within a week across the
reader's scope, most urgent first. Each section is one aggregate (its counts) and one capped
list, so the page costs the same number of queries for 1 or 5,000 items."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models import Petition, RiskWarning, WarningStatus
from dashboards.services import OPEN_PETITION_STATUSES
from org.permissions import scope_queryset
from risks.models import OPEN_MEASURE_STATUSES, Measure, Review, ReviewStatus

SECTION_ROWS = 20
WEEK = dt.timedelta(days=7)


@dataclass
class Item:
    title: str
    where: str
    due: dt.date
    url: str
    days_late: int  # negative: days left

    @property
    def days_left(self) -> int:
        return -self.days_late


@dataclass
class Section:
    key: str
    title: str
    overdue: int
    due_soon: int
    items: list[Item]
    more_url: str


def _days(today: dt.date, due: dt.date) -> int:
    return (today - due).days


def _section(key, title, qs: QuerySet, date_field: str, today: dt.date, more_url: str, item) -> Section:
    counts = qs.aggregate(
        overdue=Count("pk", filter=Q(**{f"{date_field}__lt": today})),
        due_soon=Count("pk", filter=Q(**{f"{date_field}__gte": today, f"{date_field}__lte": today + WEEK})),
    )
    rows = qs.filter(**{f"{date_field}__lte": today + WEEK}).order_by(date_field, "pk")[:SECTION_ROWS]
    return Section(key, title, counts["overdue"], counts["due_soon"], [item(r) for r in rows], more_url)


def build(user, today: dt.date | None = None) -> list[Section]:
    today = today or timezone.localdate()
    measures = scope_queryset(
        user, "risk.view", Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES).select_related("point__unit")
    ).order_by()
    replies = scope_queryset(
        user, "alert.view", RiskWarning.objects.filter(status=WarningStatus.ISSUED).select_related("unit")
    ).order_by()
    petitions = scope_queryset(
        user, "petition.manage", Petition.objects.filter(status__in=OPEN_PETITION_STATUSES).select_related("node")
    ).order_by()
    return [
        _section(
            "measures",
            _("Prevention measures"),
            measures,
            "deadline",
            today,
            reverse("risks:list"),
            lambda m: Item(
                m.description[:60],
                m.point.unit.name,
                m.deadline,
                reverse("risks:detail", args=[m.point_id]),
                _days(today, m.deadline),
            ),
        ),
        _section(
            "replies",
            _("Written replies to warnings"),
            replies,
            "reply_due",
            today,
            reverse("alerts:list") + "?overdue=1",
            lambda w: Item(
                w.title[:60], w.unit.name, w.reply_due, reverse("alerts:detail", args=[w.pk]), _days(today, w.reply_due)
            ),
        ),
        _section(
            "petitions",
            _("Petitions and reports to answer"),
            petitions,
            "due_on",
            today,
            reverse("alerts:petitions") + "?overdue=1",
            lambda p: Item(
                p.subject[:60], p.node.name, p.due_on, reverse("alerts:petition", args=[p.pk]), _days(today, p.due_on)
            ),
        ),
        _reviews(user, today),
    ]


def _reviews(user, today: dt.date) -> Section:
    """Risk points waiting for a review decision in scope, longest waiting first. A review
    has no due date: one waiting more than a week counts as overdue."""
    qs = scope_queryset(
        user, "risk.view", Review.objects.filter(status=ReviewStatus.PENDING).select_related("point__unit")
    ).order_by()
    week_ago = timezone.now() - WEEK
    counts = qs.aggregate(overdue=Count("pk", filter=Q(submitted_at__lt=week_ago)), due_soon=Count("pk"))
    rows = qs.order_by("submitted_at", "pk")[:SECTION_ROWS]
    items = [
        Item(
            r.point.description[:60],
            r.point.unit.name,
            timezone.localtime(r.submitted_at).date() + WEEK,
            reverse("risks:detail", args=[r.point_id]),
            _days(today, timezone.localtime(r.submitted_at).date() + WEEK),
        )
        for r in rows
    ]
    return Section(
        "reviews",
        _("Risk reviews waiting"),
        counts["overdue"],
        counts["due_soon"] - counts["overdue"],
        items,
        reverse("risks:list") + "?status=submitted",
    )
