"""Every write to the risk register. Each runs in one transaction and validates first;
simple-history keeps every grade with who set it and why."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import notify
from core.uploads import check_attachment
from org.models import NodeKind, OrgNode, Person, Post, PostHolding
from org.permissions import has_perm
from powers.models import Power, ProcessStep, VersionStatus
from risks.models import OPEN_MEASURE_STATUSES, Measure, MeasureStatus, RiskPoint, RiskScope
from risks.selectors import suggested_grade


def _holds(user, post: Post) -> bool:
    return PostHolding.objects.on(timezone.localdate()).filter(person__user=user, post=post).exists()


def may_record(user, *, scope: str, node: OrgNode, post: Post | None) -> bool:
    """Cadres record their own post's points; department heads their department's; the
    leading-group office and the discipline office their unit's (seed 001)."""
    if scope == RiskScope.POST and post is not None and _holds(user, post):
        return True
    return has_perm(user, "risk.manage", node)


def locate_point(
    scope: str, *, post: Post | None = None, department: OrgNode | None = None, unit: OrgNode | None = None
) -> tuple[OrgNode, OrgNode, Post | None]:
    """(node, owning unit, post) of a point of `scope`, or a field error."""
    if scope == RiskScope.POST:
        if post is None:
            raise ValidationError({"post": _("Choose the post this risk belongs to.")})
        node = post.department
    elif scope == RiskScope.DEPARTMENT:
        if department is None or department.kind != NodeKind.DEPARTMENT:
            raise ValidationError({"department": _("Choose the department this risk belongs to.")})
        node, post = department, None
    elif scope == RiskScope.UNIT:
        if unit is None or unit.kind != NodeKind.UNIT:
            raise ValidationError({"unit": _("Choose the unit this risk belongs to.")})
        return unit, unit, None
    else:
        raise ValidationError({"scope": _("Unknown scope.")})
    owning = node.owning_unit()
    return node, owning, post


def _check_step(power: Power | None, step_key: str, unit: OrgNode) -> None:
    if power is None:
        if step_key:
            raise ValidationError({"step_key": _("Choose the power the step belongs to.")})
        return
    if power.unit_id != unit.pk:
        raise ValidationError({"power": _("The power belongs to another unit.")})
    if (
        step_key
        and not ProcessStep.objects.filter(
            version__power=power, version__status__in=[VersionStatus.PUBLISHED, VersionStatus.DRAFT], key=step_key
        ).exists()
    ):
        raise ValidationError({"step_key": _("The power's process has no step %(key)s.") % {"key": step_key}})


def _grade(point: RiskPoint, grade: int | None, reason: str) -> None:
    point.suggested_grade = suggested_grade(unit=point.unit, likelihood=point.likelihood, consequence=point.consequence)
    point.grade = grade or point.suggested_grade
    point.grade_reason = reason.strip()
    if point.grade != point.suggested_grade and not point.grade_reason:
        raise ValidationError(
            {
                "grade_reason": _("The matrix suggests %(suggested)s; say why you choose another grade.")
                % {"suggested": point.get_suggested_grade_display()}
            }
        )
    if point.grade == point.suggested_grade:
        point.grade_reason = ""


@transaction.atomic
def risk_create(
    *,
    user,
    scope: str,
    post: Post | None = None,
    department: OrgNode | None = None,
    unit: OrgNode | None = None,
    category,
    kind: str,
    description: str,
    manifestation: str = "",
    power: Power | None = None,
    step_key: str = "",
    source: str,
    likelihood: int,
    consequence: int,
    grade: int | None = None,
    grade_reason: str = "",
) -> RiskPoint:
    """Record a risk point (a draft until submitted for review)."""
    node, owning_unit, post = locate_point(scope, post=post, department=department, unit=unit)
    if not may_record(user, scope=scope, node=node, post=post):
        raise PermissionDenied
    _check_step(power, step_key, owning_unit)
    point = RiskPoint(
        scope=scope,
        node=node,
        unit=owning_unit,
        post=post,
        category=category,
        kind=kind,
        description=description.strip(),
        manifestation=manifestation.strip(),
        power=power,
        step_key=step_key.strip(),
        source=source,
        likelihood=likelihood,
        consequence=consequence,
        created_by=user,
    )
    _grade(point, grade, grade_reason)
    point.full_clean()
    point._change_reason = point.grade_reason or _("Recorded")
    point.save()
    return point


EDITABLE = (
    "category",
    "kind",
    "description",
    "manifestation",
    "power",
    "step_key",
    "source",
    "likelihood",
    "consequence",
)


@transaction.atomic
def risk_update(*, user, point: RiskPoint, grade: int | None = None, grade_reason: str = "", **fields) -> RiskPoint:
    """Change a draft or returned point; a point under review or decided is locked."""
    point = RiskPoint.objects.select_for_update(of=("self",)).select_related("unit", "node", "post").get(pk=point.pk)
    if not may_record(user, scope=point.scope, node=point.node, post=point.post):
        raise PermissionDenied
    if not point.is_editable:
        raise ValidationError(_("This risk point is locked while it is under review or after a decision."))
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in unknown})
    for name, value in fields.items():
        setattr(point, name, value)
    _check_step(point.power, point.step_key, point.unit)
    _grade(point, grade, grade_reason)
    point.full_clean()
    point._change_reason = point.grade_reason or _("Changed")
    point.save()
    return point


# --- prevention measures ----------------------------------------------------------------


def may_manage_measures(user, point: RiskPoint) -> bool:
    return may_record(user, scope=point.scope, node=point.node, post=point.post)


@transaction.atomic
def measure_create(
    *, user, point: RiskPoint, type, description: str, check_method: str, owner: Person, deadline: dt.date
) -> Measure:
    """Add a prevention measure to a point. It must say how it will be checked (seed 002)."""
    if not may_manage_measures(user, point):
        raise PermissionDenied
    if not check_method.strip():
        raise ValidationError(
            {
                "check_method": _(
                    "Say how the measure will be checked; a measure that cannot be checked is not a measure."
                )
            }
        )
    if owner.unit_id != point.unit_id:
        raise ValidationError({"owner": _("The owner must work in the point's unit.")})
    measure = Measure(
        point=point,
        type=type,
        description=description.strip(),
        check_method=check_method.strip(),
        owner=owner,
        deadline=deadline,
        created_by=user,
    )
    measure.full_clean()
    measure._change_reason = _("Recorded")
    measure.save()
    return measure


@transaction.atomic
def measure_update(*, user, measure: Measure, **fields) -> Measure:
    """Change what a measure is (the point's recorders) or report progress with evidence
    (the recorders and the measure's owner)."""
    measure = (
        Measure.objects.select_for_update(of=("self",))
        .select_related("point__node", "point__post", "owner")
        .get(pk=measure.pk)
    )
    manager = may_manage_measures(user, measure.point)
    owner = measure.owner.user_id is not None and measure.owner.user_id == user.pk
    progress = {"status", "evidence", "evidence_note"}
    if not manager and not (owner and set(fields) <= progress):
        raise PermissionDenied
    unknown = set(fields) - progress - {"type", "description", "check_method", "owner", "deadline"}
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in unknown})
    check_attachment(fields.get("evidence") or None, "evidence")
    if not fields.get("evidence"):
        fields.pop("evidence", None)
    for name, value in fields.items():
        setattr(measure, name, value.strip() if isinstance(value, str) else value)
    if measure.status == MeasureStatus.DONE:
        if not (measure.evidence or measure.evidence_note):
            raise ValidationError({"evidence_note": _("Say what was done, or attach the evidence.")})
        measure.done_on = measure.done_on or timezone.localdate()
    else:
        measure.done_on = None
    if measure.owner.unit_id != measure.point.unit_id:
        raise ValidationError({"owner": _("The owner must work in the point's unit.")})
    measure.full_clean()
    measure._change_reason = _("Progress reported") if not manager else _("Changed")
    measure.save()
    return measure


def measures_notify_overdue(*, today: dt.date | None = None, chunk: int = 2000) -> int:
    """Tell the owner of every open measure past its deadline, once per measure and deadline
    (the notification key), so a doubled or retried run sends nothing twice."""
    today = today or timezone.localdate()
    sent, last = 0, 0
    while True:
        rows = list(
            Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES, deadline__lt=today, pk__gt=last)
            .exclude(owner__user__isnull=True)
            .select_related("owner__user", "point")
            .order_by("pk")[:chunk]
        )
        if not rows:
            return sent
        for m in rows:
            note = notify(
                recipient=m.owner.user,
                key=f"measure-overdue:{m.pk}:{m.deadline.isoformat()}",
                title=_("Prevention measure overdue: %(measure)s") % {"measure": m},
                body=_("Deadline %(deadline)s · risk point: %(point)s") % {"deadline": m.deadline, "point": m.point},
                url=reverse("risks:detail", args=[m.point_id]),
            )
            sent += note is not None
        last = rows[-1].pk
