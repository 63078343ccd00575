"""Half-year self-inspections (定期自查, seed 002) and the district's spot checks (垂直抽查)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.cycles import Checkpoint, Cycle, CycleUnit
from org.models import OrgNode
from risks.models import Measure, RiskPoint


class InspectionStatus(models.TextChoices):
    DRAFT = "draft", _("Being filled in")
    SUBMITTED = "submitted", _("Submitted to the district")
    RETURNED = "returned", _("Returned by the district")
    ACCEPTED = "accepted", _("Accepted")


class SelfInspection(models.Model):
    """A unit's self-inspection at a checkpoint: one item per prevention measure of its
    approved risk points, and a report on the three questions of seed 002."""

    scope_node_field = "cycle_unit__unit"
    scope_post_field = None

    cycle_unit = models.ForeignKey(
        CycleUnit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="inspections"
    )
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.CASCADE, related_name="inspections"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InspectionStatus.choices, default=InspectionStatus.DRAFT
    )
    report_measures = models.TextField(
        _("Are the measures to the point, and did carrying them out work?"), blank=True, default=""
    )
    report_conduct = models.TextField(_("Cadres' integrity and performance of duties"), blank=True, default="")
    report_weaknesses = models.TextField(_("Weak points of the rules and mechanisms"), blank=True, default="")
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    on_time = models.BooleanField(_("submitted on time"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    review_note = models.TextField(_("district's comments"), blank=True, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("self-inspection")
        verbose_name_plural = _("self-inspections")
        constraints = [models.UniqueConstraint(fields=["cycle_unit", "checkpoint"], name="assessment_inspection_once")]
        indexes = [models.Index(fields=["status", "-id"], name="assessment_insp_status")]

    def __str__(self) -> str:
        return f"{self.cycle_unit} · {self.checkpoint.get_half_display()}"


class CarriedOut(models.TextChoices):
    YES = "yes", _("Carried out")
    PARTLY = "partly", _("Partly carried out")
    NO = "no", _("Not carried out")


class InspectionItem(models.Model):
    """Was this measure carried out, and what shows it? The texts are kept as they were
    when the inspection was built, so a later change to the register leaves it intact."""

    inspection = models.ForeignKey(
        SelfInspection, verbose_name=_("self-inspection"), on_delete=models.CASCADE, related_name="items"
    )
    measure = models.ForeignKey(
        Measure, verbose_name=_("measure"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    point_text = models.TextField(_("risk point"))
    measure_text = models.TextField(_("measure"))
    carried_out = models.CharField(_("carried out?"), max_length=8, choices=CarriedOut.choices, blank=True, default="")
    evidence_note = models.TextField(_("evidence"), blank=True, default="")
    evidence = models.FileField(_("evidence file"), upload_to="assessment/evidence/%Y/", blank=True, max_length=200)

    class Meta:
        verbose_name = _("self-inspection item")
        verbose_name_plural = _("self-inspection items")
        ordering = ["inspection_id", "id"]

    def __str__(self) -> str:
        return self.measure_text[:40]


class SpotCheckKind(models.TextChoices):
    OPEN = "open", _("Open visit (明查)")
    UNANNOUNCED = "unannounced", _("Unannounced visit (暗访)")
    SPECIAL = "special", _("Special check (专项检查)")
    TOUR = "tour", _("Inspection tour (巡视督导)")


class SpotCheck(models.Model):
    """A district's check of a unit (垂直抽查), what it found and the rectification it requires."""

    scope_node_field = "unit"
    scope_post_field = None

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), null=True, blank=True, on_delete=models.SET_NULL, related_name="spot_checks"
    )
    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=SpotCheckKind.choices)
    subject = models.CharField(
        _("what was checked"), max_length=200, help_text=_("e.g. major decisions, appointments, large expenditure")
    )
    checked_on = models.DateField(_("checked on"))
    checkers = models.CharField(_("checkers"), max_length=200)
    findings = models.TextField(_("findings"))
    rectification_required = models.BooleanField(_("rectification required"), default=False)
    rectification = models.TextField(_("rectification required"), blank=True, default="")
    rectification_due = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    rectification_report = models.TextField(_("rectification report"), blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        indexes = [models.Index(fields=["unit", "-id"], name="assessment_spot_unit")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.checked_on}"

    @property
    def rectification_open(self) -> bool:
        return self.rectification_required and self.rectified_on is None
