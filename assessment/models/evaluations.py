"""Democratic evaluation (民主测评, seed 002): a confidential survey with one-time tokens.

Anonymity is a property of the schema: a Ballot and its answers carry no column that
points at a user, a person or a token, and no time (a time of voting could be matched
against whatever else records time). The token row only knows it was used; it is marked in
the same transaction that stores the ballot, and rewritten when the evaluation closes.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from assessment.models.cycles import Cycle
from org.models import OrgNode, Person


class EvaluationSubject(models.TextChoices):
    UNIT = "unit", _("The unit")
    LEADER = "leader", _("A leader")


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    OPEN = "open", _("Open for votes")
    CLOSED = "closed", _("Closed")


class Proposal(models.TextChoices):
    NONE = "", _("None")
    PROPOSED = "proposed", _("Reminder proposed")
    CONFIRMED = "confirmed", _("Reminder recorded")
    DISMISSED = "dismissed", _("Proposal dismissed")


class Answer(models.IntegerChoices):
    SATISFIED = 1, _("Satisfied")
    BASICALLY = 2, _("Basically satisfied")
    DISSATISFIED = 3, _("Dissatisfied")


SATISFIED_ANSWERS = (Answer.SATISFIED, Answer.BASICALLY)


class Evaluation(models.Model):
    scope_node_field = "unit"
    scope_post_field = None

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), null=True, blank=True, on_delete=models.SET_NULL, related_name="evaluations"
    )
    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    subject_kind = models.CharField(_("evaluation of"), max_length=8, choices=EvaluationSubject.choices)
    subject_person = models.ForeignKey(
        Person, verbose_name=_("leader evaluated"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    questions = models.JSONField(_("questions"), default=list)
    status = models.CharField(
        _("status"), max_length=8, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    threshold = models.PositiveSmallIntegerField(_("satisfaction threshold (%)"))
    closes_on = models.DateField(_("closes on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    response_rate = models.DecimalField(_("response rate (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    satisfaction = models.DecimalField(_("satisfaction (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    proposal = models.CharField(_("proposal"), max_length=10, choices=Proposal.choices, blank=True, default="")
    info = models.ForeignKey(
        "alerts.RiskInfo",
        verbose_name=_("risk information"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organised by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("democratic evaluation")
        verbose_name_plural = _("democratic evaluations")
        indexes = [models.Index(fields=["unit", "-id"], name="assessment_eval_unit")]

    def __str__(self) -> str:
        return self.title


class EvaluationToken(models.Model):
    """A participant's one-time token: only its hash is kept; `used` is set once."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="tokens"
    )
    participant = models.ForeignKey(Person, verbose_name=_("participant"), on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    used = models.BooleanField(_("voted"), default=False)
    sealed = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("evaluation token")
        verbose_name_plural = _("evaluation tokens")
        constraints = [models.UniqueConstraint(fields=["evaluation", "participant"], name="assessment_token_once")]

    def __str__(self) -> str:
        return f"{self.evaluation_id} · {self.participant_id}"


class Ballot(models.Model):
    """An anonymous ballot: a random id, the evaluation, the comment. Nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="ballots"
    )
    comment = models.TextField(_("comment"), blank=True, default="")

    class Meta:
        verbose_name = _("ballot")
        verbose_name_plural = _("ballots")

    def __str__(self) -> str:
        return str(self.id)


class BallotAnswer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ballot = models.ForeignKey(Ballot, verbose_name=_("ballot"), on_delete=models.CASCADE, related_name="answers")
    question = models.PositiveSmallIntegerField(_("question"))
    answer = models.PositiveSmallIntegerField(_("answer"), choices=Answer.choices)

    class Meta:
        verbose_name = _("ballot answer")
        verbose_name_plural = _("ballot answers")
        constraints = [models.UniqueConstraint(fields=["ballot", "question"], name="assessment_answer_once")]

    def __str__(self) -> str:
        return f"{self.question}: {self.answer}"
