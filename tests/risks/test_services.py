"""Risk identification and grading: who records what, the matrix, reasons, locking, risk nodes."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from org.models import Role
from powers import selectors as power_selectors
from powers import services as power_services
from risks import approval, services
from risks.models import GradingRule, Likelihood, RiskCategory, RiskPoint, RiskScope, RiskStatus
from risks.selectors import risk_list, suggested_grade
from tests.factories import person_holding

pytestmark = pytest.mark.django_db

L, U = Likelihood.LIKELY, Likelihood.UNLIKELY


@pytest.fixture
def duty():
    return RiskCategory.objects.get(name="岗位职责")


def _record(user, scope=RiskScope.POST, **kw):
    defaults = {
        "category": RiskCategory.objects.get(name="岗位职责"),
        "kind": "integrity",
        "description": "审查中收受当事人财物",
        "source": "self",
        "likelihood": L,
        "consequence": 1,
    }
    return services.risk_create(user=user, scope=scope, **{**defaults, **kw})


@pytest.mark.parametrize(
    ("likelihood", "consequence", "grade"), [(L, 1, 1), (L, 2, 2), (U, 1, 2), (U, 3, 3), (L, 3, 3), (U, 2, 3)]
)
def test_preset_matrix_follows_seed_003(org, likelihood, consequence, grade):
    assert suggested_grade(unit=org.unit_a, likelihood=likelihood, consequence=consequence) == grade


def test_a_unit_may_override_a_cell(org):
    GradingRule.objects.create(unit=org.unit_a, likelihood=U, consequence=2, grade=2)
    assert suggested_grade(unit=org.unit_a, likelihood=U, consequence=2) == 2
    assert suggested_grade(unit=org.unit_b, likelihood=U, consequence=2) == 3


def test_cadre_records_for_own_post_only(org):
    holder = person_holding(org.post_a1, username="jc")
    point = _record(holder.user, post=org.post_a1)
    assert (point.node, point.unit, point.grade, point.status) == (org.dept_a1, org.unit_a, 1, RiskStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        _record(holder.user, post=org.post_a2)
    with pytest.raises(PermissionDenied):
        _record(holder.user, scope=RiskScope.DEPARTMENT, department=org.dept_a1)


def test_department_head_and_office_record_their_scopes(org):
    head = org.users[Role.DEPARTMENT_HEAD]
    assert _record(head, scope=RiskScope.DEPARTMENT, department=org.dept_a1).scope == "department"
    assert _record(head, post=org.post_a1).post == org.post_a1
    with pytest.raises(PermissionDenied):
        _record(head, scope=RiskScope.DEPARTMENT, department=org.dept_a2)
    with pytest.raises(PermissionDenied):
        _record(head, scope=RiskScope.UNIT, unit=org.unit_a)
    office = org.users[Role.LEADING_GROUP_OFFICE]
    assert _record(office, scope=RiskScope.UNIT, unit=org.unit_a).node == org.unit_a
    with pytest.raises(PermissionDenied):
        _record(office, scope=RiskScope.UNIT, unit=org.unit_b)
    with pytest.raises(PermissionDenied):
        _record(org.users[Role.UNIT_CHIEF], scope=RiskScope.UNIT, unit=org.unit_a)


def test_another_grade_needs_a_reason_and_history_keeps_every_grade(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    with pytest.raises(ValidationError) as exc:
        _record(staff, post=org.post_a1, grade=2)
    assert "grade_reason" in exc.value.message_dict
    assert not RiskPoint.objects.exists()
    point = _record(staff, post=org.post_a1, grade=2, grade_reason="已有制度约束，实际风险较低")
    assert (point.suggested_grade, point.grade) == (1, 2)
    services.risk_update(user=staff, point=point, likelihood=U, consequence=3)
    point.refresh_from_db()
    assert (point.grade, point.grade_reason) == (3, "")
    grades = list(point.history.order_by("history_date").values_list("grade", "history_change_reason"))
    assert [g for g, _r in grades] == [2, 3] and grades[0][1] == "已有制度约束，实际风险较低"


def test_scope_objects_and_steps_are_checked(org, make_power):
    staff = org.users[Role.DISCIPLINE_STAFF]
    with pytest.raises(ValidationError) as exc:
        _record(staff)  # a post point without its post
    assert "post" in exc.value.message_dict
    version = make_power()
    with pytest.raises(ValidationError):
        _record(staff, post=org.post_a1, power=version.power, step_key="S9")
    point = _record(staff, post=org.post_a1, power=version.power, step_key="S2")
    assert point.step_key == "S2"
    with pytest.raises(PermissionDenied):  # unit A's staff cannot record unit B's risks at all
        _record(staff, post=org.post_b1)


def test_a_submitted_point_is_locked(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    point = _record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=point)
    with pytest.raises(ValidationError):
        services.risk_update(user=staff, point=point, description="改")
    with pytest.raises(ValidationError):
        approval.risk_submit(user=staff, point=point)
    point.refresh_from_db()
    assert point.status == RiskStatus.SUBMITTED and point.description == "审查中收受当事人财物"


def test_register_is_scoped(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    a = _record(staff, post=org.post_a1)
    b = _record(org.users[Role.DISCIPLINE_COMMISSION], post=org.post_b1)
    holder = person_holding(org.post_a2, username="clerk")
    assert set(risk_list(user=staff)) == {a}
    assert set(risk_list(user=org.users[Role.DISCIPLINE_COMMISSION])) == {a, b}
    assert set(risk_list(user=org.users[Role.DEPUTY_IN_CHARGE])) == {a}  # in charge of 公诉科 only
    assert set(risk_list(user=holder.user)) == set()  # a cadre role is absent here: own post only
    assert set(risk_list(user=org.users["outsider"])) == set()


def test_approved_points_mark_risk_nodes_with_their_highest_grade(org, make_power):
    staff = org.users[Role.DISCIPLINE_STAFF]
    version = make_power()
    power_services.draft_publish(user=staff, version=version)
    for grade_args in ({"likelihood": U, "consequence": 3}, {"likelihood": L, "consequence": 2}):
        _record(staff, post=org.post_a1, power=version.power, step_key="S2", **grade_args)
    _record(staff, post=org.post_a1, power=version.power, step_key="S1")  # level 1, but not approved
    RiskPoint.objects.filter(step_key="S2").update(status=RiskStatus.APPROVED)
    svg = power_selectors.flowchart_svg(power_selectors.version_detail(version.pk))
    s2 = svg[svg.index('data-key="S2"') : svg.index("</g>", svg.index('data-key="S2"'))]
    s1 = svg[svg.index('data-key="S1"') : svg.index("</g>", svg.index('data-key="S1"'))]
    assert "#fde3c4" in s2  # level 2 is the highest approved grade on S2
    assert "#ffffff" in s1  # S1's point is not approved yet: not a risk node
    # and a revision keeps the risk node: it is linked by power and step key
    revision = power_services.power_revise(user=staff, power=version.power)
    svg2 = power_selectors.flowchart_svg(power_selectors.version_detail(revision.pk))
    assert "#fde3c4" in svg2
