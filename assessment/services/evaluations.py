"""Democratic evaluation (民主测评, seed 002): one-time tokens, anonymous ballots, one token
one ballot, response rate and satisfaction; a satisfaction below the threshold proposes a
reminder-type risk information entry (提醒类) that the office confirms or dismisses."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessment import authority, presets
from assessment.models import (
    SATISFIED_ANSWERS,
    Answer,
    Ballot,
    BallotAnswer,
    Evaluation,
    EvaluationStatus,
    EvaluationSubject,
    EvaluationToken,
    Proposal,
)
from core.services import notify
from org.models import NodeKind, OrgNode, Person, Role, RoleAssignment
from org.permissions import has_perm

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def _new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _i in range(16))  # 80 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def token_hash(code: str) -> str:
    normal = "".join(c for c in code.upper() if c in CODE_ALPHABET)
    return hashlib.sha256(f"lianzheng-ballot:{normal}".encode()).hexdigest()


def may_organise(user, unit: OrgNode) -> bool:
    return authority.is_unit_office(user, unit) or authority.is_district(user, unit)


@transaction.atomic
def evaluation_create(
    *,
    user,
    unit: OrgNode,
    subject_kind: str,
    title: str,
    closes_on: dt.date,
    subject_person: Person | None = None,
    cycle=None,
    threshold: int | None = None,
) -> Evaluation:
    if unit.kind != NodeKind.UNIT:
        raise ValidationError({"unit": _("Choose a unit.")})
    if not may_organise(user, unit):
        raise PermissionDenied
    if subject_kind not in EvaluationSubject.values:
        raise ValidationError({"subject_kind": _("Choose what is evaluated.")})
    if subject_kind == EvaluationSubject.LEADER:
        if subject_person is None or subject_person.unit_id != unit.pk:
            raise ValidationError({"subject_person": _("Choose a leader of the unit.")})
    else:
        subject_person = None
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": _("The closing date cannot be in the past.")})
    if cycle is not None and not cycle.units.filter(unit=unit).exists():
        raise ValidationError({"cycle": _("The unit is not in this cycle.")})
    if threshold is None:
        threshold = cycle.satisfaction_threshold if cycle is not None else presets.SATISFACTION_THRESHOLD
    if not 1 <= threshold <= 100:
        raise ValidationError({"threshold": _("Between 1 and 100 per cent.")})
    evaluation = Evaluation(
        cycle=cycle,
        unit=unit,
        subject_kind=subject_kind,
        subject_person=subject_person,
        title=title.strip(),
        questions=list(presets.EVALUATION_QUESTIONS),
        threshold=threshold,
        closes_on=closes_on,
        created_by=user,
    )
    evaluation.full_clean()
    evaluation.save()
    return evaluation


@transaction.atomic
def evaluation_issue(*, user, evaluation: Evaluation, participants: Iterable[Person]) -> list[tuple[Person, str]]:
    """Give every participant a one-time token and open the evaluation. Participants with
    an account get their link as a notification; the codes of the others are returned (to
    print on slips) and shown once. Only the tokens' hashes are kept."""
    if not may_organise(user, evaluation.unit):
        raise PermissionDenied
    participants = list({p.pk: p for p in participants if p.is_active}.values())
    if not participants:
        raise ValidationError({"participants": _("Choose the participants.")})
    claimed = Evaluation.objects.filter(pk=evaluation.pk, status=EvaluationStatus.DRAFT).update(
        status=EvaluationStatus.OPEN
    )
    if not claimed:
        raise ValidationError(_("The tokens of this evaluation were already issued."))
    codes = [(p, _new_code()) for p in participants]
    EvaluationToken.objects.bulk_create(
        [EvaluationToken(evaluation=evaluation, participant=p, token_hash=token_hash(code)) for p, code in codes],
        batch_size=1000,
    )
    printed = []
    for person, code in codes:
        if person.user_id is None:
            printed.append((person, code))
            continue
        notify(
            recipient=person.user,
            key=f"evaluation-token:{evaluation.pk}",
            title=_("Democratic evaluation: %(title)s") % {"title": evaluation.title},
            body=_("Your answers are anonymous. The link works once, until %(date)s.") % {"date": evaluation.closes_on},
            url=reverse("assessment:vote", args=[code]),
        )
    evaluation.refresh_from_db()
    return printed


def _check_answers(evaluation: Evaluation, answers: dict[int, int]) -> dict[int, int]:
    try:
        answers = {int(q): int(a) for q, a in answers.items()}
    except (TypeError, ValueError):
        raise ValidationError({"answers": _("Answer every question.")})
    expected = set(range(len(evaluation.questions)))
    if set(answers) != expected or any(a not in Answer.values for a in answers.values()):
        raise ValidationError({"answers": _("Answer every question.")})
    return answers


def evaluation_for_code(code: str) -> Evaluation | None:
    token = EvaluationToken.objects.filter(token_hash=token_hash(code)).select_related("evaluation").first()
    return token.evaluation if token else None


@transaction.atomic
def ballot_cast(*, code: str, answers: dict[int, int], comment: str = "", today: dt.date | None = None) -> None:
    """Cast the ballot of a one-time token. The token is marked used by a conditional
    UPDATE in the transaction that stores the ballot, so one token gives one ballot even
    when it is sent twice at once; the ballot keeps nothing that leads back to it."""
    today = today or timezone.localdate()
    token = EvaluationToken.objects.filter(token_hash=token_hash(code)).select_related("evaluation").first()
    if token is None:
        raise ValidationError({"token": _("This token is not valid.")})
    evaluation = token.evaluation
    if evaluation.status != EvaluationStatus.OPEN or evaluation.closes_on < today:
        raise ValidationError({"token": _("This evaluation is closed.")})
    answers = _check_answers(evaluation, answers)
    if len(comment) > 2000:
        raise ValidationError({"comment": _("At most 2000 characters.")})
    if not EvaluationToken.objects.filter(pk=token.pk, used=False).update(used=True):
        raise ValidationError({"token": _("This token has already been used: one token, one ballot.")})
    ballot = Ballot.objects.create(evaluation=evaluation, comment=comment.strip())
    BallotAnswer.objects.bulk_create(BallotAnswer(ballot=ballot, question=q, answer=a) for q, a in answers.items())


def _rates(evaluation: Evaluation) -> tuple[Decimal | None, Decimal | None]:
    tokens = evaluation.tokens.aggregate(issued=Count("pk"), used=Count("pk", filter=Q(used=True)))
    answers = BallotAnswer.objects.filter(ballot__evaluation=evaluation).aggregate(
        total=Count("pk"), ok=Count("pk", filter=Q(answer__in=SATISFIED_ANSWERS))
    )
    response = Decimal(100 * tokens["used"]) / tokens["issued"] if tokens["issued"] else None
    satisfaction = Decimal(100 * answers["ok"]) / answers["total"] if answers["total"] else None
    q = Decimal("0.1")
    return (
        response.quantize(q) if response is not None else None,
        satisfaction.quantize(q) if satisfaction is not None else None,
    )


@transaction.atomic
def evaluation_close(*, user=None, evaluation: Evaluation, today: dt.date | None = None) -> Evaluation:
    """Close the evaluation (the organiser, or the job once its closing date has passed):
    response rate and satisfaction (满意 and 基本满意 among all answers); below the
    threshold, a reminder-type risk information entry is proposed to the office."""
    if user is not None and not may_organise(user, evaluation.unit):
        raise PermissionDenied
    today = today or timezone.localdate()
    if not Evaluation.objects.filter(pk=evaluation.pk, status=EvaluationStatus.OPEN).update(
        status=EvaluationStatus.CLOSED, closed_on=today
    ):
        raise ValidationError(_("This evaluation is not open."))
    # Rewrite every token row in this one transaction: whatever a row's last writer was
    # (the voting transaction) is replaced by the closing one.
    EvaluationToken.objects.filter(evaluation=evaluation).update(sealed=True)
    evaluation.refresh_from_db()
    evaluation.response_rate, evaluation.satisfaction = _rates(evaluation)
    low = evaluation.satisfaction is not None and evaluation.satisfaction < evaluation.threshold
    evaluation.proposal = Proposal.PROPOSED if low else Proposal.NONE
    evaluation.save(update_fields=["response_rate", "satisfaction", "proposal"])
    if low:
        _propose(evaluation)
    return evaluation


def _proposal_reviewers(unit: OrgNode):
    from django.contrib.auth import get_user_model

    here = Q(node=unit, role__in=[Role.LEADING_GROUP_OFFICE, Role.DISCIPLINE_STAFF])
    above = Q(role=Role.DISCIPLINE_COMMISSION, node__path__in=unit.path_prefixes(), include_descendants=True)
    return get_user_model().objects.filter(
        pk__in=RoleAssignment.objects.filter(here | above).values("user"), is_active=True
    )


def _propose(evaluation: Evaluation) -> None:
    for reviewer in _proposal_reviewers(evaluation.unit):
        notify(
            recipient=reviewer,
            key=f"evaluation-low:{evaluation.pk}",
            title=_("Low satisfaction (%(rate)s%%): confirm a reminder? %(title)s")
            % {"rate": evaluation.satisfaction, "title": evaluation.title},
            url=reverse("assessment:evaluation", args=[evaluation.pk]),
        )


def _info_node(evaluation: Evaluation) -> OrgNode:
    if evaluation.subject_person_id:
        post = authority.current_post(evaluation.subject_person)
        if post is not None:
            return post.department
    return evaluation.unit


@transaction.atomic
def proposal_decide(*, user, evaluation: Evaluation, confirm: bool, note: str = "") -> Evaluation:
    """The office confirms the proposed reminder (it is entered in the risk-information
    archive as 提醒类, source 民主测评) or dismisses it (saying why)."""
    from alerts.services import info_record

    if not has_perm(user, "alert.manage", evaluation.unit):
        raise PermissionDenied
    if not confirm and not note.strip():
        raise ValidationError({"note": _("Say why no reminder is needed.")})
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("unit", "subject_person")
        .get(pk=evaluation.pk)
    )
    if evaluation.proposal != Proposal.PROPOSED:
        raise ValidationError(_("Nothing is proposed for this evaluation."))
    if confirm:
        subject = evaluation.subject_person.name if evaluation.subject_person_id else evaluation.unit.name
        content = _(
            "Democratic evaluation \u201c%(title)s\u201d: satisfaction %(rate)s%%, below the threshold of "
            "%(threshold)s%%; response rate %(response)s%%. %(note)s"
        ) % {
            "title": evaluation.title,
            "rate": evaluation.satisfaction,
            "threshold": evaluation.threshold,
            "response": evaluation.response_rate,
            "note": note.strip(),
        }
        evaluation.info = info_record(
            user=user,
            kind="reminder",
            source="evaluation",
            title=_("Low satisfaction in the democratic evaluation: %(subject)s") % {"subject": subject},
            content=content.strip(),
            node=_info_node(evaluation),
            trigger_date=evaluation.closed_on or timezone.localdate(),
            people=[evaluation.subject_person] if evaluation.subject_person_id else [],
        )
    evaluation.proposal = Proposal.CONFIRMED if confirm else Proposal.DISMISSED
    evaluation._change_reason = note.strip()
    evaluation.save(update_fields=["proposal", "info"])
    return evaluation


def evaluations_close_due(*, today: dt.date | None = None) -> int:
    """Close every open evaluation whose closing date has passed (the beat job)."""
    today = today or timezone.localdate()
    closed = 0
    for evaluation in Evaluation.objects.filter(status=EvaluationStatus.OPEN, closes_on__lt=today).select_related(
        "unit"
    ):
        try:
            evaluation_close(evaluation=evaluation, today=today)
            closed += 1
        except ValidationError:  # closed by someone else meanwhile
            continue
    return closed
