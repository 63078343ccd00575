"""The integrity-education ledger and heart-to-heart talks."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import authority, presets
from assessment.models import EducationForm, EducationSession, Talk, TalkKind
from org.models import NodeKind, OrgNode, Person


@transaction.atomic
def education_record(
    *,
    user,
    unit: OrgNode,
    held_on: dt.date,
    minutes: int,
    place: str,
    form: str,
    topic: str,
    content: str,
    participant_count: int,
    participants: Iterable[Person] = (),
    department: OrgNode | None = None,
    start_time: dt.time | None = None,
    materials=None,
) -> EducationSession:
    """Enter a session in the unit's ledger: at least an hour, time, place,
    participants, content and materials."""
    if unit.kind != NodeKind.UNIT:
        raise ValidationError({"unit": _("Choose a unit.")})
    if not authority.is_unit_office(user, unit):
        raise PermissionDenied
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    if minutes < presets.EDUCATION_MIN_MINUTES:
        raise ValidationError({"minutes": _("A session lasts at least one hour.")})
    if form not in EducationForm.values:
        raise ValidationError({"form": _("Choose the form.")})
    if department is not None and not (
        department.kind == NodeKind.DEPARTMENT and department.path.startswith(unit.path)
    ):
        raise ValidationError({"department": _("The department must belong to the unit.")})
    participants = list(participants)
    if participant_count < max(1, len(participants)):
        raise ValidationError({"participant_count": _("At least as many as the participants named.")})
    if materials is not None:
        from alerts.services import check_attachment

        check_attachment(materials, "materials")
    session = EducationSession(
        unit=unit,
        department=department,
        held_on=held_on,
        start_time=start_time,
        minutes=minutes,
        place=place.strip(),
        form=form,
        topic=topic.strip(),
        content=content.strip(),
        participant_count=participant_count,
        recorded_by=user,
    )
    if materials is not None:
        session.materials = materials
    session.full_clean()
    session.save()
    session.participants.set(participants)
    return session


def may_record_talk(user, leader: Person) -> bool:
    return (leader.user_id is not None and leader.user_id == user.pk) or authority.is_unit_office(user, leader.unit)


@transaction.atomic
def talk_record(
    *, user, leader: Person, cadre: Person, kind: str, held_on: dt.date, summary: str, place: str = ""
) -> Talk:
    """Record a talk: by the leader who held it or by the unit's office."""
    if not may_record_talk(user, leader):
        raise PermissionDenied
    if leader.pk == cadre.pk:
        raise ValidationError({"cadre": _("A talk takes two people.")})
    unit = leader.unit
    if not cadre.unit.path.startswith(unit.path):
        raise ValidationError({"cadre": _("The cadre must work in the leader's unit.")})
    if kind not in TalkKind.values:
        raise ValidationError({"kind": _("Choose the kind of talk.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    if not summary.strip():
        raise ValidationError({"summary": _("Record what was talked about.")})
    talk = Talk(
        unit=unit,
        leader=leader,
        cadre=cadre,
        kind=kind,
        held_on=held_on,
        place=place.strip(),
        summary=summary.strip(),
        recorded_by=user,
    )
    talk.full_clean()
    talk.save()
    return talk
