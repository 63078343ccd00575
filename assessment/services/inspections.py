"""Half-year self-inspections (定期自查) and the district's spot checks (垂直抽查), seed 002."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from assessment import authority, presets
from assessment.models import (
    Checkpoint,
    CycleStatus,
    CycleUnit,
    InspectionItem,
    InspectionStatus,
    SelfInspection,
    SpotCheck,
    SpotCheckKind,
)
from core.services import notify
from org.models import NodeKind, OrgNode, Role, RoleAssignment
from risks.models import Measure, MeasureStatus, RiskStatus

EDITABLE = (InspectionStatus.DRAFT, InspectionStatus.RETURNED)
REPORT_FIELDS = [name for name, _text in presets.INSPECTION_SECTIONS]


def _check_upload(upload, field: str) -> None:
    from alerts.services import check_attachment

    check_attachment(upload, field)


def _district_users(unit: OrgNode):
    from django.contrib.auth import get_user_model

    above = RoleAssignment.objects.filter(
        role=Role.DISCIPLINE_COMMISSION, node__path__in=unit.path_prefixes(), include_descendants=True
    ).values("user")
    return get_user_model().objects.filter(pk__in=above, is_active=True)


def _unit_office_users(unit: OrgNode):
    return [
        a.user
        for a in RoleAssignment.objects.filter(
            node=unit, role__in=[Role.UNIT_CHIEF, Role.LEADING_GROUP_OFFICE]
        ).select_related("user")
    ]


@transaction.atomic
def inspection_start(*, user, cycle_unit: CycleUnit, checkpoint: Checkpoint) -> SelfInspection:
    """Build (once) the unit's self-inspection for a checkpoint: one item for every
    prevention measure of its approved risk points."""
    if not authority.is_unit_office(user, cycle_unit):
        raise PermissionDenied
    if checkpoint.cycle_id != cycle_unit.cycle_id or cycle_unit.cycle.status != CycleStatus.OPEN:
        raise ValidationError(_("This checkpoint is not part of the unit's open cycle."))
    inspection, created = SelfInspection.objects.get_or_create(cycle_unit=cycle_unit, checkpoint=checkpoint)
    if created:
        build_items(inspection)
    return inspection


def build_items(inspection: SelfInspection, *, answered: bool = False) -> int:
    """One item for every prevention measure of the unit's approved risk points; a measure
    reported done starts answered with its own evidence (all of them, with `answered`)."""
    measures = (
        Measure.objects.filter(point__unit=inspection.cycle_unit.unit_id, point__status=RiskStatus.APPROVED)
        .exclude(status=MeasureStatus.CANCELLED)
        .select_related("point")
        .order_by("point_id", "deadline", "pk")
    )
    items = [
        InspectionItem(
            inspection=inspection,
            measure=m,
            point=m.point,
            point_text=m.point.description,
            measure_text=m.description,
            carried_out="yes" if answered or m.status == MeasureStatus.DONE else "",
            evidence_note=m.evidence_note or (m.check_method if answered else ""),
        )
        for m in measures
    ]
    InspectionItem.objects.bulk_create(items)
    return len(items)


def _lock(inspection: SelfInspection) -> SelfInspection:
    return (
        SelfInspection.objects.select_for_update(of=("self",))
        .select_related("cycle_unit__unit", "cycle_unit__cycle", "checkpoint")
        .get(pk=inspection.pk)
    )


def _missing(inspection: SelfInspection) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    items = list(inspection.items.all())
    unanswered = [i for i in items if not i.carried_out]
    no_evidence = [i for i in items if i.carried_out and not (i.evidence_note.strip() or i.evidence)]
    if unanswered:
        errors["items"] = [
            ngettext(
                "%(n)d measure is not answered (was it carried out?).",
                "%(n)d measures are not answered (was each carried out?).",
                len(unanswered),
            )
            % {"n": len(unanswered)}
        ]
    if no_evidence:
        errors.setdefault("items", []).append(
            ngettext(
                "%(n)d measure has no evidence or explanation.",
                "%(n)d measures have no evidence or explanation.",
                len(no_evidence),
            )
            % {"n": len(no_evidence)}
        )
    for name in REPORT_FIELDS:
        if not getattr(inspection, name).strip():
            errors[name] = [_("This part of the report is required.")]
    return errors


@transaction.atomic
def inspection_save(
    *,
    user,
    inspection: SelfInspection,
    answers: dict[int, dict],
    report: dict[str, str],
    submit: bool = False,
    today=None,
) -> SelfInspection:
    """Record the answers (`answers` = {item id: {carried_out, evidence_note, evidence}})
    and the report; with `submit`, send it up to the district — all or nothing: if anything
    required is missing, nothing is saved."""
    inspection = _lock(inspection)
    if not authority.is_unit_office(user, inspection.cycle_unit):
        raise PermissionDenied
    if inspection.status not in EDITABLE:
        raise ValidationError(_("The self-inspection was submitted: it can no longer be changed."))
    items = {i.pk: i for i in inspection.items.all()}
    if set(answers) - set(items):
        raise ValidationError({"items": _("An answer names an item of another self-inspection.")})
    for pk, values in answers.items():
        item = items[pk]
        if values.get("carried_out", "") not in ("", "yes", "partly", "no"):
            raise ValidationError({"items": _("Answer yes, partly or no.")})
        _check_upload(values.get("evidence"), "items")
        item.carried_out = values.get("carried_out", item.carried_out)
        item.evidence_note = (values.get("evidence_note", item.evidence_note) or "").strip()
        if values.get("evidence"):
            item.evidence = values["evidence"]
        item.save()
    for name in REPORT_FIELDS:
        if name in report:
            setattr(inspection, name, (report[name] or "").strip())
    inspection._change_reason = _("Saved")
    inspection.save()
    if submit:
        return _submit(user, inspection, today or timezone.localdate())
    return inspection


def _submit(user, inspection: SelfInspection, today: dt.date) -> SelfInspection:
    errors = _missing(inspection)
    if errors:
        raise ValidationError(errors)
    inspection.status, inspection.submitted_on, inspection.submitted_by = InspectionStatus.SUBMITTED, today, user
    inspection.on_time = inspection.on_time if inspection.on_time is False else today <= inspection.checkpoint.due_on
    inspection._change_reason = _("Submitted to the district")
    inspection.save()
    unit = inspection.cycle_unit.unit
    for district in _district_users(unit):
        notify(
            recipient=district,
            key=f"inspection-submitted:{inspection.pk}:{today}",
            title=_("Self-inspection to review: %(unit)s") % {"unit": unit.name},
            url=reverse("assessment:inspection", args=[inspection.pk]),
        )
    return inspection


@transaction.atomic
def inspection_review(*, user, inspection: SelfInspection, accept: bool, note: str = "", today=None) -> SelfInspection:
    """The district accepts the self-inspection or returns it (saying why)."""
    inspection = _lock(inspection)
    if not authority.is_district(user, inspection.cycle_unit):
        raise PermissionDenied
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say what must be done again.")})
    if inspection.status != InspectionStatus.SUBMITTED:
        raise ValidationError(_("This self-inspection is not waiting for review."))
    inspection.status = InspectionStatus.ACCEPTED if accept else InspectionStatus.RETURNED
    inspection.reviewed_by, inspection.reviewed_on = user, today or timezone.localdate()
    inspection.review_note = note.strip()
    inspection._change_reason = inspection.get_status_display()
    inspection.save()
    for office in _unit_office_users(inspection.cycle_unit.unit):
        notify(
            recipient=office,
            key=f"inspection-reviewed:{inspection.pk}:{inspection.status}:{inspection.reviewed_on}",
            title=_("Your self-inspection was accepted") if accept else _("Your self-inspection was returned"),
            body=note.strip(),
            url=reverse("assessment:inspection", args=[inspection.pk]),
        )
    return inspection


# --- spot checks ----------------------------------------------------------------------------


@transaction.atomic
def spotcheck_record(
    *,
    user,
    unit: OrgNode,
    kind: str,
    subject: str,
    checked_on: dt.date,
    checkers: str,
    findings: str,
    rectification_required: bool = False,
    rectification: str = "",
    rectification_due: dt.date | None = None,
    cycle=None,
) -> SpotCheck:
    """The district records a check of a unit, what it found and the rectification it requires."""
    if unit.kind != NodeKind.UNIT:
        raise ValidationError({"unit": _("Choose a unit.")})
    if not authority.is_district(user, unit):
        raise PermissionDenied
    if kind not in SpotCheckKind.values:
        raise ValidationError({"kind": _("Choose the kind of check.")})
    if checked_on > timezone.localdate():
        raise ValidationError({"checked_on": _("The date cannot be in the future.")})
    if rectification_required:
        if not rectification.strip():
            raise ValidationError({"rectification": _("Say what must be rectified.")})
        if rectification_due is None or rectification_due < checked_on:
            raise ValidationError({"rectification_due": _("Set a date after the check.")})
    check = SpotCheck(
        cycle=cycle,
        unit=unit,
        kind=kind,
        subject=subject.strip(),
        checked_on=checked_on,
        checkers=checkers.strip(),
        findings=findings.strip(),
        rectification_required=rectification_required,
        rectification=rectification.strip() if rectification_required else "",
        rectification_due=rectification_due if rectification_required else None,
        recorded_by=user,
    )
    check.full_clean()
    check.save()
    if rectification_required:
        for office in _unit_office_users(unit):
            notify(
                recipient=office,
                key=f"spotcheck-rectify:{check.pk}",
                title=_("Rectification required by %(date)s: %(subject)s")
                % {"date": rectification_due, "subject": check.subject},
                url=reverse("assessment:spotcheck", args=[check.pk]),
            )
    return check


@transaction.atomic
def spotcheck_rectified(*, user, spot_check: SpotCheck, report: str, today=None) -> SpotCheck:
    """The unit reports the rectification done."""
    check = SpotCheck.objects.select_for_update().select_related("unit").get(pk=spot_check.pk)
    if not authority.is_unit_office(user, check):
        raise PermissionDenied
    if not check.rectification_open:
        raise ValidationError(_("No rectification is open for this check."))
    if not report.strip():
        raise ValidationError({"report": _("Say what was rectified.")})
    check.rectified_on, check.rectification_report = today or timezone.localdate(), report.strip()
    check.save(update_fields=["rectified_on", "rectification_report"])
    return check
