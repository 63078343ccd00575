"""Every write of the warnings area: risk information, petitions and reports, warnings,
written replies, reminders and escalation. Each runs in one transaction and validates
first; jobs are idempotent (conditional UPDATEs and notification keys)."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from alerts import authority
from alerts.models import (
    Disposal,
    InfoKindRule,
    Petition,
    PetitionStatus,
    ReplyDecision,
    RiskInfo,
    RiskWarning,
    TargetKind,
    WarningColour,
    WarningEvent,
    WarningReply,
    WarningStatus,
)
from core.services import notify
from core.uploads import check_attachment
from core.workdays import add_workdays, workdays_between
from org.models import NodeKind, OrgNode, Person, Post
from org.permissions import has_perm

# --- risk information ---------------------------------------------------------------------


def entry_deadline(kind: str, trigger_date: dt.date) -> dt.date | None:
    rule = InfoKindRule.objects.filter(kind=kind).first()
    if rule is None or rule.entry_days is None:
        return None
    return add_workdays(trigger_date, rule.entry_days)


def _unit_of(node: OrgNode) -> OrgNode:
    unit = node.owning_unit()
    if unit is None:
        raise ValidationError({"node": _("Choose a unit or a department.")})
    return unit


@transaction.atomic
def info_record(
    *,
    user,
    kind: str,
    source: str,
    title: str,
    content: str,
    node: OrgNode,
    trigger_date: dt.date,
    posts: Iterable[Post] = (),
    people: Iterable[Person] = (),
    risk_points: Iterable = (),
    petition: Petition | None = None,
    today: dt.date | None = None,
) -> RiskInfo:
    """Enter risk information; its entry deadline in working days (seed 004) is counted from
    the trigger date, and a late entry is flagged against the collection point."""
    if not has_perm(user, "alert.manage", node):
        raise PermissionDenied
    today = today or timezone.localdate()
    if trigger_date > today:
        raise ValidationError({"trigger_date": _("The trigger date cannot be in the future.")})
    unit = _unit_of(node)
    posts, people, risk_points = list(posts), list(people), list(risk_points)
    if any(not p.department.path.startswith(unit.path) for p in posts):
        raise ValidationError({"posts": _("Every post must belong to the unit concerned.")})
    if any(p.unit_id != unit.pk for p in risk_points):
        raise ValidationError({"risk_points": _("Every risk point must belong to the unit concerned.")})
    deadline = entry_deadline(kind, trigger_date)
    info = RiskInfo(
        kind=kind,
        source=source,
        title=title.strip(),
        content=content.strip(),
        node=node,
        unit=unit,
        trigger_date=trigger_date,
        entry_deadline=deadline,
        entered_on=today,
        is_late=deadline is not None and today > deadline,
        collection_point=_collection_point(user, unit),
        petition=petition,
        recorded_by=user,
    )
    info.full_clean()
    info.save()
    info.posts.set(posts)
    info.people.set(people)
    info.risk_points.set(risk_points)
    return info


def _collection_point(user, unit: OrgNode) -> OrgNode:
    """The recording user's own unit where they hold a role there, else the unit concerned."""
    from org.permissions import role_assignments

    for a in role_assignments(user):
        if a.role in ("lg_office", "discipline", "commission") and unit.path.startswith(a.node.path):
            return a.node
    return unit


# --- petitions and reports ----------------------------------------------------------------

RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _i in range(20))  # 100 bits
    return "-".join(raw[i : i + 5] for i in range(0, 20, 5))


def receipt_hash(code: str) -> str:
    normal = "".join(c for c in code.upper() if c in RECEIPT_ALPHABET)
    return hashlib.sha256(f"lianzheng-receipt:{normal}".encode()).hexdigest()


def _due(received_on: dt.date) -> dt.date:
    return add_workdays(received_on, settings.PETITION_ANSWER_WORKDAYS)


@transaction.atomic
def petition_register(
    *,
    user,
    channel: str,
    kind: str,
    node: OrgNode,
    subject: str,
    content: str,
    received_on: dt.date,
    is_anonymous: bool = False,
    reporter_name: str = "",
    reporter_contact: str = "",
) -> Petition:
    """Staff register a petition, complaint or report received by letter, visit or phone."""
    if not has_perm(user, "petition.manage", node):
        raise PermissionDenied
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("The date cannot be in the future.")})
    if is_anonymous:
        reporter_name = reporter_contact = ""
    petition = Petition(
        channel=channel,
        kind=kind,
        node=node,
        subject=subject.strip(),
        content=content.strip(),
        is_anonymous=is_anonymous,
        reporter_name=reporter_name.strip(),
        reporter_contact=reporter_contact.strip(),
        received_on=received_on,
        due_on=_due(received_on),
        registered_by=user,
    )
    petition.full_clean()
    petition.save()
    _notify_office(petition)
    return petition


@transaction.atomic
def public_report(
    *, node: OrgNode, kind: str, subject: str, content: str, name: str = "", contact: str = ""
) -> tuple[Petition, str]:
    """A report filed on the public portal. Returns it with its receipt code, which is shown
    to the reporter once and kept only as a hash. Without a name it is anonymous: nothing
    about the reporter is stored (no account, no address, no time finer than the day)."""
    if node.kind not in (NodeKind.UNIT, NodeKind.DEPARTMENT):
        raise ValidationError({"node": _("Choose the unit the report concerns.")})
    if not subject.strip() or not content.strip():
        raise ValidationError({"content": _("Say what happened.")})
    code = _receipt_code()
    today = timezone.localdate()
    anonymous = not name.strip()
    petition = Petition(
        channel="online",
        kind=kind,
        node=node,
        subject=subject.strip()[:200],
        content=content.strip(),
        is_anonymous=anonymous,
        reporter_name="" if anonymous else name.strip()[:60],
        reporter_contact="" if anonymous else contact.strip()[:100],
        receipt_hash=receipt_hash(code),
        received_on=today,
        due_on=_due(today),
    )
    petition.full_clean()
    petition.skip_history_when_saving = True  # no audit row timestamped to the second of sending
    petition.save()
    del petition.skip_history_when_saving
    _notify_office(petition)
    return petition, code


def petition_by_receipt(code: str) -> Petition | None:
    return Petition.objects.filter(receipt_hash=receipt_hash(code)).select_related("node").first()


def _notify_office(petition: Petition) -> None:
    from org.models import RoleAssignment

    unit = petition.node.owning_unit() or petition.node
    staff = RoleAssignment.objects.filter(role="discipline", node=unit).select_related("user")
    for a in staff:
        notify(
            recipient=a.user,
            key=f"petition-received:{petition.pk}",
            title=_("New petition or report: %(subject)s") % {"subject": petition.subject},
            url=reverse("alerts:petition", args=[petition.pk]),
        )


@transaction.atomic
def petition_assign(*, user, petition: Petition, assignee) -> Petition:
    if not has_perm(user, "petition.manage", petition):
        raise PermissionDenied
    if petition.status in (PetitionStatus.ANSWERED, PetitionStatus.CLOSED):
        raise ValidationError(_("This petition has already been answered."))
    if not has_perm(assignee, "petition.manage", petition):
        raise ValidationError({"assignee": _("The person handling it must be able to see it.")})
    petition.assignee = assignee
    petition.status = PetitionStatus.ASSIGNED
    petition.save(update_fields=["assignee", "status"])
    notify(
        recipient=assignee,
        key=f"petition-assigned:{petition.pk}:{assignee.pk}",
        title=_("A petition was assigned to you: %(subject)s") % {"subject": petition.subject},
        url=reverse("alerts:petition", args=[petition.pk]),
    )
    return petition


@transaction.atomic
def petition_answer(*, user, petition: Petition, findings: str, reply: str) -> Petition:
    """Record what was found and the answer the reporter reads (with their receipt code)."""
    if not has_perm(user, "petition.manage", petition):
        raise PermissionDenied
    if not reply.strip():
        raise ValidationError({"reply": _("Write the answer to the reporter.")})
    claimed = Petition.objects.filter(
        pk=petition.pk, status__in=[PetitionStatus.RECEIVED, PetitionStatus.ASSIGNED]
    ).update(
        findings=findings.strip(),
        reply=reply.strip(),
        replied_on=timezone.localdate(),
        status=PetitionStatus.ANSWERED,
    )
    if not claimed:
        raise ValidationError(_("This petition has already been answered."))
    petition.refresh_from_db()
    return petition


# --- warnings -----------------------------------------------------------------------------


def locate_target(
    target_kind: str,
    *,
    unit: OrgNode | None = None,
    department: OrgNode | None = None,
    post: Post | None = None,
    person: Person | None = None,
) -> tuple[OrgNode, OrgNode, Post | None, Person | None]:
    """(node, unit, post, person) of a warning's target, or a field error."""
    if target_kind == TargetKind.UNIT:
        if unit is None or unit.kind != NodeKind.UNIT:
            raise ValidationError({"unit": _("Choose the unit.")})
        return unit, unit, None, None
    if target_kind == TargetKind.DEPARTMENT:
        if department is None or department.kind != NodeKind.DEPARTMENT:
            raise ValidationError({"department": _("Choose the department.")})
        return department, _unit_of(department), None, None
    if target_kind == TargetKind.POST:
        if post is None:
            raise ValidationError({"post": _("Choose the post.")})
        return post.department, _unit_of(post.department), post, None
    if target_kind == TargetKind.PERSON:
        if person is None:
            raise ValidationError({"person": _("Choose the person.")})
        holding = person.holdings.filter(end_date__isnull=True).select_related("post__department").first()
        node = holding.post.department if holding else person.unit
        return node, person.unit, None, person
    raise ValidationError({"target_kind": _("Unknown target.")})


def _number(issuer_node: OrgNode, year: int) -> str:
    prefix = issuer_node.code or f"N{issuer_node.pk}"
    count = RiskWarning.objects.filter(issuer_node=issuer_node, issued_on__year=year).count()
    return f"{prefix}预〔{year}〕{count + 1}号"


def _event(warning: RiskWarning, kind: str, actor=None, note: str = "") -> None:
    WarningEvent.objects.create(warning=warning, kind=kind, actor=actor, note=note)


@transaction.atomic
def warning_issue(
    *,
    user,
    level: int,
    target_kind: str,
    title: str,
    facts: str,
    disposals: list[str],
    unit: OrgNode | None = None,
    department: OrgNode | None = None,
    post: Post | None = None,
    person: Person | None = None,
    risk_points: Iterable = (),
    infos: Iterable = (),
    petition: Petition | None = None,
    reply_days: int | None = None,
) -> RiskWarning:
    """Issue a warning of `level` (red 1, orange 2, yellow 3) within the issuer's authority,
    with its facts, the risk points and information it rests on and the disposal; the
    target must answer in writing within the colour's working days. The notice PDF is
    generated and archived with it; the target's responders are notified."""
    node, target_unit, post, person = locate_target(
        target_kind, unit=unit, department=department, post=post, person=person
    )
    department_node = node if node.kind == NodeKind.DEPARTMENT else None
    found = authority.issuing_authority(user, int(level), unit=target_unit, department=department_node)
    if found is None:
        raise PermissionDenied(_("You may not issue a warning of this colour to this target."))
    valid = set(Disposal.values)
    if not disposals or any(d not in valid for d in disposals):
        raise ValidationError({"disposals": _("Choose at least one disposal.")})
    if not facts.strip():
        raise ValidationError({"facts": _("State the facts the warning rests on.")})
    colour = WarningColour.objects.get(level=level)
    days = reply_days if reply_days is not None else colour.reply_days
    if not 1 <= int(days) <= 60:
        raise ValidationError({"reply_days": _("Between 1 and 60 working days.")})
    risk_points, infos = list(risk_points), list(infos)
    if any(p.unit_id != target_unit.pk for p in risk_points):
        raise ValidationError({"risk_points": _("Every risk point must belong to the target's unit.")})
    today = timezone.localdate()
    for _attempt in range(5):  # two issuers of one office at the same moment: retry the number (a savepoint)
        try:
            with transaction.atomic():
                warning = RiskWarning(
                    number=_number(found.node, today.year),
                    level=level,
                    target_kind=target_kind,
                    node=node,
                    unit=target_unit,
                    post=post,
                    person=person,
                    title=title.strip(),
                    facts=facts.strip(),
                    disposals=list(dict.fromkeys(disposals)),
                    petition=petition,
                    issued_by=user,
                    issuer_role=found.role,
                    issuer_node=found.node,
                    issued_on=today,
                    reply_due=add_workdays(today, int(days)),
                )
                warning.full_clean()
                warning.save()
                break
        except IntegrityError:
            continue
    else:
        raise ValidationError(_("Could not number the warning; please try again."))
    warning.risk_points.set(risk_points)
    warning.infos.set(infos)
    _event(warning, "issued", user)
    from alerts.pdf import warning_notice_pdf

    warning.notice.save(f"{warning.pk}.pdf", ContentFile(warning_notice_pdf(warning)), save=True)
    for responder in authority.responders(warning):
        notify(
            recipient=responder,
            key=f"warning-issued:{warning.pk}",
            title=_("%(colour)s: %(title)s") % {"colour": colour.name, "title": warning.title},
            body=_("Reply in writing by %(date)s.") % {"date": warning.reply_due},
            url=reverse("alerts:detail", args=[warning.pk]),
        )
    return warning


def _lock(warning: RiskWarning) -> RiskWarning:
    return (
        RiskWarning.objects.select_for_update(of=("self",))
        .select_related("node", "unit", "post", "person")
        .get(pk=warning.pk)
    )


@transaction.atomic
def warning_reply(*, user, warning: RiskWarning, cause_analysis: str, measures: str, attachment=None) -> WarningReply:
    """The target's written reply: cause analysis and rectification measures (seed 001)."""
    warning = _lock(warning)
    if not authority.is_responder(user, warning):
        raise PermissionDenied
    if warning.status != WarningStatus.ISSUED:
        raise ValidationError(_("This warning is not waiting for a reply."))
    if not cause_analysis.strip():
        raise ValidationError({"cause_analysis": _("Analyse the cause.")})
    if not measures.strip():
        raise ValidationError({"measures": _("Set out the rectification measures.")})
    check_attachment(attachment)
    reply = WarningReply(
        warning=warning, cause_analysis=cause_analysis.strip(), measures=measures.strip(), submitted_by=user
    )
    if attachment is not None:
        reply.attachment = attachment
    reply.save()
    warning.status = WarningStatus.REPLIED
    warning.save(update_fields=["status"])
    _event(warning, "replied", user)
    notify(
        recipient=warning.issued_by,
        key=f"warning-replied:{reply.pk}",
        title=_("Written reply received: %(title)s") % {"title": warning.title},
        url=reverse("alerts:detail", args=[warning.pk]),
    )
    return reply


@transaction.atomic
def reply_review(*, user, reply: WarningReply, accept: bool, note: str = "") -> WarningReply:
    """The issuer accepts the reply (rectification goes ahead) or returns it for more."""
    warning = _lock(reply.warning)
    if not authority.may_review(user, warning):
        raise PermissionDenied
    if not accept and not note.strip():
        raise ValidationError({"note": _("Say what more is needed.")})
    claimed = WarningReply.objects.filter(pk=reply.pk, decision=ReplyDecision.PENDING).update(
        decision=ReplyDecision.ACCEPTED if accept else ReplyDecision.RETURNED,
        decided_by=user,
        decision_note=note.strip(),
    )
    if not claimed or warning.status != WarningStatus.REPLIED:
        raise ValidationError(_("This reply has already been reviewed."))
    warning.status = WarningStatus.ACCEPTED if accept else WarningStatus.ISSUED
    warning.save(update_fields=["status"])
    _event(warning, "accepted" if accept else "returned", user, note.strip())
    for responder in authority.responders(warning):
        notify(
            recipient=responder,
            key=f"warning-reply-reviewed:{reply.pk}",
            title=(_("Your reply was accepted: %(title)s") if accept else _("Your reply was returned: %(title)s"))
            % {"title": warning.title},
            body=note.strip(),
            url=reverse("alerts:detail", args=[warning.pk]),
        )
    reply.refresh_from_db()
    return reply


@transaction.atomic
def warning_close(*, user, warning: RiskWarning, note: str) -> RiskWarning:
    """Close a warning once its rectification is verified."""
    warning = _lock(warning)
    if not authority.may_review(user, warning):
        raise PermissionDenied
    if warning.status != WarningStatus.ACCEPTED:
        raise ValidationError(_("Only a warning whose reply was accepted can be closed."))
    if not note.strip():
        raise ValidationError({"note": _("Say how the rectification was verified.")})
    warning.status = WarningStatus.CLOSED
    warning.closed_on = timezone.localdate()
    warning.close_note = note.strip()
    warning.save(update_fields=["status", "closed_on", "close_note"])
    _event(warning, "closed", user, note.strip())
    return warning


REMIND_WORKDAYS_BEFORE = 2


def warnings_chase(*, today: dt.date | None = None, chunk: int = 1000) -> dict[str, int]:
    """Remind responders of replies due within two working days, and escalate overdue ones
    to the target's superiors and the issuer. Run twice, it sends nothing twice: reminders
    are keyed by warning and due date, escalation is claimed by a conditional UPDATE."""
    today = today or timezone.localdate()
    sent = {"reminded": 0, "escalated": 0}
    last = 0
    while True:
        rows = list(
            RiskWarning.objects.filter(status=WarningStatus.ISSUED, pk__gt=last)
            .select_related("node", "unit", "post", "person", "issued_by")
            .order_by("pk")[:chunk]
        )
        if not rows:
            return sent
        for w in rows:
            if w.reply_due >= today:
                if workdays_between(today, w.reply_due) <= REMIND_WORKDAYS_BEFORE:
                    for user in authority.responders(w):
                        note = notify(
                            recipient=user,
                            key=f"warning-reminder:{w.pk}:{w.reply_due}",
                            title=_("Written reply due %(date)s: %(title)s") % {"date": w.reply_due, "title": w.title},
                            url=reverse("alerts:detail", args=[w.pk]),
                        )
                        sent["reminded"] += note is not None
                continue
            with transaction.atomic():
                claimed = RiskWarning.objects.filter(pk=w.pk, escalated_on__isnull=True).update(escalated_on=today)
                if not claimed:
                    continue
                _event(w, "escalated", None, str(w.reply_due))
                recipients = set(authority.superiors(w)) | {w.issued_by}
                for user in recipients:
                    notify(
                        recipient=user,
                        key=f"warning-overdue:{w.pk}:{w.reply_due}",
                        title=_("Written reply overdue: %(title)s") % {"title": w.title},
                        body=_("Due %(date)s; target: %(target)s") % {"date": w.reply_due, "target": w.node.name},
                        url=reverse("alerts:detail", args=[w.pk]),
                    )
                sent["escalated"] += 1
        last = rows[-1].pk
