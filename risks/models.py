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
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from org.models import OrgNode, Post, Role
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
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
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


# ---------------------------------------------------------------------------------------
# Approval (seed 001): a routing table per unit, and the review steps of each round.


class RouteCase(models.TextChoices):
    """Whose point it is decides who approves it (seed 001)."""

    POST = "post", _("Post point of a cadre")
    POST_DEPT_HEAD = "post_dept_head", _("Post point of a department head")
    POST_LEADER = "post_leader", _("Post point of a leadership member")
    POST_CHIEF = "post_chief", _("Post point of the unit chief")
    DEPARTMENT = "department", _("Department point")
    UNIT = "unit", _("Unit point")


class StageAction(models.TextChoices):
    GRADE = "grade", pgettext_lazy("approval stage", "Grading")
    APPROVE = "approve", pgettext_lazy("approval stage", "Approval")
    FILE = "file", pgettext_lazy("approval stage", "Filing")


class ApprovalStage(models.Model):
    """One row of a routing table: for points of `case`, stage `order` is decided by the
    holder of `role` (over the point's department for department heads and deputies in
    charge, over the unit for the unit's roles, over an area above it for the discipline
    commission). Rows without a unit are the default; a unit with rows of its own for a
    case uses only those."""

    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), null=True, blank=True, on_delete=models.CASCADE)
    case = models.CharField(_("points of"), max_length=16, choices=RouteCase.choices)
    order = models.PositiveSmallIntegerField(_("stage"))
    role = models.CharField(_("decided by"), max_length=16, choices=Role.choices)
    action = models.CharField(_("action"), max_length=8, choices=StageAction.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval stage")
        verbose_name_plural = _("approval routing")
        ordering = ["unit_id", "case", "order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "case", "order"], name="risks_stage_unique_per_unit"),
            models.UniqueConstraint(
                fields=["case", "order"], condition=Q(unit__isnull=True), name="risks_stage_unique_default"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_case_display()} {self.order}: {self.get_role_display()} · {self.get_action_display()}"


class ReviewStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier stage")
    PENDING = "pending", _("Awaiting decision")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned for revision")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Not reached")


class Review(models.Model):
    """One stage of one review round of a point. The rows are the approval trail: they are
    written when the round starts and each is decided once (a conditional UPDATE)."""

    scope_node_field = "point__node"
    scope_post_field = "point__post"

    point = models.ForeignKey(RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE, related_name="reviews")
    round = models.PositiveSmallIntegerField(_("round"))
    order = models.PositiveSmallIntegerField(_("stage"))
    role = models.CharField(_("decided by"), max_length=16, choices=Role.choices)
    action = models.CharField(_("action"), max_length=8, choices=StageAction.choices)
    at_node = models.ForeignKey(OrgNode, verbose_name=_("over"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=ReviewStatus.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comments"), blank=True, default="")
    grade_set = models.PositiveSmallIntegerField(_("grade set"), choices=Grade.choices, null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["point_id", "round", "order"]
        constraints = [
            models.UniqueConstraint(fields=["point", "round", "order"], name="risks_review_unique_stage"),
        ]
        indexes = [
            models.Index(fields=["status", "role", "at_node"], name="risks_review_queue"),
            # the decisions waiting, longest first (the workbench)
            models.Index(fields=["submitted_at", "id"], condition=Q(status="pending"), name="risks_review_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.point_id} r{self.round}/{self.order} {self.status}"


# ---------------------------------------------------------------------------------------
# Prevention measures (seeds 000, 002).


class MeasureType(models.Model):
    """教育、制度、监督、科技、流程 …: a list the office can extend."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("measure type")
        verbose_name_plural = _("measure types")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class MeasureStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_MEASURE_STATUSES = (MeasureStatus.PLANNED, MeasureStatus.IN_PROGRESS)


class Measure(models.Model):
    """A prevention measure (防控措施). Seed 002: a measure that cannot be checked is not a
    measure, so `check_method` is required."""

    scope_node_field = "point__node"
    scope_post_field = "point__post"

    point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), on_delete=models.CASCADE, related_name="measures"
    )
    type = models.ForeignKey(MeasureType, verbose_name=_("type"), on_delete=models.PROTECT)
    description = models.TextField(_("measure"))
    check_method = models.CharField(
        _("how it is checked"), max_length=300, help_text=_("Who checks what, how often, and what counts as done.")
    )
    owner = models.ForeignKey(
        "org.Person", verbose_name=_("owner"), on_delete=models.PROTECT, related_name="risk_measures"
    )
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=12, choices=MeasureStatus.choices, default=MeasureStatus.PLANNED)
    evidence = models.FileField(_("evidence"), upload_to="evidence/%Y/%m/", blank=True, max_length=200)
    evidence_note = models.CharField(_("what was done"), max_length=300, blank=True, default="")
    done_on = models.DateField(_("done on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prevention measure")
        verbose_name_plural = _("prevention measures")
        ordering = ["deadline", "id"]
        indexes = [
            models.Index(fields=["status", "deadline"], name="risks_measure_due"),
            models.Index(fields=["owner", "status", "deadline"], name="risks_measure_owner"),
            # the open measures by deadline, most urgent first (the workbench)
            models.Index(
                fields=["deadline", "id"], condition=Q(status__in=["planned", "in_progress"]), name="risks_measure_open"
            ),
        ]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_MEASURE_STATUSES


# ---------------------------------------------------------------------------------------
# Public comment (公示) and "two up, two down" (二上二下), seed 002.


class CommentPeriodStatus(models.TextChoices):
    OPEN = "open", _("Open for comment")
    CLOSED = "closed", _("Closed")


class CommentPeriod(models.Model):
    """An approved batch of a unit's points published for comment for N working days."""

    scope_node_field = "unit"

    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=120)
    points = models.ManyToManyField(RiskPoint, verbose_name=_("risk points"), related_name="comment_periods")
    working_days = models.PositiveSmallIntegerField(_("working days"))
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("last day for comments"))
    status = models.CharField(
        _("status"), max_length=8, choices=CommentPeriodStatus.choices, default=CommentPeriodStatus.OPEN
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public comment period")
        verbose_name_plural = _("public comment periods")
        ordering = ["-opens_on", "-id"]
        indexes = [models.Index(fields=["status", "closes_on"], name="risks_period_due")]

    def __str__(self) -> str:
        return self.title


class PublicComment(models.Model):
    """A comment from the public or staff on a point in a comment period. Nothing about
    the commenter is kept beyond what they choose to write."""

    period = models.ForeignKey(
        CommentPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="comments"
    )
    point = models.ForeignKey(
        RiskPoint, verbose_name=_("risk point"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    body = models.TextField(_("comment"))
    contact = models.CharField(_("name or contact (optional)"), max_length=100, blank=True, default="")
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("public comment")
        verbose_name_plural = _("public comments")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.body[:40]


class SetRoundStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted to the level above")
    RETURNED = "returned", _("Returned with opinions")
    ACCEPTED = "accepted", _("Accepted")


class SetRound(models.Model):
    """A unit's whole set of risk points sent to the level above (二上二下, seed 002): the
    level above returns it with opinions or accepts it; the unit revises and resubmits."""

    scope_node_field = "unit"

    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField(_("round"))
    note = models.TextField(_("covering note"), blank=True, default="")
    point_count = models.PositiveIntegerField(_("risk points"))
    status = models.CharField(_("status"), max_length=10, choices=SetRoundStatus.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    opinions = models.TextField(_("opinions"), blank=True, default="")

    class Meta:
        verbose_name = _("set submission")
        verbose_name_plural = _("set submissions (二上二下)")
        ordering = ["unit_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["unit", "number"], name="risks_setround_unique")]

    def __str__(self) -> str:
        return f"{self.unit} #{self.number}"
