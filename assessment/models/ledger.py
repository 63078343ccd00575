"""The integrity-education ledger (廉政教育台帐) and heart-to-heart talks (谈心谈话), seed 002."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.cycles import CycleUnit
from org.models import OrgNode, Person


class EducationForm(models.TextChoices):
    TRAINING = "training", _("Training course")
    LECTURE = "lecture", _("Report or lecture")
    PARTY_LESSON = "party_lesson", _("Integrity party lesson")
    SEMINAR = "seminar", _("Seminar")
    EXHIBITION = "exhibition", _("Integrity exhibition")
    WARNING = "warning", _("Warning education")
    OTHER = "other", _("Other")


class EducationSession(models.Model):
    """One integrity-education session: time, place, participants, content, materials."""

    scope_node_field = "unit"
    scope_post_field = None

    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        OrgNode,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole unit."),
    )
    held_on = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    place = models.CharField(_("place"), max_length=120)
    form = models.CharField(_("form"), max_length=14, choices=EducationForm.choices)
    topic = models.CharField(_("topic"), max_length=200)
    content = models.TextField(_("content and discussion"))
    participants = models.ManyToManyField(Person, verbose_name=_("participants"), blank=True, related_name="+")
    participant_count = models.PositiveIntegerField(_("number of participants"))
    materials = models.FileField(_("materials"), upload_to="assessment/education/%Y/", blank=True, max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("education session")
        verbose_name_plural = _("education ledger")
        indexes = [models.Index(fields=["unit", "held_on"], name="assessment_edu_unit_day")]

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class TalkKind(models.TextChoices):
    ROUTINE = "routine", _("Regular heart-to-heart talk")
    PROMOTION = "promotion", _("Talk at a promotion or appointment")
    TRANSFER = "transfer", _("Talk at a transfer")
    FAMILY = "family", _("Talk at a major family event")
    PERFORMANCE = "performance", _("Talk about poor performance")


LIFE_EVENT_TALKS = (TalkKind.PROMOTION, TalkKind.TRANSFER, TalkKind.FAMILY)


class Talk(models.Model):
    """A heart-to-heart talk between a leader and a cadre they lead."""

    scope_node_field = "unit"
    scope_post_field = None

    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    leader = models.ForeignKey(Person, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="talks_given")
    cadre = models.ForeignKey(Person, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="talks_received")
    kind = models.CharField(_("kind"), max_length=12, choices=TalkKind.choices, default=TalkKind.ROUTINE)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=120, blank=True, default="")
    summary = models.TextField(_("what was talked about"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("heart-to-heart talk")
        verbose_name_plural = _("heart-to-heart talks")
        indexes = [
            models.Index(fields=["unit", "held_on"], name="assessment_talk_unit_day"),
            models.Index(fields=["leader", "cadre", "held_on"], name="assessment_talk_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.leader} · {self.cadre}"


class TalkDuty(models.Model):
    """Who must talk with whom in a cycle (at least twice a year): a unit's chief with its
    leadership members and department heads, a department head with the department's
    cadres. Rebuilt from the roles and posts in force (talk_duties_refresh)."""

    cycle_unit = models.ForeignKey(
        CycleUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="talk_duties"
    )
    leader = models.ForeignKey(Person, verbose_name=_("leader"), on_delete=models.CASCADE, related_name="+")
    cadre = models.ForeignKey(Person, verbose_name=_("cadre"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("talk duty")
        verbose_name_plural = _("talk duties")
        constraints = [
            models.UniqueConstraint(fields=["cycle_unit", "leader", "cadre"], name="assessment_talk_duty_once")
        ]

    def __str__(self) -> str:
        return f"{self.leader_id} → {self.cadre_id}"
