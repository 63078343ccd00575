"""Summary tables (汇总表) the dashboards read instead of the raw registers.

Every row counts the facts of one area or unit node and everything below it (a unit's
departments count in the unit). `dashboards.services.tallies_refresh` rebuilds them from
the raw tables every five minutes (lianzheng/schedules.py); `TallyRun` records when, so a
page can say how old its figures are.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from org.models import OrgNode
from risks.models import RiskCategory


class TallyRun(models.Model):
    """One refresh of the summary tables."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"))
    as_of = models.DateField(_("overdue counted as of"))
    nodes_changed = models.PositiveIntegerField(_("nodes changed"), default=0)

    class Meta:
        verbose_name = _("summary refresh")
        verbose_name_plural = _("summary refreshes")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.finished_at:%Y-%m-%d %H:%M}"


class RiskTally(models.Model):
    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(RiskCategory, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    grade = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=12)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("risk point tally")
        verbose_name_plural = _("risk point tallies")
        constraints = [
            models.UniqueConstraint(fields=["node", "category", "kind", "grade", "status"], name="dash_risk_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.node_id}/{self.category_id}/{self.kind}/{self.grade}/{self.status}: {self.count}"


class WarningTally(models.Model):
    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    level = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10)
    month = models.DateField()  # the first day of the month the warnings were issued in
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("warning tally")
        verbose_name_plural = _("warning tallies")
        constraints = [
            models.UniqueConstraint(fields=["node", "level", "status", "month"], name="dash_warning_tally_key")
        ]

    def __str__(self) -> str:
        return f"{self.node_id}/{self.level}/{self.status}/{self.month:%Y-%m}: {self.count}"


class PetitionTally(models.Model):
    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10)
    count = models.PositiveIntegerField()

    class Meta:
        verbose_name = _("petition tally")
        verbose_name_plural = _("petition tallies")
        constraints = [models.UniqueConstraint(fields=["node", "status"], name="dash_petition_tally_key")]

    def __str__(self) -> str:
        return f"{self.node_id}/{self.status}: {self.count}"


class NodeTally(models.Model):
    """The figures of a node that are not a sum of categories: distinct risk posts and risk
    nodes (流程风险节点) of approved points, and what was overdue on the refresh day."""

    node = models.OneToOneField(OrgNode, on_delete=models.CASCADE, related_name="+")
    risk_posts = models.PositiveIntegerField(default=0)
    risk_nodes = models.PositiveIntegerField(default=0)
    measures_open = models.PositiveIntegerField(default=0)
    measures_overdue = models.PositiveIntegerField(default=0)
    replies_overdue = models.PositiveIntegerField(default=0)
    petitions_overdue = models.PositiveIntegerField(default=0)
    # what falls due within the week after the refresh day, and the reviews waiting for a
    # decision (late: submitted more than a week before): the workbench's counts of an area
    measures_due_week = models.PositiveIntegerField(default=0)
    replies_due_week = models.PositiveIntegerField(default=0)
    petitions_due_week = models.PositiveIntegerField(default=0)
    reviews_pending = models.PositiveIntegerField(default=0)
    reviews_late = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("node tally")
        verbose_name_plural = _("node tallies")

    def __str__(self) -> str:
        return f"{self.node_id}"

    FIELDS = (
        "risk_posts",
        "risk_nodes",
        "measures_open",
        "measures_overdue",
        "replies_overdue",
        "petitions_overdue",
        "measures_due_week",
        "replies_due_week",
        "petitions_due_week",
        "reviews_pending",
        "reviews_late",
    )


class AssessmentTally(models.Model):
    """The assessment figures of a node for one cycle year (the units of the node that are
    in that year's cycle): PDCA stages, self-inspections, public commitments, integrity
    education and heart-to-heart talks, and the scores. Completion = done / due."""

    node = models.ForeignKey(OrgNode, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    units = models.PositiveIntegerField(default=0)
    stage_plan = models.PositiveIntegerField(default=0)
    stage_do = models.PositiveIntegerField(default=0)
    stage_check = models.PositiveIntegerField(default=0)
    stage_act = models.PositiveIntegerField(default=0)
    stage_done = models.PositiveIntegerField(default=0)
    inspections_due = models.PositiveIntegerField(default=0)
    inspections_submitted = models.PositiveIntegerField(default=0)
    inspections_accepted = models.PositiveIntegerField(default=0)
    cadres = models.PositiveIntegerField(default=0)
    commitments_filed = models.PositiveIntegerField(default=0)
    commitments_approved = models.PositiveIntegerField(default=0)
    commitments_kept = models.PositiveIntegerField(default=0)
    education_due = models.PositiveIntegerField(default=0)  # unit-months that are over
    education_held = models.PositiveIntegerField(default=0)  # of them, with a session of an hour
    talks_due = models.PositiveIntegerField(default=0)  # leader-cadre pairs who must talk
    talks_held = models.PositiveIntegerField(default=0)  # of them, twice in the year
    scored_units = models.PositiveIntegerField(default=0)
    score_sum = models.DecimalField(max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("assessment tally")
        verbose_name_plural = _("assessment tallies")
        constraints = [models.UniqueConstraint(fields=["node", "year"], name="dash_assessment_tally_key")]

    def __str__(self) -> str:
        return f"{self.node_id}/{self.year}"

    FIELDS = (
        "units",
        "stage_plan",
        "stage_do",
        "stage_check",
        "stage_act",
        "stage_done",
        "inspections_due",
        "inspections_submitted",
        "inspections_accepted",
        "cadres",
        "commitments_filed",
        "commitments_approved",
        "commitments_kept",
        "education_due",
        "education_held",
        "talks_due",
        "talks_held",
        "scored_units",
        "score_sum",
    )
