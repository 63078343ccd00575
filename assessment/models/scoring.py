"""The assessment scheme of a cycle (weighted indicators), the units' scores, and the
reminder guard rows (one per person and stage)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.cycles import Cycle, CycleUnit
from org.models import Person


class IndicatorSource(models.TextChoices):
    SYSTEM = "system", _("From the platform's data")
    MANUAL = "manual", _("Assessor's mark")


class Indicator(models.Model):
    """One weighted indicator of a cycle's scheme. A system indicator's `key` names the
    figure it is computed from (assessment.services.scoring.METRICS)."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="indicators")
    key = models.CharField(_("key"), max_length=30)
    name = models.CharField(_("indicator"), max_length=100)
    source = models.CharField(_("source"), max_length=8, choices=IndicatorSource.choices)
    weight = models.DecimalField(_("weight (points)"), max_digits=5, decimal_places=2)
    reason_required = models.BooleanField(_("a mark needs a reason"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["cycle_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "key"], name="assessment_indicator_once")]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """A unit's points on one indicator: computed (ratio x weight) or marked by an assessor
    (with the reason)."""

    scope_node_field = "cycle_unit__unit"
    scope_post_field = None

    cycle_unit = models.ForeignKey(CycleUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="+")
    ratio = models.DecimalField(_("ratio"), max_digits=6, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    basis = models.CharField(_("basis"), max_length=200, blank=True, default="")
    reason = models.TextField(_("reason"), blank=True, default="")
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assessor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Computed rows are written in bulk (no history); marks are saved one by one (with it).
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["cycle_unit", "indicator"], name="assessment_score_once")]

    def __str__(self) -> str:
        return f"{self.cycle_unit_id} {self.indicator_id} {self.points}"


class Reminder(models.Model):
    """The guard that makes every reminder go out once per person (or user) and stage:
    inserted with ON CONFLICT DO NOTHING; only the run whose `batch` the row carries
    notifies, in the transaction that inserted it."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(_("stage"), max_length=40)
    person = models.ForeignKey(
        Person, verbose_name=_("cadre"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    batch = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "cycle", "stage"],
                condition=Q(person__isnull=False),
                name="assessment_reminder_once_person",
            ),
            models.UniqueConstraint(
                fields=["user", "cycle", "stage"],
                condition=Q(person__isnull=True),
                name="assessment_reminder_once_user",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(user__isnull=False), name="assessment_reminder_has_recipient"
            ),
        ]
        indexes = [models.Index(fields=["batch"], name="assessment_reminder_batch")]

    def __str__(self) -> str:
        return f"{self.cycle_id} {self.stage} {self.person_id or self.user_id}"
