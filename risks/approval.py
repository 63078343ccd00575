"""The approval engine of the risk register (seed 001), public comment (公示) and "two up,
two down" (二上二下, seed 002).

A submitted point gets one Review row per stage of its route; the first is pending, the
rest wait. Each stage is decided exactly once: the decision is a conditional UPDATE on the
pending row, taken while the point's row is locked, so two approvers pressing "approve" at
the same moment produce one decision and one clear message.
"""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.services import notify
from core.workdays import add_workdays
from org.models import OrgNode, PostHolding, Role, RoleAssignment
from org.permissions import has_perm, role_assignments
from risks.models import (
    ApprovalStage,
    CommentPeriod,
    CommentPeriodStatus,
    Grade,
    PublicComment,
    Review,
    ReviewStatus,
    RiskPoint,
    RiskScope,
    RiskStatus,
    RouteCase,
    SetRound,
    SetRoundStatus,
    StageAction,
)
from risks.services import may_record


class Decision:
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    CHOICES = (APPROVE, RETURN, REJECT)


def _lock(point: RiskPoint) -> RiskPoint:
    return RiskPoint.objects.select_for_update(of=("self",)).select_related("unit", "node", "post").get(pk=point.pk)


# --- routing ------------------------------------------------------------------------------


def route_case(point: RiskPoint) -> str:
    """Whose point it is: a post point follows its current holders' roles (seed 001)."""
    if point.scope == RiskScope.UNIT:
        return RouteCase.UNIT
    if point.scope == RiskScope.DEPARTMENT:
        return RouteCase.DEPARTMENT
    holders = PostHolding.objects.on(timezone.localdate()).filter(post=point.post).values("person__user")
    roles = set(RoleAssignment.objects.filter(user__in=holders).values_list("role", "node_id"))
    if (Role.UNIT_CHIEF, point.unit_id) in roles:
        return RouteCase.POST_CHIEF
    if {(Role.LEADERSHIP_MEMBER, point.unit_id), (Role.DEPUTY_IN_CHARGE, point.unit_id)} & roles:
        return RouteCase.POST_LEADER
    if (Role.DEPARTMENT_HEAD, point.node_id) in roles:
        return RouteCase.POST_DEPT_HEAD
    return RouteCase.POST


def route_for(unit: OrgNode, case: str) -> list[ApprovalStage]:
    """The unit's own stages for `case` if it has any, else the default ones."""
    rows = list(ApprovalStage.objects.filter(Q(unit=unit) | Q(unit__isnull=True), case=case).order_by("order"))
    own = [r for r in rows if r.unit_id == unit.pk]
    return own or [r for r in rows if r.unit_id is None]


def _stage_node(point: RiskPoint, role: str) -> OrgNode:
    """Where the deciding role must be held: the department for its head and its deputy in
    charge, the unit for everyone else (the commission: an area above the unit)."""
    if role in (Role.DEPARTMENT_HEAD, Role.DEPUTY_IN_CHARGE) and point.scope != RiskScope.UNIT:
        return point.node
    return point.unit


def deciders(role: str, at_node: OrgNode) -> QuerySet:
    """The users who decide a stage of `role` over `at_node`."""
    if role == Role.DEPUTY_IN_CHARGE:
        assignments = RoleAssignment.objects.filter(role=role, departments=at_node)
    elif role == Role.DISCIPLINE_COMMISSION:
        assignments = RoleAssignment.objects.filter(role=role, node__path__in=at_node.path_prefixes()).filter(
            Q(include_descendants=True) | Q(node=at_node)
        )
    else:
        assignments = RoleAssignment.objects.filter(role=role, node=at_node)
    return get_user_model().objects.filter(pk__in=assignments.values("user"), is_active=True)


def decider_q(user) -> Q:
    """A filter on Review selecting the stages `user` decides (the mirror of deciders())."""
    if user.is_superuser:
        return Q()
    parts = []
    for a in role_assignments(user):
        if a.role == Role.DEPUTY_IN_CHARGE:
            depts = [d.pk for d in a.departments.all()]
            if depts:
                parts.append(Q(role=a.role, at_node__in=depts))
        elif a.role == Role.DISCIPLINE_COMMISSION and a.include_descendants:
            parts.append(Q(role=a.role, at_node__path__startswith=a.node.path))
        else:
            parts.append(Q(role=a.role, at_node=a.node_id))
    return reduce(or_, parts) if parts else Q(pk__in=[])


def may_decide(user, review: Review) -> bool:
    return Review.objects.filter(pk=review.pk).filter(decider_q(user)).exists()


def _notify_deciders(review: Review) -> None:
    point = review.point
    for user in deciders(review.role, review.at_node):
        notify(
            recipient=user,
            key=f"risk-review:{review.pk}",
            title=_("A risk point awaits your decision: %(point)s") % {"point": point},
            body=_("%(action)s · %(where)s") % {"action": review.get_action_display(), "where": point.node.name},
            url=reverse("risks:detail", args=[point.pk]),
        )


# --- submit and decide --------------------------------------------------------------------


@transaction.atomic
def risk_submit(*, user, point: RiskPoint) -> RiskPoint:
    """Send a draft or returned point into a new review round along its route; the point
    is locked until the round ends."""
    point = _lock(point)
    if not may_record(user, scope=point.scope, node=point.node, post=point.post):
        raise PermissionDenied
    if point.status not in (RiskStatus.DRAFT, RiskStatus.RETURNED):
        raise ValidationError(_("Only a draft or a returned risk point can be submitted."))
    stages = route_for(point.unit, route_case(point))
    if not stages:
        raise ValidationError(_("No approval route is configured for this kind of risk point."))
    now = timezone.now()
    number = (point.reviews.aggregate(m=Max("round"))["m"] or 0) + 1
    reviews = []
    for i, stage in enumerate(stages):
        at_node = _stage_node(point, stage.role)
        if not deciders(stage.role, at_node).exists():
            raise ValidationError(
                _(
                    "Nobody holds the role “%(role)s” over %(node)s, so this point cannot be decided; "
                    "ask the office to assign it."
                )
                % {"role": Role(stage.role).label, "node": at_node.name}
            )
        reviews.append(
            Review(
                point=point,
                round=number,
                order=stage.order,
                role=stage.role,
                action=stage.action,
                at_node=at_node,
                status=ReviewStatus.PENDING if i == 0 else ReviewStatus.WAITING,
                submitted_by=user,
                submitted_at=now,
            )
        )
    Review.objects.bulk_create(reviews)
    point.status = RiskStatus.SUBMITTED
    point._change_reason = _("Submitted for review (round %(n)s)") % {"n": number}
    point.save(update_fields=["status", "updated_at"])
    first = Review.objects.select_related("point__node", "at_node").get(
        point=point, round=number, order=stages[0].order
    )
    _notify_deciders(first)
    return point


@transaction.atomic
def review_decide(
    *,
    user,
    review: Review,
    decision: str,
    comment: str = "",
    grade: int | None = None,
    grade_reason: str = "",
) -> Review:
    """Approve, return for revision (with comments) or reject the pending stage. A grading
    or approving stage may set another grade, with a reason; that is recorded in the
    point's history as who set it and why."""
    point = _lock(review.point)
    review = Review.objects.select_related("at_node").get(pk=review.pk)
    if not may_decide(user, review):
        raise PermissionDenied
    if decision not in Decision.CHOICES:
        raise ValidationError({"decision": _("Choose approve, return or reject.")})
    comment = comment.strip()
    if decision != Decision.APPROVE and not comment:
        raise ValidationError({"comment": _("Say what must change (return) or why (reject).")})
    regraded = grade is not None and int(grade) != point.grade
    if regraded:
        if review.action == StageAction.FILE or decision != Decision.APPROVE:
            raise ValidationError({"grade": _("The grade can be changed only when grading or approving.")})
        if int(grade) not in Grade.values:
            raise ValidationError({"grade": _("Choose level 1, 2 or 3.")})
        if not grade_reason.strip():
            raise ValidationError({"grade_reason": _("Say why you set another grade.")})
    status = {
        Decision.APPROVE: ReviewStatus.APPROVED,
        Decision.RETURN: ReviewStatus.RETURNED,
        Decision.REJECT: ReviewStatus.REJECTED,
    }[decision]
    claimed = Review.objects.filter(pk=review.pk, status=ReviewStatus.PENDING).update(
        status=status,
        decided_by=user,
        decided_at=timezone.now(),
        comment=comment,
        grade_set=int(grade) if regraded else None,
    )
    if not claimed:
        raise ValidationError(_("This stage has already been decided."))
    if regraded:
        point.grade = int(grade)
        point.grade_reason = grade_reason.strip()[:300]
    after = Review.objects.filter(point=point, round=review.round, status=ReviewStatus.WAITING).order_by("order")
    if decision == Decision.APPROVE:
        following = after.select_related("point__node", "at_node").first()
        if following is not None:
            Review.objects.filter(pk=following.pk).update(status=ReviewStatus.PENDING)
            _notify_deciders(following)
        else:
            point.status = RiskStatus.APPROVED
    else:
        after.update(status=ReviewStatus.CANCELLED)
        point.status = RiskStatus.RETURNED if decision == Decision.RETURN else RiskStatus.REJECTED
    point._change_reason = _("%(action)s by %(user)s: %(decision)s. %(comment)s") % {
        "action": review.get_action_display(),
        "user": user.get_full_name() or user.get_username(),
        "decision": ReviewStatus(status).label,
        "comment": (grade_reason.strip() if regraded else comment) or "",
    }
    point.save()
    if point.status != RiskStatus.SUBMITTED and review.submitted_by_id:
        notify(
            recipient=review.submitted_by,
            key=f"risk-decided:{point.pk}:{review.round}",
            title=_("Your risk point was decided: %(status)s") % {"status": point.get_status_display()},
            body=comment,
            url=reverse("risks:detail", args=[point.pk]),
        )
    review.refresh_from_db()
    return review


@transaction.atomic
def risk_reopen(*, user, point: RiskPoint, reason: str) -> RiskPoint:
    """Re-assess a decided point (seed 001: 及时调整风险等级): it becomes a draft again, and its
    next submission is a new approval round."""
    point = _lock(point)
    if not may_record(user, scope=point.scope, node=point.node, post=point.post):
        raise PermissionDenied
    if point.status not in (RiskStatus.APPROVED, RiskStatus.REJECTED):
        raise ValidationError(_("Only an approved or rejected risk point can be re-assessed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what changed.")})
    point.status = RiskStatus.DRAFT
    point._change_reason = _("Re-assessment: %(reason)s") % {"reason": reason.strip()}
    point.save()
    return point


def current_review(point: RiskPoint) -> Review | None:
    return point.reviews.filter(status=ReviewStatus.PENDING).select_related("at_node").first()


# --- public comment (公示) ----------------------------------------------------------------


@transaction.atomic
def comment_period_open(*, user, unit: OrgNode, title: str, working_days: int, points=None) -> CommentPeriod:
    """Publish a unit's approved points for comment for `working_days` working days from
    today; without `points`, every approved point not yet published."""
    if not has_perm(user, "risk.manage", unit):
        raise PermissionDenied
    if not 1 <= int(working_days) <= 30:
        raise ValidationError({"working_days": _("Between 1 and 30 working days.")})
    if not title.strip():
        raise ValidationError({"title": _("Give the batch a title.")})
    approved = RiskPoint.objects.filter(unit=unit, status=RiskStatus.APPROVED)
    if points is None:
        chosen = approved.exclude(comment_periods__isnull=False)
    else:
        ids = [p.pk if hasattr(p, "pk") else int(p) for p in points]
        chosen = approved.filter(pk__in=ids)
        if chosen.count() != len(set(ids)):
            raise ValidationError({"points": _("Only approved risk points of this unit can be published.")})
    ids = list(chosen.values_list("pk", flat=True))
    if not ids:
        raise ValidationError({"points": _("There are no approved risk points to publish.")})
    today = timezone.localdate()
    period = CommentPeriod.objects.create(
        unit=unit,
        title=title.strip(),
        working_days=int(working_days),
        opens_on=today,
        closes_on=add_workdays(today, int(working_days)),
        opened_by=user,
    )
    period.points.set(ids)
    return period


def comment_add(*, period: CommentPeriod, body: str, contact: str = "", point_id: int | None = None) -> PublicComment:
    """A comment on an open period (from the public portal: no account, nothing else kept)."""
    if period.status != CommentPeriodStatus.OPEN or period.closes_on < timezone.localdate():
        raise ValidationError(_("This public comment period has ended."))
    if not body.strip():
        raise ValidationError({"body": _("Write your comment.")})
    if point_id is not None and not period.points.filter(pk=point_id).exists():
        raise ValidationError({"point": _("That risk point is not in this batch.")})
    comment = PublicComment(period=period, point_id=point_id, body=body.strip(), contact=contact.strip())
    comment.full_clean()
    comment.save()
    return comment


def comment_periods_close(*, today=None) -> int:
    """Close every period whose last day has passed (the disclosure deadline) and tell the
    unit's office the set may go up to the level above. Idempotent: each period is claimed
    by a conditional UPDATE, so a doubled or retried run closes and notifies once."""
    today = today or timezone.localdate()
    closed = 0
    for period_id in CommentPeriod.objects.filter(status=CommentPeriodStatus.OPEN, closes_on__lt=today).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            claimed = CommentPeriod.objects.filter(pk=period_id, status=CommentPeriodStatus.OPEN).update(
                status=CommentPeriodStatus.CLOSED, closed_at=timezone.now()
            )
            if not claimed:
                continue
            closed += 1
            period = CommentPeriod.objects.select_related("unit", "opened_by").get(pk=period_id)
            count = period.comments.count()
            recipients = set(deciders(Role.LEADING_GROUP_OFFICE, period.unit))
            if period.opened_by:
                recipients.add(period.opened_by)
            for user in recipients:
                notify(
                    recipient=user,
                    key=f"comment-period-closed:{period.pk}",
                    title=_("Public comment closed: %(title)s") % {"title": period.title},
                    body=_("%(count)s comments received. The set can now be submitted to the level above.")
                    % {"count": count},
                    url=reverse("risks:period", args=[period.pk]),
                )
    return closed


# --- two up, two down (二上二下) -----------------------------------------------------------


def may_decide_set(user, unit: OrgNode) -> bool:
    """The level above: a discipline commission over an area that contains the unit."""
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(
        user=user, role=Role.DISCIPLINE_COMMISSION, include_descendants=True, node__path__in=unit.path_prefixes()[:-1]
    ).exists()


@transaction.atomic
def set_submit(*, user, unit: OrgNode, note: str = "") -> SetRound:
    """Send the unit's approved set up (一上 / 二上). Not while a round is with the level
    above, nor while points are still under review."""
    if not has_perm(user, "risk.manage", unit):
        raise PermissionDenied
    OrgNode.objects.select_for_update().filter(pk=unit.pk).first()  # one submitter at a time per unit
    last = SetRound.objects.filter(unit=unit).order_by("-number").first()
    if last and last.status == SetRoundStatus.SUBMITTED:
        raise ValidationError(_("The set is already with the level above."))
    if last and last.status == SetRoundStatus.ACCEPTED:
        raise ValidationError(_("The level above has already accepted this unit's set."))
    if RiskPoint.objects.filter(unit=unit, status=RiskStatus.SUBMITTED).exists():
        raise ValidationError(_("Some risk points are still under review; decide them first."))
    count = RiskPoint.objects.filter(unit=unit, status=RiskStatus.APPROVED).count()
    if not count:
        raise ValidationError(_("The unit has no approved risk points to submit."))
    rnd = SetRound.objects.create(
        unit=unit,
        number=(last.number + 1) if last else 1,
        note=note.strip(),
        point_count=count,
        status=SetRoundStatus.SUBMITTED,
        submitted_by=user,
    )
    return rnd


@transaction.atomic
def set_decide(*, user, set_round: SetRound, accept: bool, opinions: str = "") -> SetRound:
    """The level above accepts the set, or returns it with opinions (一下 / 二下)."""
    if not may_decide_set(user, set_round.unit):
        raise PermissionDenied
    if not accept and not opinions.strip():
        raise ValidationError({"opinions": _("Write the opinions the unit should act on.")})
    claimed = SetRound.objects.filter(pk=set_round.pk, status=SetRoundStatus.SUBMITTED).update(
        status=SetRoundStatus.ACCEPTED if accept else SetRoundStatus.RETURNED,
        decided_by=user,
        decided_at=timezone.now(),
        opinions=opinions.strip(),
    )
    if not claimed:
        raise ValidationError(_("This submission has already been decided."))
    set_round.refresh_from_db()
    if set_round.submitted_by_id:
        notify(
            recipient=set_round.submitted_by,
            key=f"risk-set-decided:{set_round.pk}",
            title=_("The level above decided your risk set: %(status)s") % {"status": set_round.get_status_display()},
            body=set_round.opinions,
            url=reverse("risks:sets") + f"?unit={set_round.unit_id}",
        )
    return set_round
