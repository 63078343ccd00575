"""The discipline office's workbench: everything overdue or due within a week across the
reader's scope, most urgent first.

The scope is what the reader's roles (and supervision grants) cover, area by area. What
lies under an area (a county, a city, a province) is counted from the summary tables
(NodeTally, as of the latest refresh: a GROUP BY over millions of rows has no place in a
request); what lies in a unit is counted live. Each section lists its twenty most urgent
items live, through an index ordered by the due date, so the page costs the same number of
queries for 1 or 5,000 items and stays fast for a province."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alerts.models import Petition, RiskWarning, WarningStatus
from dashboards.models import NodeTally
from dashboards.services import OPEN_PETITION_STATUSES, WEEK
from org.models import NodeKind, OrgNode
from org.permissions import NodeGrant, grants_for
from risks.models import OPEN_MEASURE_STATUSES, Measure, Review, ReviewStatus

SECTION_ROWS = 20


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
    counted_at: dt.datetime | None = None  # when some counts come from the summary tables


@dataclass(frozen=True)
class Scope:
    """The reader's scope for one capability: areas counted from the summary tables (node
    ids), the rest counted live (a filter on the node paths), and the filter of both for the
    lists. `everything`: a superuser."""

    areas: tuple[int, ...]
    live: tuple[NodeGrant, ...]
    everything: bool = False

    def q(self, prefix: str, area_paths: dict[int, str]) -> Q:
        if self.everything:
            return Q()
        parts = [Q(**{f"{prefix}path__startswith": area_paths[a]}) for a in self.areas]
        parts += [g.q(prefix) for g in self.live]
        return reduce(or_, parts) if parts else Q(pk__in=[])


def _scopes(user, perms: set[str]) -> tuple[dict[str, Scope], dict[int, str]]:
    """Per capability, the reader's node grants as areas and live parts (a grant inside
    another's subtree adds nothing), and the paths of the areas; one query."""
    grants = grants_for(user)
    if grants.superuser:
        roots = dict(OrgNode.objects.get_root_nodes().values_list("pk", "path"))
        return {p: Scope(tuple(roots), (), everything=True) for p in perms}, roots
    nodes = {
        path: (pk, kind)
        for pk, path, kind in OrgNode.objects.filter(path__in={g.path for g in grants.nodes}).values_list(
            "pk", "path", "kind"
        )
    }
    scopes, paths = {}, {}
    for perm in perms:
        # the same reach through two roles is one part; a part inside another's subtree, none
        mine = {
            NodeGrant(frozenset(), g.path, g.depth, g.subtree, g.departments) for g in grants.nodes if perm in g.perms
        }
        subtrees = [g for g in mine if g.subtree and not g.departments]
        kept = [g for g in mine if not any(s != g and g.path.startswith(s.path) for s in subtrees)]
        areas, live = [], []
        for g in kept:
            pk, kind = nodes.get(g.path, (None, None))
            if g.subtree and not g.departments and pk and kind not in (NodeKind.UNIT, NodeKind.DEPARTMENT):
                areas.append(pk)
                paths[pk] = g.path
            else:
                live.append(g)
        scopes[perm] = Scope(tuple(sorted(set(areas))), tuple(sorted(set(live), key=lambda g: g.path)))
    return scopes, paths


@dataclass(frozen=True)
class Kind:
    """One section: what it lists, under which capability, by which date, and its counts in
    the summary tables."""

    key: str
    title: str
    perm: str
    base: Callable[[], QuerySet]
    scope_prefix: str
    date_field: str
    tally: tuple[str, str]  # NodeTally fields: overdue, due within the week
    item: Callable[[object, dt.date], Item]
    more_url: Callable[[], str]


def _days(today: dt.date, due: dt.date) -> int:
    return (today - due).days


KINDS = [
    Kind(
        "measures",
        _("Prevention measures"),
        "risk.view",
        lambda: Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES).select_related("point__unit"),
        "point__node__",
        "deadline",
        ("measures_overdue", "measures_due_week"),
        lambda m, today: Item(
            m.description[:60],
            m.point.unit.name,
            m.deadline,
            reverse("risks:detail", args=[m.point_id]),
            _days(today, m.deadline),
        ),
        lambda: reverse("risks:list"),
    ),
    Kind(
        "replies",
        _("Written replies to warnings"),
        "alert.view",
        lambda: RiskWarning.objects.filter(status=WarningStatus.ISSUED).select_related("unit"),
        "node__",
        "reply_due",
        ("replies_overdue", "replies_due_week"),
        lambda w, today: Item(
            w.title[:60], w.unit.name, w.reply_due, reverse("alerts:detail", args=[w.pk]), _days(today, w.reply_due)
        ),
        lambda: reverse("alerts:list") + "?overdue=1",
    ),
    Kind(
        "petitions",
        _("Petitions and reports to answer"),
        "petition.manage",
        lambda: Petition.objects.filter(status__in=OPEN_PETITION_STATUSES).select_related("node"),
        "node__",
        "due_on",
        ("petitions_overdue", "petitions_due_week"),
        lambda p, today: Item(
            p.subject[:60], p.node.name, p.due_on, reverse("alerts:petition", args=[p.pk]), _days(today, p.due_on)
        ),
        lambda: reverse("alerts:petitions") + "?overdue=1",
    ),
]


def _tallied(areas: tuple[int, ...], fields: tuple[str, ...]) -> dict[str, int]:
    if not areas:
        return dict.fromkeys(fields, 0)
    sums = NodeTally.objects.filter(node_id__in=areas).aggregate(**{f: Sum(f) for f in fields})
    return {f: sums[f] or 0 for f in fields}


def _section(kind: Kind, scope: Scope, paths: dict[int, str], today: dt.date, counted_at) -> Section:
    qs = kind.base().order_by()
    counts = _tallied(scope.areas, kind.tally)
    overdue, soon = counts[kind.tally[0]], counts[kind.tally[1]]
    if scope.live and not scope.everything:
        live = qs.filter(reduce(or_, (g.q(kind.scope_prefix) for g in scope.live))).aggregate(
            overdue=Count("pk", filter=Q(**{f"{kind.date_field}__lt": today})),
            soon=Count("pk", filter=Q(**{f"{kind.date_field}__range": (today, today + WEEK)})),
        )
        overdue, soon = overdue + live["overdue"], soon + live["soon"]
    rows = qs.filter(scope.q(kind.scope_prefix, paths), **{f"{kind.date_field}__lte": today + WEEK}).order_by(
        kind.date_field, "pk"
    )[:SECTION_ROWS]
    return Section(
        kind.key,
        kind.title,
        overdue,
        soon,
        [kind.item(r, today) for r in rows],
        kind.more_url(),
        counted_at if scope.areas else None,
    )


def _reviews(scope: Scope, paths: dict[int, str], today: dt.date, counted_at) -> Section:
    """Risk points waiting for a review decision, longest waiting first. A review has no due
    date: one waiting more than a week counts as overdue."""
    qs = Review.objects.filter(status=ReviewStatus.PENDING).select_related("point__unit").order_by()
    counts = _tallied(scope.areas, ("reviews_late", "reviews_pending"))
    late, waiting = counts["reviews_late"], counts["reviews_pending"]
    week_ago = timezone.make_aware(dt.datetime.combine(today - WEEK, dt.time.min))
    if scope.live and not scope.everything:
        live = qs.filter(reduce(or_, (g.q("point__node__") for g in scope.live))).aggregate(
            late=Count("pk", filter=Q(submitted_at__lt=week_ago)), waiting=Count("pk")
        )
        late, waiting = late + live["late"], waiting + live["waiting"]
    rows = qs.filter(scope.q("point__node__", paths)).order_by("submitted_at", "pk")[:SECTION_ROWS]
    items = []
    for r in rows:
        due = timezone.localtime(r.submitted_at).date() + WEEK
        items.append(
            Item(
                r.point.description[:60],
                r.point.unit.name,
                due,
                reverse("risks:detail", args=[r.point_id]),
                _days(today, due),
            )
        )
    return Section(
        "reviews",
        _("Risk reviews waiting"),
        late,
        waiting - late,
        items,
        reverse("risks:list") + "?status=submitted",
        counted_at if scope.areas else None,
    )


def build(user, today: dt.date | None = None) -> list[Section]:
    from dashboards.cache import latest_run

    today = today or timezone.localdate()
    scopes, paths = _scopes(user, {k.perm for k in KINDS} | {"risk.view"})
    run = latest_run()
    counted_at = run.finished_at if run else None
    sections = [_section(k, scopes[k.perm], paths, today, counted_at) for k in KINDS]
    return [*sections, _reviews(scopes["risk.view"], paths, today, counted_at)]
