from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count

from org.models import NodeKind, OrgNode, Person, Post, Role
from org.permissions import scope_queryset
from risks import selectors
from risks.models import GradingRule, Measure, Review, ReviewStatus, RiskPoint, RiskScope, RiskStatus
from tests.factories import UserFactory, person_holding, role

pytestmark = pytest.mark.django_db


def _generate(code: str, risks_per_post: float) -> OrgNode:
    call_command(
        "generate_scale",
        units=2,
        posts_per_unit=12,
        powers_per_unit=2,
        risks_per_post=risks_per_post,
        code=code,
        stdout=StringIO(),
    )
    return OrgNode.objects.get(code=code)


def _check_register(province: OrgNode, per_post: float) -> None:
    posts = Post.objects.filter(department__path__startswith=province.path).count()
    points = RiskPoint.objects.filter(node__path__startswith=province.path)
    # about per_post points a post, mostly post points, some of departments and units
    assert points.count() == round(per_post * posts)
    scopes = dict(points.values_list("scope").annotate(n=Count("pk")).order_by())
    assert scopes[RiskScope.POST] > scopes[RiskScope.DEPARTMENT] > 0 and scopes[RiskScope.UNIT] > 0
    assert not points.filter(scope=RiskScope.POST, post__isnull=True).exists()
    # every grade is the matrix's
    matrix = {(r.likelihood, r.consequence): r.grade for r in GradingRule.objects.filter(unit__isnull=True)}
    for likelihood, consequence, suggested, grade in points.values_list(
        "likelihood", "consequence", "suggested_grade", "grade"
    ):
        assert suggested == grade == matrix[(likelihood, consequence)]
    statuses = set(points.values_list("status", flat=True))
    assert {RiskStatus.APPROVED, RiskStatus.SUBMITTED, RiskStatus.DRAFT} <= statuses
    # risk nodes: some points sit on a step of one of their unit's powers
    linked = points.exclude(step_key="")
    assert linked.exists()
    assert all(p.power.unit_id == p.unit_id and p.step_key in {f"S{i}" for i in range(1, 6)} for p in linked)
    # every submitted point has exactly one pending review, where its route starts
    pending = Review.objects.filter(point__in=points, status=ReviewStatus.PENDING)
    per_point = dict(pending.values_list("point").annotate(n=Count("pk")).order_by())
    submitted = set(points.filter(status=RiskStatus.SUBMITTED).values_list("pk", flat=True))
    assert set(per_point) == submitted and set(per_point.values()) == {1}
    for review in pending.filter(point__scope=RiskScope.POST).select_related("point"):
        assert (review.role, review.action, review.at_node_id) == ("dept_head", "approve", review.point.node_id)
    # measures belong to approved points and are owned by a cadre of the point's unit
    measures = Measure.objects.filter(point__in=points).select_related("point", "owner")
    assert measures.exists()
    assert {m.point.status for m in measures} == {RiskStatus.APPROVED}
    assert all(m.owner.unit_id == m.point.unit_id for m in measures)


def test_generate_scale_adds_risk_points_to_the_province():
    # given / when a small province is generated with 4 risk points a post
    province = _generate("RS1", risks_per_post=4)
    # then its register is complete and consistent
    _check_register(province, 4)


def test_generate_scale_risks_adds_them_to_an_existing_province_once():
    # given a generated province without risk points
    province = _generate("RS2", risks_per_post=0)
    assert not RiskPoint.objects.exists()
    # when risk points are added afterwards
    out = StringIO()
    call_command("generate_scale_risks", code="RS2", risks_per_post=2.5, stdout=out)
    # then they are consistent, the command says how many and how fast, and a second run is refused
    _check_register(province, 2.5)
    assert f"Inserted {RiskPoint.objects.count()} risk points" in out.getvalue() and "rows/s" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("generate_scale_risks", code="RS2", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("generate_scale_risks", code="NOPE", stdout=StringIO())


def test_generated_measures_skip_units_without_cadres():
    # given a province generated without people
    call_command(
        "generate_scale",
        units=1,
        posts_per_unit=6,
        powers_per_unit=1,
        risks_per_post=3,
        code="RS3",
        no_people=True,
    )
    # then its points exist but no measure was invented without an owner
    assert RiskPoint.objects.filter(unit__kind=NodeKind.UNIT).count() == 18
    assert not Measure.objects.exists() and not Person.objects.exists()


def test_the_list_and_rollup_shortcuts_change_no_result(monkeypatch):
    # given a generated province of two counties, and users whose scope reaches posts as
    # well as nodes: a department head holding a post in the other county, a unit's
    # discipline officer holding a post in it, a cadre with cross-unit supervision
    call_command(
        "generate_scale",
        units=4,
        posts_per_unit=12,
        units_per_county=2,
        counties_per_city=1,
        powers_per_unit=2,
        risks_per_post=3,
        code="RS4",
        stdout=StringIO(),
    )
    below = OrgNode.objects.filter(path__startswith=OrgNode.objects.get(code="RS4").path)
    units = list(below.filter(kind=NodeKind.UNIT).order_by("path"))
    counties = list(below.filter(kind=NodeKind.COUNTY).order_by("path"))
    dept = below.filter(kind=NodeKind.DEPARTMENT).order_by("path").first()
    far_post = Post.objects.filter(department__path__startswith=units[-1].path).order_by("pk").first()
    head = person_holding(far_post).user
    role(head, Role.DEPARTMENT_HEAD, dept)
    chief = person_holding(Post.objects.filter(department__path__startswith=units[0].path).last()).user
    role(chief, Role.DISCIPLINE_STAFF, units[0], below=True)
    OrgNode.objects.filter(pk=counties[1].pk).update(cross_supervision=True)
    section_post = Post.objects.filter(department__path__startswith=counties[1].path, name="岗位1").first()
    cadre = person_holding(section_post).user
    commission = UserFactory()
    role(commission, Role.DISCIPLINE_COMMISSION, below.get(code="RS4"), below=True)

    def lists(user):
        return set(selectors.risk_list(user=user).values_list("pk", flat=True))

    def rollups(user):
        return [selectors.rollup(user=user, node=n) for n in [below.get(code="RS4"), *counties, units[0], dept]]

    # when the list and the roll-ups are read with the id lists and without them
    shortcut = {u.pk: (selectors._scope_as_ids(u), lists(u), rollups(u)) for u in (head, chief, cadre, commission)}
    monkeypatch.setattr(selectors, "SCOPE_IDS_MAX", 0)
    monkeypatch.setattr(selectors, "SUBTREE_IDS_MAX", 0)
    # then the lists were used where the scope reaches posts, and nothing differs
    for user in (head, chief, cadre, commission):
        ids, listed, figures = shortcut[user.pk]
        assert (ids is not None) == (user != commission)
        assert selectors._scope_as_ids(user) is None
        scope = set(scope_queryset(user, "risk.view", RiskPoint.objects.all()).values_list("pk", flat=True))
        assert listed == lists(user) == scope and listed
        assert figures == rollups(user)
    assert (
        shortcut[commission.pk][2][1].total
        == RiskPoint.objects.filter(status=RiskStatus.APPROVED, node__path__startswith=counties[0].path).count()
    )
