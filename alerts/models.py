"""Warnings (预警): risk information, petitions and reports, tri-colour warnings and their
written replies (seeds 000, 001, 002, 004).

The app is `alerts`, not `warnings`: Python's own `warnings` module would shadow it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from org.models import OrgNode, Person, Post
from risks.models import RiskPoint

# --- risk information (风险信息, seed 004) -------------------------------------------------


class InfoKind(models.TextChoices):
    WARNING = "warning", _("Warning-type (警示类)")
    REMINDER = "reminder", _("Reminder-type (提醒类)")
    TIP = "tip", _("Tip-type (提示类)")
    LEARNING = "learning", _("Learning-type (学习类)")


class InfoSource(models.TextChoices):
    AUDIT = "audit", _("Audit")
    INSPECTION = "inspection", _("Inspection or supervision check")
    ACCOUNTABILITY = "accountability", _("Accountability")
    CASE = "case", _("Case")
    PETITION = "petition", _("Petition or report")
    HOTLINE = "hotline", _("Hotline")
    EVALUATION = "evaluation", _("Democratic evaluation")
    MONITORING = "monitoring", _("E-government or network monitoring")
    SUPERVISOR = "supervisor", _("Social supervisor")
    MEETING = "meeting", _("Risk analysis meeting")
    EVENT = "event", _("Bidding, procurement, recruitment or holiday")
    DOCUMENT = "document", _("Rules, documents, experience")
    OTHER = "other", _("Other")


class InfoKindRule(models.Model):
    """How many working days after its trigger date information of a kind must be entered
    (seed 004: 警示 7, 提示 3, 提醒 configurable, 学习 none). A setting, not code."""

    kind = models.CharField(_("kind"), max_length=10, choices=InfoKind.choices, unique=True)
    entry_days = models.PositiveSmallIntegerField(
        _("entry deadline (working days)"), null=True, blank=True, help_text=_("Empty: no deadline.")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entry deadline")
        verbose_name_plural = _("entry deadlines")
        ordering = ["kind"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.entry_days if self.entry_days is not None else '—'}"


class RiskInfo(models.Model):
    """One piece of risk information in the archive (廉政风险信息档案库, seed 001)."""

    scope_node_field = "node"
    scope_post_field = None

    kind = models.CharField(_("kind"), max_length=10, choices=InfoKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=InfoSource.choices)
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"))
    node = models.ForeignKey(OrgNode, verbose_name=_("concerns"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="risk_infos")
    posts = models.ManyToManyField(Post, verbose_name=_("posts"), blank=True, related_name="risk_infos")
    people = models.ManyToManyField(Person, verbose_name=_("people"), blank=True, related_name="risk_infos")
    risk_points = models.ManyToManyField(RiskPoint, verbose_name=_("risk points"), blank=True, related_name="infos")
    trigger_date = models.DateField(
        _("trigger date"), help_text=_("The conclusion, approval or event the deadline counts from.")
    )
    entry_deadline = models.DateField(_("entry deadline"), null=True, blank=True)
    entered_on = models.DateField(_("entered on"))
    is_late = models.BooleanField(_("entered late"), default=False)
    collection_point = models.ForeignKey(
        OrgNode, verbose_name=_("collection point"), on_delete=models.PROTECT, related_name="+"
    )
    petition = models.ForeignKey(
        "alerts.Petition",
        verbose_name=_("from petition"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="infos",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("risk information")
        verbose_name_plural = _("risk information")
        indexes = [
            models.Index(fields=["node", "-id"], name="alerts_info_node"),
            models.Index(fields=["kind", "-id"], name="alerts_info_kind"),
            models.Index(fields=["collection_point", "is_late"], name="alerts_info_late"),
            # the late entries alone (about 8%), for the late-by-collection-point summary
            models.Index(fields=["node", "collection_point"], condition=Q(is_late=True), name="alerts_info_late_node"),
        ]

    def __str__(self) -> str:
        return self.title


# --- petitions and reports (信访举报) ------------------------------------------------------


class PetitionChannel(models.TextChoices):
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit")
    PHONE = "phone", _("Telephone or hotline")
    ONLINE = "online", _("Online (portal)")
    OTHER = "other", _("Other")


class PetitionKind(models.TextChoices):
    PETITION = "petition", _("Petition")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report of misconduct")


class PetitionStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ASSIGNED = "assigned", _("Being handled")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")


class Petition(models.Model):
    """A petition, complaint or report (信访举报). An anonymous one keeps nothing about its
    reporter: no account, no address, no name; only the hash of the receipt code the reporter
    was shown once."""

    scope_node_field = "node"
    scope_post_field = None

    channel = models.CharField(_("channel"), max_length=8, choices=PetitionChannel.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=PetitionKind.choices)
    node = models.ForeignKey(OrgNode, verbose_name=_("concerns"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    content = models.TextField(_("content"))
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True, default="")
    reporter_contact = models.CharField(_("reporter's contact"), max_length=100, blank=True, default="")
    receipt_hash = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    received_on = models.DateField(_("received on"))
    due_on = models.DateField(_("answer due"))
    status = models.CharField(
        _("status"), max_length=10, choices=PetitionStatus.choices, default=PetitionStatus.RECEIVED
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    findings = models.TextField(_("findings"), blank=True, default="")
    reply = models.TextField(_("reply to the reporter"), blank=True, default="")
    replied_on = models.DateField(_("answered on"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The audit trail keeps changes, but never the reporter's details or the receipt hash.
    history = HistoricalRecords(excluded_fields=["reporter_name", "reporter_contact", "receipt_hash"])

    class Meta:
        verbose_name = _("petition or report")
        verbose_name_plural = _("petitions and reports")
        indexes = [
            models.Index(fields=["node", "-id"], name="alerts_petition_node"),
            models.Index(fields=["status", "due_on"], name="alerts_petition_due"),
            # the open ones alone (the to-do counts), however many past years are answered
            models.Index(
                fields=["node", "status", "due_on", "id"],
                condition=Q(status__in=["received", "assigned"]),
                name="alerts_petition_open",
            ),
            # the open ones by answer date, most urgent first (the workbench)
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status__in=["received", "assigned"]),
                name="alerts_petition_due_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=False) | Q(reporter_name="", reporter_contact=""),
                name="alerts_anonymous_keeps_no_name",
            )
        ]

    def __str__(self) -> str:
        return self.subject


# --- tri-colour warnings (三色预警, seed 000) -----------------------------------------------


class WarningLevel(models.IntegerChoices):
    RED = 1, _("Level 1")
    ORANGE = 2, _("Level 2")
    YELLOW = 3, _("Level 3")


class WarningColour(models.Model):
    """The name and colour of each level: seed 000 uses red/orange/yellow, seed 004
    blue/orange/red — a setting, not code."""

    level = models.PositiveSmallIntegerField(_("level"), choices=WarningLevel.choices, unique=True)
    name = models.CharField(_("name"), max_length=20)
    colour = models.CharField(_("colour"), max_length=7, help_text=_("#RRGGBB"))
    action = models.CharField(_("what it means"), max_length=40)
    reply_days = models.PositiveSmallIntegerField(_("written reply within (working days)"), default=10)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warning colour")
        verbose_name_plural = _("warning colours")
        ordering = ["level"]

    def __str__(self) -> str:
        return self.name


class Disposal(models.TextChoices):
    # red (亮红灯)
    RECTIFICATION_ORDER = "rectify", _("Ordered rectification (责令整改)")
    REPORT_IN_PERSON = "report", _("Main leader reports in person")
    ACCOUNTABILITY = "accountability", _("Accountability procedure")
    # orange (设警线)
    CORRECTION = "correct", _("Admonish and correct (诫勉纠错)")
    ADMONISHMENT_TALK = "talk", _("Admonishment talk (诫勉谈话)")
    # yellow (敲警钟)
    CIRCULATED_CRITICISM = "criticism", _("Circulated criticism")
    SELF_REVIEW = "self_review", _("Written self-review")
    WARNING_EDUCATION = "education", _("Warning education")
    # the ladder of seed 002
    INTERVIEW = "interview", _("Interview after a petition")
    INQUIRY_LETTER = "inquiry", _("Inquiry letter (询问函)")
    REMINDER_NOTICE = "reminder", _("Reminder notice (提醒书)")


class TargetKind(models.TextChoices):
    UNIT = "unit", _("Unit")
    DEPARTMENT = "department", _("Department")
    POST = "post", _("Post")
    PERSON = "person", _("Person")


class WarningStatus(models.TextChoices):
    ISSUED = "issued", _("Awaiting written reply")
    REPLIED = "replied", _("Reply under review")
    ACCEPTED = "accepted", _("Reply accepted; rectification under way")
    CLOSED = "closed", _("Closed")


OPEN_WARNING_STATUSES = (WarningStatus.ISSUED, WarningStatus.REPLIED, WarningStatus.ACCEPTED)


class RiskWarning(models.Model):
    """A tri-colour warning (三色预警) and its notice (the PDF is archived with it)."""

    scope_node_field = "node"
    scope_post_field = "post"

    number = models.CharField(_("document number"), max_length=60, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), choices=WarningLevel.choices)
    target_kind = models.CharField(_("target"), max_length=10, choices=TargetKind.choices)
    node = models.ForeignKey(OrgNode, verbose_name=_("unit or department"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="warnings")
    post = models.ForeignKey(
        Post, verbose_name=_("post"), null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT, related_name="warnings"
    )
    title = models.CharField(_("title"), max_length=200)
    facts = models.TextField(_("facts"))
    disposals = models.JSONField(_("disposal"), default=list)
    risk_points = models.ManyToManyField(RiskPoint, verbose_name=_("risk points"), blank=True, related_name="warnings")
    infos = models.ManyToManyField(RiskInfo, verbose_name=_("risk information"), blank=True, related_name="warnings")
    petition = models.ForeignKey(
        Petition, verbose_name=_("from petition"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT, related_name="+"
    )
    issuer_role = models.CharField(_("issued as"), max_length=16)
    issuer_node = models.ForeignKey(OrgNode, verbose_name=_("issuer"), on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"))
    reply_due = models.DateField(_("written reply due"))
    status = models.CharField(_("status"), max_length=10, choices=WarningStatus.choices, default=WarningStatus.ISSUED)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    close_note = models.TextField(_("verification of the rectification"), blank=True, default="")
    notice = models.FileField(_("notice"), upload_to="warnings/%Y/", blank=True, max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("warning")
        verbose_name_plural = _("warnings")
        indexes = [
            models.Index(fields=["node", "-id"], name="alerts_warning_node"),
            models.Index(fields=["level", "status", "-id"], name="alerts_warning_level"),
            models.Index(fields=["status", "reply_due"], name="alerts_warning_due"),
            # an issuer's open warnings (their to-do), not everything they ever issued
            models.Index(fields=["issued_by", "status"], name="alerts_warning_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_WARNING_STATUSES

    @property
    def issuer_name(self) -> str:
        """The issuing body as an official document names it."""
        node = self.issuer_node
        if self.issuer_role == "commission":
            return f"中共{node.name}纪律检查委员会"
        if self.issuer_role == "discipline":
            return f"{node.name}纪检监察室"
        if self.issuer_role in ("unit_chief", "leadership", "lg_office"):
            return f"{node.name}廉政风险防控工作领导小组"
        return node.name

    @property
    def disposal_labels(self) -> list[str]:
        return [str(Disposal(d).label) for d in self.disposals if d in Disposal.values]


class ReplyDecision(models.TextChoices):
    PENDING = "pending", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    RETURNED = "returned", _("Returned for more")


class WarningReply(models.Model):
    """The target's written reply (seed 001): cause analysis and rectification measures."""

    scope_node_field = "warning__node"
    scope_post_field = "warning__post"

    warning = models.ForeignKey(
        RiskWarning, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="replies"
    )
    cause_analysis = models.TextField(_("cause analysis"))
    measures = models.TextField(_("rectification measures"))
    attachment = models.FileField(_("attachment"), upload_to="warning-replies/%Y/", blank=True, max_length=200)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("replied by"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("replied at"), auto_now_add=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=ReplyDecision.choices, default=ReplyDecision.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_note = models.TextField(_("review comments"), blank=True, default="")

    class Meta:
        verbose_name = _("written reply")
        verbose_name_plural = _("written replies")
        ordering = ["warning_id", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id} · {self.submitted_at:%Y-%m-%d}"


class WarningEvent(models.Model):
    """Append-only trail of a warning: issued, replied, accepted, returned, escalated, closed."""

    class Kind(models.TextChoices):
        ISSUED = "issued", _("Issued")
        REPLIED = "replied", _("Replied in writing")
        ACCEPTED = "accepted", _("Reply accepted")
        RETURNED = "returned", _("Reply returned for more")
        ESCALATED = "escalated", _("Reply overdue: escalated")
        CLOSED = "closed", _("Rectification verified; closed")

    warning = models.ForeignKey(RiskWarning, verbose_name=_("warning"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what"), max_length=20, choices=Kind.choices)
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
        verbose_name = _("warning event")
        verbose_name_plural = _("warning events")
        ordering = ["warning_id", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.kind}"
