"""The organisation: a tree of areas, units and departments; posts; cadres; roles.

The tree is a materialised path (django-treebeard MP_Node): "everything below node N" is
`path LIKE 'N.path%'`, served by an index (with varchar_pattern_ops on PostgreSQL), so
scoping a 3-million-row table to a subtree is one indexed join, never a recursive walk.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from treebeard.mp_tree import MP_Node


class NodeKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    CITY = "city", _("City")
    COUNTY = "county", _("County / district")
    UNIT = "unit", _("Unit")
    DEPARTMENT = "department", _("Department")


# Which kinds may sit directly under which. A unit may hold sub-units (a bureau's branch
# offices); departments hold posts and nothing else in the tree.
ALLOWED_CHILD_KINDS: dict[str | None, set[str]] = {
    None: {NodeKind.PROVINCE, NodeKind.CITY, NodeKind.COUNTY, NodeKind.UNIT},
    NodeKind.PROVINCE: {NodeKind.CITY, NodeKind.COUNTY, NodeKind.UNIT},
    NodeKind.CITY: {NodeKind.COUNTY, NodeKind.UNIT},
    NodeKind.COUNTY: {NodeKind.UNIT},
    NodeKind.UNIT: {NodeKind.UNIT, NodeKind.DEPARTMENT},
    NodeKind.DEPARTMENT: set(),
}


class OrgNode(MP_Node):
    """A node of the organisation tree: an area, a unit (单位) or a department (科室)."""

    scope_node_field = ""  # the node is its own scope
    scope_post_field = None

    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("level"), max_length=16, choices=NodeKind.choices, db_index=True)
    code = models.CharField(_("code"), max_length=40, blank=True, default="")
    description = models.TextField(_("description"), blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    cross_supervision = models.BooleanField(
        _("cross-unit supervision"),
        default=False,
        help_text=_(
            "Within this area, every post may be supervised by posts of the same or higher "
            "rank in any unit (同级监督、跨系统监督)."
        ),
    )
    history = HistoricalRecords(excluded_fields=["numchild"])

    node_order_by: list[str] = []

    class Meta:
        verbose_name = _("organisation node")
        verbose_name_plural = _("organisation nodes")
        permissions = [("supervise_orgnode", _("Can supervise (read) this node and below"))]
        indexes = [
            # LIKE 'prefix%' uses this index on PostgreSQL whatever the collation.
            models.Index(fields=["path"], name="org_node_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["kind", "path"], name="org_node_kind_path"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="org_node_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_department(self) -> bool:
        return self.kind == NodeKind.DEPARTMENT

    def path_prefixes(self) -> list[str]:
        """Paths of this node and all its ancestors, root first (no query)."""
        return [self.path[: i * self.steplen] for i in range(1, self.depth + 1)]

    def owning_unit(self) -> OrgNode | None:
        """The nearest unit at or above this node (a department's unit)."""
        if self.kind == NodeKind.UNIT:
            return self
        return OrgNode.objects.filter(path__in=self.path_prefixes(), kind=NodeKind.UNIT).order_by("-depth").first()


class PostRank(models.IntegerChoices):
    """Rank of a post (职级); higher numbers outrank lower ones."""

    STAFF = 1, _("Staff member")
    SECTION_MEMBER = 2, _("Section member")
    DEPUTY_SECTION = 3, _("Deputy section chief level")
    SECTION = 4, _("Section chief level")
    DEPUTY_DIVISION = 5, _("Deputy division level")
    DIVISION = 6, _("Division level")
    DEPUTY_BUREAU = 7, _("Deputy bureau level")
    BUREAU = 8, _("Bureau level")


class Post(models.Model):
    """A post (岗位) in a department."""

    scope_node_field = "department"
    scope_post_field = ""

    department = models.ForeignKey(
        OrgNode, verbose_name=_("department"), on_delete=models.PROTECT, related_name="posts"
    )
    name = models.CharField(_("name"), max_length=120)
    code = models.CharField(_("code"), max_length=40, blank=True, default="")
    rank = models.PositiveSmallIntegerField(_("rank"), choices=PostRank.choices, default=PostRank.STAFF)
    is_key_post = models.BooleanField(_("key post"), default=False, help_text=_("重点岗位"))
    max_holders = models.PositiveSmallIntegerField(
        _("holders allowed at once"), default=1, help_text=_("How many cadres may hold this post at the same time.")
    )
    duties = models.TextField(_("duties"), blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["department", "name"], name="org_post_dept_name"),
            models.Index(fields=["rank"], name="org_post_rank"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(max_holders__gte=1), name="org_post_max_holders_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A cadre (干部): a person in a unit, usually with a login."""

    scope_node_field = "unit"
    scope_post_field = None

    class Gender(models.TextChoices):
        MALE = "m", _("Male")
        FEMALE = "f", _("Female")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True, default="")
    unit = models.ForeignKey(OrgNode, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="people")
    title = models.CharField(_("title"), max_length=120, blank=True, default="", help_text=_("职务"))
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    email = models.EmailField(_("e-mail"), blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cadre")
        verbose_name_plural = _("cadres")
        indexes = [models.Index(fields=["unit", "name"], name="org_person_unit_name")]

    def __str__(self) -> str:
        return self.name


class PostHoldingQuerySet(models.QuerySet):
    def on(self, day: dt.date) -> PostHoldingQuerySet:
        """Holdings in force on `day` (start inclusive, end inclusive)."""
        return self.filter(start_date__lte=day).filter(Q(end_date__isnull=True) | Q(end_date__gte=day))

    def current(self) -> PostHoldingQuerySet:
        return self.filter(end_date__isnull=True)


class PostHolding(models.Model):
    """Who held which post, from when to when (任职记录). Open-ended while current."""

    scope_node_field = "post__department"
    scope_post_field = "post"

    person = models.ForeignKey(Person, verbose_name=_("cadre"), on_delete=models.PROTECT, related_name="holdings")
    post = models.ForeignKey(Post, verbose_name=_("post"), on_delete=models.PROTECT, related_name="holdings")
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    history = HistoricalRecords()

    objects = PostHoldingQuerySet.as_manager()

    class Meta:
        verbose_name = _("post holding")
        verbose_name_plural = _("post holdings")
        ordering = ["-start_date", "-id"]
        indexes = [
            models.Index(fields=["post", "start_date"], name="org_holding_post_start"),
            models.Index(fields=["person", "start_date"], name="org_holding_person_start"),
            models.Index(fields=["post"], condition=Q(end_date__isnull=True), name="org_holding_current"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="org_holding_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.post}"


class Role(models.TextChoices):
    UNIT_CHIEF = "unit_chief", _("Unit chief")
    DEPUTY_IN_CHARGE = "deputy", _("Deputy in charge")
    LEADERSHIP_MEMBER = "leadership", _("Leadership member")
    DEPARTMENT_HEAD = "dept_head", _("Department head")
    LEADING_GROUP_OFFICE = "lg_office", _("Leading-group office")
    DISCIPLINE_STAFF = "discipline", _("Discipline-office staff")
    DISCIPLINE_COMMISSION = "commission", _("Discipline commission")
    LEADING_GROUP_READER = "lg_reader", _("Leading-group reader")
    CADRE = "cadre", _("Cadre")


class RoleAssignment(models.Model):
    """A role held by a user over an org node, optionally over everything below it.

    Over a unit, a role always covers the unit's own departments; `include_descendants`
    widens it to sub-units and (for an area) every unit below. A deputy in charge is
    limited to `departments`, the departments in their charge.
    """

    scope_node_field = "node"
    scope_post_field = None

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    node = models.ForeignKey(OrgNode, verbose_name=_("over"), on_delete=models.PROTECT, related_name="role_assignments")
    include_descendants = models.BooleanField(_("including everything below"), default=False)
    departments = models.ManyToManyField(
        OrgNode, verbose_name=_("departments in charge"), blank=True, related_name="deputies_in_charge"
    )
    note = models.CharField(_("note"), max_length=200, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[departments])

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(fields=["user", "role", "node"], name="org_role_unique_per_node"),
        ]
        indexes = [models.Index(fields=["node", "role"], name="org_role_node_role")]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.node}"


class SupervisionGrantEvent(models.Model):
    """The append-only trail of per-object supervision grants (django-guardian rows carry
    no history of their own): who granted or withdrew which node to whom, when and why."""

    class Kind(models.TextChoices):
        GRANTED = "+", _("granted")
        WITHDRAWN = "-", _("withdrawn")

    kind = models.CharField(_("what"), max_length=1, choices=Kind.choices)
    node = models.ForeignKey(OrgNode, verbose_name=_("node"), on_delete=models.CASCADE, related_name="+")
    grantee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("supervisor"), on_delete=models.CASCADE, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True, default="")
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("supervision grant event")
        verbose_name_plural = _("supervision grant events")
        indexes = [models.Index(fields=["node", "-at"], name="org_supgrant_node_at")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.grantee} · {self.node}"
