"""The approval engine (seed 001), public comment and 二上二下 (seed 002)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from core.models import Notification
from core.todo import todos_for
from org.models import Role
from risks import approval, services
from risks.approval import Decision
from risks.models import (
    ApprovalStage,
    CommentPeriod,
    CommentPeriodStatus,
    GradingRule,
    MeasureType,
    PublicComment,
    Review,
    ReviewStatus,
    RiskCategory,
    RiskPoint,
    RiskScope,
    RiskStatus,
    SetRoundStatus,
)
from risks.presets import ensure_presets, ensure_routing
from tests.factories import UserFactory, person_holding, role

pytestmark = pytest.mark.django_db


def record(user, scope=RiskScope.POST, **kw) -> RiskPoint:
    values = {
        "category": RiskCategory.objects.get(name="岗位职责"),
        "kind": "integrity",
        "description": "审查中收受当事人财物",
        "source": "self",
        "likelihood": 1,
        "consequence": 1,
        **kw,
    }
    return services.risk_create(user=user, scope=scope, **values)


def stages(point) -> list[tuple[str, str, str]]:
    return [(r.role, r.action, r.at_node.name) for r in point.reviews.select_related("at_node").order_by("order")]


def decide(user, point, decision=Decision.APPROVE, **kw):
    return approval.review_decide(user=user, review=approval.current_review(point), decision=decision, **kw)


def test_post_points_follow_the_holders_role(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    cadre = person_holding(org.post_a1, username="jc")
    head = person_holding(org.post_a1_head, username="kz")
    role(head.user, Role.DEPARTMENT_HEAD, org.dept_a1)
    cases = {}
    for name, post in (("cadre", org.post_a1), ("head", org.post_a1_head)):
        point = record(staff, post=post)
        approval.risk_submit(user=staff, point=point)
        cases[name] = stages(point)
    assert cases["cadre"] == [(Role.DEPARTMENT_HEAD, "approve", "公诉科")]
    assert cases["head"] == [(Role.DEPUTY_IN_CHARGE, "approve", "公诉科")]
    assert approval.route_case(RiskPoint.objects.filter(post=org.post_a1).first()) == "post"
    assert cadre.user  # the cadre's point went to the head, not to the cadre


def test_leadership_and_chief_points_go_up(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    member = person_holding(org.post_a2, username="bz")
    role(member.user, Role.LEADERSHIP_MEMBER, org.unit_a)
    point = record(staff, post=org.post_a2)
    approval.risk_submit(user=staff, point=point)
    assert stages(point) == [(Role.UNIT_CHIEF, "approve", org.unit_a.name)]
    role(member.user, Role.UNIT_CHIEF, org.unit_a)
    other = record(staff, post=org.post_a2, description="另一风险")
    approval.risk_submit(user=staff, point=other)
    assert stages(other) == [(Role.DISCIPLINE_COMMISSION, "approve", org.unit_a.name)]
    assert approval.may_decide(org.users[Role.DISCIPLINE_COMMISSION], approval.current_review(other))


def test_unit_points_are_graded_approved_and_filed(org):
    office = org.users[Role.LEADING_GROUP_OFFICE]
    point = record(office, scope=RiskScope.UNIT, unit=org.unit_a, consequence=2)
    approval.risk_submit(user=office, point=point)
    assert [s[:2] for s in stages(point)] == [
        (Role.LEADING_GROUP_OFFICE, "grade"),
        (Role.LEADERSHIP_MEMBER, "approve"),
        (Role.DISCIPLINE_STAFF, "file"),
    ]
    with pytest.raises(ValidationError) as exc:
        decide(office, point, grade=1)
    assert "grade_reason" in exc.value.message_dict
    decide(office, point, grade=1, grade_reason="近三年同类问题多发")
    point.refresh_from_db()
    assert (point.grade, point.status) == (1, RiskStatus.SUBMITTED)
    with pytest.raises(PermissionDenied):  # the filing stage is not reached yet
        decide(org.users[Role.DISCIPLINE_STAFF], point)
    decide(org.users[Role.LEADERSHIP_MEMBER], point, comment="同意")
    decide(org.users[Role.DISCIPLINE_STAFF], point)
    point.refresh_from_db()
    assert point.status == RiskStatus.APPROVED
    reasons = [h.history_change_reason for h in point.history.order_by("history_date")]
    assert any("近三年同类问题多发" in (r or "") for r in reasons)
    graded = point.reviews.get(order=1)
    assert (graded.grade_set, graded.decided_by) == (1, office)


def test_only_the_stage_decider_decides(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    point = record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=point)
    other_head = UserFactory()
    role(other_head, Role.DEPARTMENT_HEAD, org.dept_a2)
    for user in (other_head, staff, org.users[Role.DEPUTY_IN_CHARGE], org.users["outsider"]):
        with pytest.raises(PermissionDenied):
            decide(user, point)
    decide(org.users[Role.DEPARTMENT_HEAD], point)
    point.refresh_from_db()
    assert point.status == RiskStatus.APPROVED


def test_return_needs_comments_and_a_resubmission_is_a_new_round(org):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    point = record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=point)
    with pytest.raises(ValidationError) as exc:
        decide(head, point, Decision.RETURN)
    assert "comment" in exc.value.message_dict
    decide(head, point, Decision.RETURN, comment="表现形式写具体")
    point.refresh_from_db()
    assert point.status == RiskStatus.RETURNED and point.is_editable
    assert Notification.objects.filter(recipient=staff, title__contains=str(RiskStatus.RETURNED.label)).exists()
    services.risk_update(user=staff, point=point, manifestation="私下会见当事人亲友")
    approval.risk_submit(user=staff, point=point)
    assert sorted(point.reviews.values_list("round", "status")) == [(1, "returned"), (2, "pending")]
    decide(head, point, Decision.REJECT, comment="不属于廉政风险")
    point.refresh_from_db()
    assert point.status == RiskStatus.REJECTED


def test_a_stage_is_decided_once(org):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    second_head = UserFactory()
    role(second_head, Role.DEPARTMENT_HEAD, org.dept_a1)
    point = record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=point)
    review = approval.current_review(point)
    approval.review_decide(user=head, review=review, decision=Decision.APPROVE)
    with pytest.raises(ValidationError):
        approval.review_decide(user=second_head, review=review, decision=Decision.REJECT, comment="否")
    assert Review.objects.get(pk=review.pk).decided_by == head


def test_a_route_without_anyone_to_decide_is_refused_clearly(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    point = record(staff, scope=RiskScope.DEPARTMENT, department=org.dept_a2)  # no deputy in charge of 办公室
    with pytest.raises(ValidationError, match="办公室"):
        approval.risk_submit(user=staff, point=point)
    point.refresh_from_db()
    assert point.status == RiskStatus.DRAFT and not point.reviews.exists()


def test_a_unit_may_configure_its_own_route(org):
    ApprovalStage.objects.create(unit=org.unit_a, case="post", order=1, role=Role.DEPARTMENT_HEAD, action="grade")
    ApprovalStage.objects.create(unit=org.unit_a, case="post", order=2, role=Role.UNIT_CHIEF, action="approve")
    staff = org.users[Role.DISCIPLINE_STAFF]
    point = record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=point)
    assert [s[:2] for s in stages(point)] == [(Role.DEPARTMENT_HEAD, "grade"), (Role.UNIT_CHIEF, "approve")]
    sub_point = record(org.users[Role.DISCIPLINE_COMMISSION], post=org.post_b1)
    role(UserFactory(), Role.DEPARTMENT_HEAD, org.dept_b1)
    approval.risk_submit(user=org.users[Role.DISCIPLINE_COMMISSION], point=sub_point)
    assert [s[:2] for s in stages(sub_point)] == [(Role.DEPARTMENT_HEAD, "approve")]  # unit B keeps the default


def test_reassessment_reopens_an_approved_point(org):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    point = record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=point)
    decide(head, point)
    with pytest.raises(ValidationError):
        approval.risk_reopen(user=staff, point=point, reason=" ")
    approval.risk_reopen(user=staff, point=point, reason="岗位职责调整")
    services.risk_update(user=staff, point=point, likelihood=2, consequence=3)
    approval.risk_submit(user=staff, point=point)
    decide(head, point)
    point.refresh_from_db()
    assert (point.grade, point.status, point.reviews.count()) == (3, RiskStatus.APPROVED, 2)
    grades = [h.grade for h in point.history.order_by("history_date")]
    assert grades[0] == 1 and grades[-1] == 3


def test_the_queue_and_todo_count_what_awaits_the_user(org, django_assert_max_num_queries):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    points = [record(staff, post=org.post_a1, description=f"风险{i}") for i in range(3)]
    for p in points:
        approval.risk_submit(user=staff, point=p)
    decide(head, points[0])
    assert Notification.objects.filter(recipient=head, key__startswith="risk-review:").count() == 3
    with django_assert_max_num_queries(12):
        items = {i.url: i.count for i in todos_for(head)}
    assert items["/risks/reviews/"] == 2
    assert "/risks/reviews/" not in {i.url for i in todos_for(org.users[Role.DEPUTY_IN_CHARGE])}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_approvers_at_once_only_one_decision_counts(org):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers, so there is no race to test")
    # A transactional test may follow another that flushed the data migrations' presets.
    ensure_presets(RiskCategory, GradingRule)
    ensure_routing(ApprovalStage, MeasureType)
    staff = org.users[Role.DISCIPLINE_STAFF]
    heads = [org.users[Role.DEPARTMENT_HEAD], UserFactory()]
    role(heads[1], Role.DEPARTMENT_HEAD, org.dept_a1)
    point = record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=point)
    review = approval.current_review(point)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, decision):
        try:
            barrier.wait(timeout=10)
            approval.review_decide(user=user, review=review, decision=decision, comment="意见")
            outcomes.append(decision)
        except ValidationError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=act, args=(heads[0], Decision.APPROVE)),
        threading.Thread(target=act, args=(heads[1], Decision.REJECT)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(outcomes) == 2 and outcomes.count("refused") == 1
    review.refresh_from_db()
    point.refresh_from_db()
    winner = next(o for o in outcomes if o != "refused")
    expected = {Decision.APPROVE: (ReviewStatus.APPROVED, RiskStatus.APPROVED)}.get(
        winner, (ReviewStatus.REJECTED, RiskStatus.REJECTED)
    )
    assert (review.status, point.status) == expected
    assert point.history.filter(status=point.status).count() == 1


# --- public comment -----------------------------------------------------------------------


def approved_points(org, n=2):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    out = []
    for i in range(n):
        p = record(staff, post=org.post_a1, description=f"公示风险{i}")
        approval.risk_submit(user=staff, point=p)
        decide(head, p)
        out.append(p)
    return out


def test_comment_period_runs_for_working_days_and_closes_once(org, client):
    approved_points(org)
    staff = org.users[Role.DISCIPLINE_STAFF]
    draft = record(staff, post=org.post_a1, description="未审批的风险")
    with pytest.raises(PermissionDenied):
        approval.comment_period_open(user=org.users[Role.CADRE], unit=org.unit_a, title="公示", working_days=5)
    period = approval.comment_period_open(user=staff, unit=org.unit_a, title="2026年风险点公示", working_days=5)
    assert period.points.count() == 2 and draft not in period.points.all()
    # 5 working days, counted on the Chinese calendar from the day it opens
    from core.workdays import workdays_between

    assert workdays_between(period.opens_on, period.closes_on) == 5
    page = client.get(f"/public/comments/{period.pk}/").content.decode()
    assert "公示风险0" in page and "未审批的风险" not in page
    response = client.post(f"/public/comments/{period.pk}/", {"body": "建议增加回避制度", "point": "", "contact": ""})
    assert response.status_code == 302 and PublicComment.objects.get().body == "建议增加回避制度"
    assert client.post(f"/public/comments/{period.pk}/", {"body": " "}).status_code == 200  # form error, nothing kept
    assert PublicComment.objects.count() == 1
    assert approval.comment_periods_close(today=period.closes_on) == 0  # the last day still counts
    day_after = period.closes_on + dt.timedelta(days=1)
    assert approval.comment_periods_close(today=day_after) == 1
    assert approval.comment_periods_close(today=day_after) == 0  # idempotent
    period.refresh_from_db()
    assert period.status == CommentPeriodStatus.CLOSED
    assert Notification.objects.filter(key=f"comment-period-closed:{period.pk}").count() >= 1
    with pytest.raises(ValidationError):
        approval.comment_add(period=period, body="晚到的意见")


def test_the_beat_job_closes_due_periods(org, settings):
    from risks.tasks import close_comment_periods

    approved_points(org, 1)
    period = approval.comment_period_open(
        user=org.users[Role.DISCIPLINE_STAFF], unit=org.unit_a, title="公示", working_days=1
    )
    CommentPeriod.objects.filter(pk=period.pk).update(closes_on=dt.date(2020, 1, 1))
    assert close_comment_periods.apply().get() == 1
    assert "risks.close_comment_periods" in settings.CELERY_BEAT_SCHEDULE


# --- two up, two down ---------------------------------------------------------------------


def test_two_up_two_down(org):
    approved_points(org, 1)
    office, commission = org.users[Role.LEADING_GROUP_OFFICE], org.users[Role.DISCIPLINE_COMMISSION]
    first = approval.set_submit(user=office, unit=org.unit_a, note="第一次上报")
    with pytest.raises(ValidationError):
        approval.set_submit(user=office, unit=org.unit_a)  # already with the level above
    with pytest.raises(PermissionDenied):
        approval.set_decide(user=org.users[Role.DISCIPLINE_STAFF], set_round=first, accept=True)  # not above
    with pytest.raises(ValidationError):
        approval.set_decide(user=commission, set_round=first, accept=False)  # opinions are required
    approval.set_decide(user=commission, set_round=first, accept=False, opinions="风险点偏少，补充执法环节")
    assert Notification.objects.filter(recipient=office, key=f"risk-set-decided:{first.pk}").exists()
    second = approval.set_submit(user=office, unit=org.unit_a, note="按意见补充")
    assert second.number == 2
    approval.set_decide(user=commission, set_round=second, accept=True)
    second.refresh_from_db()
    assert second.status == SetRoundStatus.ACCEPTED
    with pytest.raises(ValidationError):
        approval.set_submit(user=office, unit=org.unit_a)


def test_a_comment_period_over_the_national_day_closes_on_the_right_day(org, monkeypatch):
    import chinese_calendar

    approved_points(org, 1)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 9, 29))
    period = approval.comment_period_open(
        user=org.users[Role.DISCIPLINE_STAFF], unit=org.unit_a, title="国庆前公示", working_days=5
    )
    day, left = dt.date(2026, 9, 29), 5  # counted independently on chinesecalendar
    while left:
        day += dt.timedelta(days=1)
        left -= chinese_calendar.is_workday(day)
    assert period.closes_on == day and day > dt.date(2026, 10, 8)
    assert approval.comment_periods_close(today=dt.date(2026, 10, 8)) == 0  # the holiday does not count
    assert approval.comment_periods_close(today=day) == 0
    assert approval.comment_periods_close(today=day + dt.timedelta(days=1)) == 1
