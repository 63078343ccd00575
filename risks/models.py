"""The risk register: risk points of posts, departments and units, and how they are graded.

A risk point sits on the org node it belongs to (`node`: the department for post and
department points, the unit for unit points), so the one permission module scopes it like
everything else; post points also name their post, which gives the post holder and
cross-unit supervisors their read access. A point that sits on a power's process step is
linked by power and step key, so the risk node survives the power's revisions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import OrgNode, Post
from powers.models import Power


class RiskScope(models.TextChoices):
    POST = "post", _("Post")
    DEPARTMENT = "department", _("Department")
    UNIT = "unit", _("Unit")


class RiskKind(models.TextChoices):
    INTEGRITY = "integrity", _("Integrity risk")
    EFFICIENCY = "efficiency", _("Efficiency risk")


class Likelihood(models.IntegerChoices):
    LIKELY = 1, _("Likely")
    UNLIKELY = 2, _("Unlikely")


class Consequence(models.IntegerChoices):
    SEVERE = 1, _("Severe (criminal liability, major loss or impact)")
    FAIRLY_SEVERE = 2, _("Fairly severe (party or administrative discipline, larger loss)")
    MINOR = 3, _("Minor")


class Grade(models.IntegerChoices):
    LEVEL_1 = 1, _("Level 1")
    LEVEL_2 = 2, _("Level 2")
    LEVEL_3 = 3, _("Level 3")


class Source(models.TextChoices):
    THREE_QUESTIONS = "three_questions", _("Three questions (三问)")
    FORWARD = "forward", _("Forward from the process (顺推)")
    BACKWARD = "backward", _("Backward from petitions, audits, inspections (逆推)")
    THREE_PLUS_X = "three_plus_x", _("3+X")
    SELF = "self", _("Found by oneself")
    COLLEAGUES = "colleagues", _("Pointed out by colleagues")
    DEPARTMENT = "department", _("Studied by the department")
    LEADER = "leader", _("Pointed out by a leader")
    ORGANISATION = "organisation", _("Reviewed by the organisation")


class RiskCategory(models.Model):
    """思想道德、岗位职责、制度机制、业务流程、外部环境 …: a list the office can extend."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk category")
        verbose_name_plural = _("risk categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class GradingRule(models.Model):
    """One cell of the likelihood x consequence matrix. Rows without a unit are the
    default (seed 003); a unit's own rows override them."""

    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Likelihood.choices)
    consequence = models.PositiveSmallIntegerField(_("consequence"), choices=Consequence.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("grading rule")
        verbose_name_plural = _("grading rules")
        constraints = [
            models.UniqueConstraint(fields=["unit", "likelihood", "consequence"], name="risks_rule_unique_per_unit"),
            models.UniqueConstraint(
                fields=["likelihood", "consequence"], condition=Q(unit__isnull=True), name="risks_rule_unique_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_likelihood_display()} × {self.get_consequence_display()} → {self.get_grade_display()}"


class RiskStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Under review")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class RiskPoint(models.Model):
    """A risk point (风险点)."""

    scope_node_field = "node"
    scope_post_field = "post"

    scope = models.CharField(_("scope"), max_length=12, choices=RiskScope.choices)
    node = models.ForeignKey(OrgNode, verbose_name=_("belongs to"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="risk_points")
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.PROTECT, related_name="risk_points"
    )
    category = models.ForeignKey(RiskCategory, verbose_name=_("category"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=12, choices=RiskKind.choices, default=RiskKind.INTEGRITY)
    description = models.TextField(_("risk"), help_text=_("What could go wrong, stated so it can be prevented."))
    manifestation = models.TextField(_("how it shows itself"), blank=True, default="")
    power = models.ForeignKey(
        Power, verbose_name=_("power"), null=True, blank=True, on_delete=models.PROTECT, related_name="risk_points"
    )
    step_key = models.CharField(_("process step"), max_length=10, blank=True, default="")
    source = models.CharField(_("how it was found"), max_length=16, choices=Source.choices)
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), choices=Likelihood.choices)
    consequence = models.PositiveSmallIntegerField(_("consequence"), choices=Consequence.choices)
    suggested_grade = models.PositiveSmallIntegerField(_("grade suggested by the matrix"), choices=Grade.choices)
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    grade_reason = models.CharField(_("reason for a different grade"), max_length=300, blank=True, default="")
    status = models.CharField(_("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("risk point")
        verbose_name_plural = _("risk points")
        indexes = [
            models.Index(fields=["node", "-id"], name="risks_point_node"),
            models.Index(fields=["unit", "grade", "status"], name="risks_point_unit_grade"),
            models.Index(fields=["post", "-id"], name="risks_point_post"),
            models.Index(fields=["power", "step_key"], name="risks_point_step"),
            models.Index(fields=["status", "-id"], name="risks_point_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(scope="post", post__isnull=False) | (~Q(scope="post") & Q(post__isnull=True)),
                name="risks_post_points_name_their_post",
            ),
            models.CheckConstraint(condition=Q(step_key="") | Q(power__isnull=False), name="risks_step_needs_power"),
        ]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def is_editable(self) -> bool:
        return self.status in (RiskStatus.DRAFT, RiskStatus.RETURNED)
