"""Public commitments (公开承诺, seed 002): filed by each cadre, approved by the leader in
charge and then locked; reported on (践诺) and rated (评诺) at year end."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from assessment.models.cycles import Cycle
from org.models import OrgNode, Person, Post


class CommitmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Awaiting approval")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved and published")
    REPORTED = "reported", _("Kept: reported")
    RATED = "rated", _("Rated")


EDITABLE_COMMITMENT = (CommitmentStatus.DRAFT, CommitmentStatus.RETURNED)
LOCKED_COMMITMENT = (CommitmentStatus.APPROVED, CommitmentStatus.REPORTED, CommitmentStatus.RATED)
FILED_COMMITMENT = (CommitmentStatus.SUBMITTED, *LOCKED_COMMITMENT)


class Rating(models.IntegerChoices):
    EXCELLENT = 1, _("Fully kept (好)")
    GOOD = 2, _("Largely kept (较好)")
    FAIR = 3, _("Partly kept (一般)")
    POOR = 4, _("Not kept (差)")


KEPT_RATINGS = (Rating.EXCELLENT, Rating.GOOD)


class Commitment(models.Model):
    """One cadre's commitment for one cycle."""

    scope_node_field = "unit"
    scope_post_field = "post"

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="commitments")
    person = models.ForeignKey(Person, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="commitments")
    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    decision_note = models.TextField(_("leader's comments"), blank=True, default="")
    kept_report = models.TextField(_("how it was kept (践诺)"), blank=True, default="")
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating (评诺)"), choices=Rating.choices, null=True, blank=True)
    rating_note = models.TextField(_("rating comments"), blank=True, default="")
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("public commitment")
        verbose_name_plural = _("public commitments")
        constraints = [models.UniqueConstraint(fields=["cycle", "person"], name="assessment_commitment_once")]
        indexes = [
            models.Index(fields=["cycle", "unit", "status"], name="assessment_commit_unit"),
            models.Index(fields=["status", "-id"], name="assessment_commit_status"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.cycle.year}"

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_COMMITMENT


class CommitmentItem(models.Model):
    """One item of a commitment: a standard item of seed 002 or the cadre's own."""

    commitment = models.ForeignKey(
        Commitment, verbose_name=_("commitment"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    standard_key = models.CharField(_("standard item"), max_length=20, blank=True, default="")
    text = models.TextField(_("commitment"))

    class Meta:
        verbose_name = _("commitment item")
        verbose_name_plural = _("commitment items")
        ordering = ["commitment_id", "order"]

    def __str__(self) -> str:
        return self.text[:40]
