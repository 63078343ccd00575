"""PDCA cycles (seed 002): a cycle opened by the district for its units, half-year
checkpoints, each unit's stage, the append-only trail of stage changes and what Act decided."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from org.models import OrgNode
from risks.models import RiskPoint


class Stage(models.TextChoices):
    PLAN = "plan", pgettext_lazy("PDCA", "Plan")
    DO = "do", pgettext_lazy("PDCA", "Do")
    CHECK = "check", pgettext_lazy("PDCA", "Check")
    ACT = "act", pgettext_lazy("PDCA", "Act")
    DONE = "done", pgettext_lazy("PDCA", "Archived")


STAGE_ORDER: list[str] = [Stage.PLAN, Stage.DO, Stage.CHECK, Stage.ACT, Stage.DONE]


def next_stage(stage: str) -> str | None:
    i = STAGE_ORDER.index(stage)
    return STAGE_ORDER[i + 1] if i + 1 < len(STAGE_ORDER) else None


class CycleStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("cycle", "Open")
    CLOSED = "closed", pgettext_lazy("cycle", "Closed")


class Cycle(models.Model):
    """An annual assessment cycle of an area's units (with its half-year checkpoints)."""

    scope_node_field = "area"
    scope_post_field = None

    area = models.ForeignKey(OrgNode, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(pgettext_lazy("heading", "title"), max_length=200)
    status = models.CharField(_("status"), max_length=8, choices=CycleStatus.choices, default=CycleStatus.OPEN)
    opened_on = models.DateField(_("opened on"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_by_act = models.BooleanField(
        _("opened by a unit's Act stage"),
        default=False,
        help_text=_(
            "Opened when a unit of the previous cycle was archived; the district adopts it when it opens the year."
        ),
    )
    commitment_due = models.DateField(_("commitments due"))
    remind_workdays = models.PositiveSmallIntegerField(_("remind before a due date (working days)"), default=3)
    satisfaction_threshold = models.PositiveSmallIntegerField(
        _("satisfaction threshold (%)"),
        default=80,
        help_text=_("An evaluation below this satisfaction rate proposes a reminder-type risk information entry."),
    )
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous cycle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="successor",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment cycle")
        verbose_name_plural = _("assessment cycles")
        constraints = [models.UniqueConstraint(fields=["area", "year"], name="assessment_cycle_once_a_year")]

    def __str__(self) -> str:
        return self.title


class Checkpoint(models.Model):
    """A half-year checkpoint: the self-inspection of every unit of the cycle is due then."""

    class Half(models.IntegerChoices):
        FIRST = 1, _("First half-year")
        SECOND = 2, _("Second half-year")

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="checkpoints")
    half = models.PositiveSmallIntegerField(_("half-year"), choices=Half.choices)
    opens_on = models.DateField(_("opens on"))
    due_on = models.DateField(_("due on"))

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering = ["cycle_id", "half"]
        constraints = [models.UniqueConstraint(fields=["cycle", "half"], name="assessment_checkpoint_once")]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.get_half_display()}"

    @property
    def reminder_key(self) -> str:
        return f"inspection-{self.half}"


class CycleUnit(models.Model):
    """One unit in a cycle: its stage, its implementation rules, what was carried over from
    the previous cycle's Act, and its score."""

    scope_node_field = "unit"
    scope_post_field = None

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(
        OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assessment_cycles"
    )
    stage = models.CharField(pgettext_lazy("PDCA", "stage"), max_length=8, choices=Stage.choices, default=Stage.PLAN)
    stage_since = models.DateField(_("in this stage since"))
    previous = models.OneToOneField(
        "self",
        verbose_name=_("previous cycle"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="next",
    )
    carryover = models.JSONField(_("carried over from the previous cycle"), default=list, blank=True)
    rules_filed_on = models.DateField(_("implementation rules filed on"), null=True, blank=True)
    rules_note = models.CharField(_("implementation rules"), max_length=300, blank=True, default="")
    rules_file = models.FileField(_("rules document"), upload_to="assessment/rules/%Y/", blank=True, max_length=200)
    commitments_public = models.BooleanField(_("publish approved commitments on the public portal"), default=False)
    score_total = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    score_rank = models.PositiveIntegerField(pgettext_lazy("ranking", "rank"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["score_total", "score_rank", "scored_at"])

    class Meta:
        verbose_name = _("unit in a cycle")
        verbose_name_plural = _("units in cycles")
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="assessment_unit_once_a_cycle")]
        indexes = [models.Index(fields=["cycle", "stage", "id"], name="assessment_cu_stage")]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.unit}"


class StageEvent(models.Model):
    """Append-only trail of a unit's way through the cycle."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined the cycle")
        ADVANCED = "advanced", _("Moved to the next stage")
        RULES = "rules", _("Implementation rules filed")
        DECIDED = "decided", _("Act decision recorded")
        ARCHIVED = "archived", _("Archived; the next cycle's Plan opened")

    cycle_unit = models.ForeignKey(CycleUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=10, choices=Kind.choices)
    from_stage = models.CharField(_("from stage"), max_length=8, blank=True, default="")
    to_stage = models.CharField(_("to stage"), max_length=8, blank=True, default="")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True, default="")
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("stage event")
        verbose_name_plural = _("stage events")
        ordering = ["cycle_unit_id", "id"]

    def __str__(self) -> str:
        return f"{self.cycle_unit_id} {self.kind} {self.to_stage}"

    @property
    def to_label(self) -> str:
        return str(Stage(self.to_stage).label) if self.to_stage in Stage.values else ""


class DecisionKind(models.TextChoices):
    REWARD = "reward", _("Reward (奖优)")
    PENALTY = "penalty", _("Penalty (惩劣)")
    ACCOUNTABILITY = "accountability", _("Accountability (责任追究)")
    IMPROVEMENT = "improvement", _("Improve measures (完善措施)")
    REGRADE = "regrade", _("Regrade a risk point (调整风险)")
    FOLLOW_UP = "follow_up", _("Follow-up supervision (跟踪督导)")


# What Act carries into the next cycle's Plan.
CARRIED_KINDS = (DecisionKind.IMPROVEMENT, DecisionKind.REGRADE, DecisionKind.FOLLOW_UP, DecisionKind.ACCOUNTABILITY)


class ActDecision(models.Model):
    """What the Act stage decided for a unit (seed 002: 奖优惩劣、完善措施、跟踪督导、责任追究)."""

    scope_node_field = "cycle_unit__unit"
    scope_post_field = None

    cycle_unit = models.ForeignKey(
        CycleUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="decisions"
    )
    kind = models.CharField(pgettext_lazy("Act", "decision"), max_length=16, choices=DecisionKind.choices)
    text = models.TextField(_("what was decided"))
    risk_point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("Act decision")
        verbose_name_plural = _("Act decisions")
        ordering = ["cycle_unit_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:40]}"
