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

    class Meta:
        verbose_name = _("node tally")
        verbose_name_plural = _("node tallies")

    def __str__(self) -> str:
        return f"{self.node_id}"

    FIELDS = ("risk_posts", "risk_nodes", "measures_open", "measures_overdue", "replies_overdue", "petitions_overdue")
