"""Reads for the inventory pages, the public portal and the API."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from org.models import NodeKind, OrgNode
from org.permissions import scope_queryset
from powers import flowchart, risk_nodes
from powers.models import PowerVersion, ProcessStep, VersionStatus

CURRENT = (VersionStatus.DRAFT, VersionStatus.PUBLISHED, VersionStatus.RETIRED)


def _filtered(
    qs: QuerySet, *, under: OrgNode | None, text: str, power_type: int | None, power_class: int | None
) -> QuerySet:
    if under is not None:
        qs = qs.filter(power__unit__path__startswith=under.path)
    if text:
        qs = qs.filter(Q(name__icontains=text) | Q(power__code__iexact=text))
    if power_type:
        qs = qs.filter(power_type_id=power_type)
    if power_class:
        qs = qs.filter(power_class=power_class)
    return qs


def version_list(
    *,
    user,
    under: OrgNode | None = None,
    text: str = "",
    power_type: int | None = None,
    power_class: int | None = None,
    status: str = "",
) -> QuerySet[PowerVersion]:
    """The inventory as staff see it: each power's draft, published or retired version."""
    qs = PowerVersion.objects.filter(status__in=[status] if status else CURRENT)
    qs = _filtered(qs, under=under, text=text, power_type=power_type, power_class=power_class)
    qs = qs.select_related("power__unit", "power_type", "department")
    return scope_queryset(user, "power.view", qs)


def public_list(
    *,
    under: OrgNode | None = None,
    unit_name: str = "",
    text: str = "",
    power_type: int | None = None,
    power_class: int | None = None,
) -> QuerySet[PowerVersion]:
    """What the public sees: published versions only."""
    qs = PowerVersion.objects.filter(status=VersionStatus.PUBLISHED)
    if unit_name:
        # Matching units first (a small table), then their powers by index.
        units = OrgNode.objects.filter(kind=NodeKind.UNIT, name__icontains=unit_name).values("id")
        qs = qs.filter(power__unit_id__in=units)
    qs = _filtered(qs, under=under, text=text, power_type=power_type, power_class=power_class)
    return qs.select_related("power__unit", "power_type", "department")


def inventory_on(*, unit: OrgNode, day: dt.date) -> QuerySet[PowerVersion]:
    """The unit's inventory as it stood at the end of `day`."""
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return (
        PowerVersion.objects.filter(power__unit=unit, published_at__lt=end)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gte=end))
        .select_related("power__unit", "power_type", "department")
        .order_by("power__code")
    )


def version_detail(pk: int) -> PowerVersion:
    steps = ProcessStep.objects.select_related("post").prefetch_related("next_steps")
    return (
        PowerVersion.objects.select_related("power__unit", "power_type", "department")
        .prefetch_related("legal_bases", "posts", Prefetch("steps", queryset=steps))
        .get(pk=pk)
    )


def flowchart_svg(version: PowerVersion, *, public: bool = False) -> str:
    """The version's process drawn as SVG, risk nodes filled by their highest grade and, for
    staff, outlined where a warning is open. The drawing names posts, never cadres; the
    public one shows no warnings."""
    from django.utils.translation import gettext as _

    steps = list(version.steps.all())
    grades = risk_nodes.grades_for(s.pk for s in steps)
    grade_by_key = {s.key: grades[s.pk] for s in steps if s.pk in grades}
    warned = set() if public else risk_nodes.warned_for(s.pk for s in steps)
    warned_keys = {s.key for s in steps if s.pk in warned}
    nodes = []
    for step in steps:
        bits = [step.post.name if step.post else ""]
        if step.time_limit_days is not None:
            bits.append(_("%(n)d working days") % {"n": step.time_limit_days})
        nodes.append(
            flowchart.Node(
                step.key,
                step.name,
                " · ".join(b for b in bits if b),
                tuple(n.key for n in step.next_steps.all()),
            )
        )
    return flowchart.render(
        nodes,
        title=version.name,
        fill_for=lambda node: risk_nodes.GRADE_FILLS.get(grade_by_key.get(node.key)),
        warned=lambda node: node.key in warned_keys,
    )


def post_catalogue(post) -> list[tuple[PowerVersion, list[ProcessStep]]]:
    """岗位职权目录: the published powers a post exercises, each with the steps it handles.

    Two queries: the versions naming the post (as exercising it or on a step), then their
    steps for this post.
    """
    versions = list(
        PowerVersion.objects.filter(status=VersionStatus.PUBLISHED)
        .filter(Q(posts=post) | Q(steps__post=post))
        .distinct()
        .select_related("power__unit", "power_type", "department")
        .order_by("power__code")
    )
    steps: dict[int, list[ProcessStep]] = {v.pk: [] for v in versions}
    for step in ProcessStep.objects.filter(version__in=versions, post=post).order_by("version_id", "order"):
        steps[step.version_id].append(step)
    return [(v, steps[v.pk]) for v in versions]
