"""The power inventory (权力清单): powers, their versions, legal bases and business processes.

A Power is the stable identity (a unit's code for it); its content lives in PowerVersions.
A draft is edited freely; publishing freezes it and supersedes the version before, so the
inventory as it stood on any date is the versions in force then (published_at <= date and
not yet ended).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import OrgNode, Post


class PowerClass(models.IntegerChoices):
    """Seed 003's three classes of power."""

    EXTERNAL = 1, _("Class 1: external (licensing, approval, enforcement)")
    INTERNAL = 2, _("Class 2: internal administration")
    COMMON = 3, _("Class 3: common to every cadre")


class PowerType(models.Model):
    """A kind of power (行政许可, 行政处罚, 重大事项决策 ...): a list the office can extend."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    default_class = models.PositiveSmallIntegerField(_("usual class"), choices=PowerClass.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("power type")
        verbose_name_plural = _("power types")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Power(models.Model):
    """A unit's power item (权力事项), identified by its code within the unit."""

    scope_node_field = "unit"
    scope_post_field = None

    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="powers")
    code = models.CharField(_("code"), max_length=40)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("power")
        verbose_name_plural = _("powers")
        constraints = [models.UniqueConstraint(fields=["unit", "code"], name="powers_code_unique_in_unit")]

    def __str__(self) -> str:
        return self.code


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Superseded")
    RETIRED = "retired", _("Retired")


class PowerVersion(models.Model):
    """One version of a power's content. Only drafts change; the others are the record."""

    scope_node_field = "department"
    scope_post_field = None

    power = models.ForeignKey(Power, verbose_name=_("power"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    name = models.CharField(_("name"), max_length=200)
    power_type = models.ForeignKey(PowerType, verbose_name=_("type"), on_delete=models.PROTECT)
    power_class = models.PositiveSmallIntegerField(_("class"), choices=PowerClass.choices)
    department = models.ForeignKey(
        OrgNode, verbose_name=_("owning department"), on_delete=models.PROTECT, related_name="power_versions"
    )
    posts = models.ManyToManyField(Post, verbose_name=_("posts exercising it"), blank=True, related_name="+")
    time_limit_days = models.PositiveSmallIntegerField(
        _("time limit (working days)"), null=True, blank=True, help_text=_("办理时限; empty when none is set")
    )
    time_limit_note = models.CharField(_("time limit note"), max_length=200, blank=True, default="")
    fees = models.CharField(_("fees"), max_length=300, blank=True, default="", help_text=_("收费标准; empty: free"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[posts])

    class Meta:
        verbose_name = _("power version")
        verbose_name_plural = _("power versions")
        constraints = [
            models.UniqueConstraint(fields=["power", "number"], name="powers_version_number_unique"),
            models.UniqueConstraint(fields=["power"], condition=Q(status="draft"), name="powers_one_draft_per_power"),
            models.UniqueConstraint(
                fields=["power"], condition=Q(status="published"), name="powers_one_published_per_power"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-id"], name="powers_version_status"),
            models.Index(fields=["power_type", "status"], name="powers_version_type"),
            models.Index(fields=["published_at", "ended_at"], name="powers_version_validity"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.number}"

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT


class LegalBasis(models.Model):
    """A law (and its articles) a power version rests on."""

    version = models.ForeignKey(PowerVersion, on_delete=models.CASCADE, related_name="legal_bases")
    law = models.CharField(_("law or regulation"), max_length=200)
    articles = models.CharField(_("articles"), max_length=200, blank=True, default="")
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.law} {self.articles}".strip()


class ProcessStep(models.Model):
    """A step of a power's business process (业务流程). A step may lead to several
    (branches); a step that carries risk points is a risk node (风险节点) — the risk
    register links its points to steps."""

    version = models.ForeignKey(PowerVersion, on_delete=models.CASCADE, related_name="steps")
    key = models.CharField(_("step key"), max_length=10)
    name = models.CharField(_("step"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    post = models.ForeignKey(Post, verbose_name=_("responsible post"), on_delete=models.PROTECT, null=True, blank=True)
    time_limit_days = models.PositiveSmallIntegerField(_("time limit (working days)"), null=True, blank=True)
    checks = models.CharField(_("what is checked"), max_length=300, blank=True, default="")
    next_steps = models.ManyToManyField(
        "self", verbose_name=_("next steps"), symmetrical=False, blank=True, related_name="previous_steps"
    )

    class Meta:
        verbose_name = _("process step")
        verbose_name_plural = _("process steps")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "key"], name="powers_step_key_unique")]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"
