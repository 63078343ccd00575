"""Public commitments (公开承诺, seed 002): the cadre files the five standard items plus
their own; the leader in charge approves (then it is locked and published) or returns it;
at year end the cadre reports how it was kept (践诺) and the leader rates it (评诺)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import authority, presets
from assessment.models import (
    EDITABLE_COMMITMENT,
    Commitment,
    CommitmentItem,
    CommitmentStatus,
    Cycle,
    CycleStatus,
    CycleUnit,
    Rating,
    Stage,
)
from core.services import notify

MAX_OWN_ITEMS = 10
MAX_ITEM_CHARS = 500


def _person(user):
    person = getattr(user, "person", None)
    if person is None or not person.is_active:
        raise PermissionDenied(_("Only a cadre with a record in a unit files a commitment."))
    return person


def _lock(commitment: Commitment) -> Commitment:
    return (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("person", "unit", "post__department", "cycle")
        .get(pk=commitment.pk)
    )


def _clean_items(own_items: list[str]) -> list[str]:
    items = [t.strip() for t in own_items if t and t.strip()]
    if len(items) > MAX_OWN_ITEMS:
        raise ValidationError({"own_items": _("At most %(n)d items of your own.") % {"n": MAX_OWN_ITEMS}})
    if any(len(t) > MAX_ITEM_CHARS for t in items):
        raise ValidationError({"own_items": _("Each item at most %(n)d characters.") % {"n": MAX_ITEM_CHARS}})
    return items


def _locked_error(commitment: Commitment) -> ValidationError:
    if commitment.is_locked:
        return ValidationError(_("An approved commitment is locked: it can no longer be changed."))
    return ValidationError(_("The commitment is awaiting approval: it cannot be changed now."))


@transaction.atomic
def commitment_save(*, user, cycle: Cycle, own_items: list[str], submit: bool = False) -> Commitment:
    """Create or change the user's own commitment for `cycle` (the five standard items come
    first, always); with `submit`, send it to the leader in charge."""
    person = _person(user)
    if cycle.status != CycleStatus.OPEN or not CycleUnit.objects.filter(cycle=cycle, unit=person.unit_id).exists():
        raise ValidationError({"cycle": _("Your unit is not in this cycle.")})
    if CycleUnit.objects.filter(cycle=cycle, unit=person.unit_id, stage=Stage.DONE).exists():
        raise ValidationError({"cycle": _("Your unit's cycle is archived.")})
    items = _clean_items(own_items)
    commitment = Commitment.objects.filter(cycle=cycle, person=person).first()
    if commitment is not None:
        commitment = _lock(commitment)
        if commitment.status not in EDITABLE_COMMITMENT:
            raise _locked_error(commitment)
    else:
        commitment = Commitment(cycle=cycle, person=person, unit_id=person.unit_id)
    commitment.post = authority.current_post(person)
    commitment.full_clean(validate_unique=False)
    commitment.save()
    commitment.items.all().delete()
    rows = [
        CommitmentItem(commitment=commitment, order=i, standard_key=key, text=text)
        for i, (key, text) in enumerate(presets.COMMITMENT_ITEMS)
    ]
    rows += [CommitmentItem(commitment=commitment, order=len(rows) + i, text=text) for i, text in enumerate(items)]
    CommitmentItem.objects.bulk_create(rows)
    if submit:
        return commitment_submit(user=user, commitment=commitment)
    return commitment


@transaction.atomic
def commitment_submit(*, user, commitment: Commitment) -> Commitment:
    commitment = _lock(commitment)
    if commitment.person.user_id != user.pk:
        raise PermissionDenied
    if commitment.status not in EDITABLE_COMMITMENT:
        raise _locked_error(commitment)
    commitment.status, commitment.submitted_at = CommitmentStatus.SUBMITTED, timezone.now()
    commitment._change_reason = _("Submitted")
    commitment.save(update_fields=["status", "submitted_at"])
    for approver in authority.approvers(commitment):
        notify(
            recipient=approver,
            key=f"commitment-submitted:{commitment.pk}:{commitment.submitted_at:%Y%m%d%H%M%S}",
            title=_("Public commitment to approve: %(name)s") % {"name": commitment.person.name},
            url=reverse("assessment:commitment", args=[commitment.pk]),
        )
    return commitment


def _claim(commitment: Commitment, from_status: str, **values) -> Commitment:
    """Move a commitment on with a conditional UPDATE under its row lock: exactly one
    decision counts when two leaders act at once."""
    locked = _lock(commitment)
    if locked.status != from_status:
        raise ValidationError(_("This commitment has already been dealt with."))
    for name, value in values.items():
        setattr(locked, name, value)
    locked._change_reason = str(values.get("status", ""))
    locked.save(update_fields=list(values))
    return locked


@transaction.atomic
def commitment_decide(*, user, commitment: Commitment, approve: bool, note: str = "") -> Commitment:
    """The leader in charge approves (the commitment is locked and published) or returns it."""
    if not authority.may_approve(user, commitment):
        raise PermissionDenied
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say what should change.")})
    status = CommitmentStatus.APPROVED if approve else CommitmentStatus.RETURNED
    commitment = _claim(
        commitment,
        CommitmentStatus.SUBMITTED,
        status=status,
        decided_by=user,
        decided_at=timezone.now(),
        decision_note=note.strip(),
    )
    if commitment.person.user_id:
        notify(
            recipient=commitment.person.user,
            key=f"commitment-decided:{commitment.pk}:{commitment.decided_at:%Y%m%d%H%M%S}",
            title=_("Your public commitment was approved") if approve else _("Your public commitment was returned"),
            body=note.strip(),
            url=reverse("assessment:commitment", args=[commitment.pk]),
        )
    return commitment


@transaction.atomic
def commitment_report(*, user, commitment: Commitment, report: str) -> Commitment:
    """The cadre reports how the commitment was kept (践诺)."""
    if commitment.person.user_id != user.pk:
        raise PermissionDenied
    if not report.strip():
        raise ValidationError({"report": _("Say how you kept your commitment.")})
    commitment = _claim(
        commitment,
        CommitmentStatus.APPROVED,
        status=CommitmentStatus.REPORTED,
        kept_report=report.strip(),
        reported_at=timezone.now(),
    )
    for approver in authority.approvers(commitment):
        notify(
            recipient=approver,
            key=f"commitment-reported:{commitment.pk}",
            title=_("Commitment report to rate: %(name)s") % {"name": commitment.person.name},
            url=reverse("assessment:commitment", args=[commitment.pk]),
        )
    return commitment


@transaction.atomic
def commitment_rate(*, user, commitment: Commitment, rating: int, note: str = "") -> Commitment:
    """The leader in charge rates how the commitment was kept (评诺); a rating below
    'largely kept' says why."""
    if not authority.may_approve(user, commitment):
        raise PermissionDenied
    if rating not in Rating.values:
        raise ValidationError({"rating": _("Choose a rating.")})
    if rating in (Rating.FAIR, Rating.POOR) and not note.strip():
        raise ValidationError({"note": _("Say why the commitment was not kept.")})
    return _claim(
        commitment,
        CommitmentStatus.REPORTED,
        status=CommitmentStatus.RATED,
        rating=rating,
        rating_note=note.strip(),
        rated_by=user,
    )


@transaction.atomic
def commitments_publish(*, user, cycle_unit: CycleUnit, public: bool) -> CycleUnit:
    """The unit chooses whether its approved commitments appear on the public portal."""
    if not authority.is_unit_office(user, cycle_unit):
        raise PermissionDenied
    cycle_unit.commitments_public = public
    cycle_unit._change_reason = _("Publication on the public portal changed")
    cycle_unit.save(update_fields=["commitments_public"])
    return cycle_unit
