"""The approval pages, public comment, 二上二下 and roll-up pages: what each role sees and
may do, bounded queries, and figures that match an independent count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Role
from powers import services as power_services
from risks import approval
from risks.models import CommentPeriod, RiskPoint, RiskStatus, SetRound
from tests.risks.test_approval import approved_points, decide, record

pytestmark = pytest.mark.django_db


def queries(client, url) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_the_head_decides_from_the_queue(org, client):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    point = record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=point)
    client.force_login(staff)
    assert 'data-testid="decision-card"' not in client.get(f"/risks/{point.pk}/").content.decode()
    client.force_login(head)
    queue = client.get("/risks/reviews/").content.decode()
    assert point.description in queue
    detail = client.get(f"/risks/{point.pk}/").content.decode()
    assert 'data-testid="decision-card"' in detail
    review = approval.current_review(point)
    response = client.post(f"/risks/reviews/{review.pk}/decide/", {"decision": "return", "comment": ""})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.status == RiskStatus.SUBMITTED  # a return without comments is refused
    client.post(f"/risks/reviews/{review.pk}/decide/", {"decision": "approve", "comment": "同意"})
    point.refresh_from_db()
    assert point.status == RiskStatus.APPROVED
    assert point.description not in client.get("/risks/reviews/").content.decode()
    client.force_login(org.users["outsider"])
    other = record(staff, post=org.post_a1, description="另一个")
    approval.risk_submit(user=staff, point=other)
    client.post(f"/risks/reviews/{approval.current_review(other).pk}/decide/", {"decision": "approve"})
    other.refresh_from_db()
    assert other.status == RiskStatus.SUBMITTED


def test_reassess_from_the_detail_page(org, client):
    [point] = approved_points(org, 1)
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    assert 'data-testid="reopen"' in client.get(f"/risks/{point.pk}/").content.decode()
    response = client.post(f"/risks/{point.pk}/reopen/", {"reason": "职责调整"})
    assert response.status_code == 302 and response["Location"].endswith(f"/risks/{point.pk}/edit/")
    point.refresh_from_db()
    assert point.status == RiskStatus.DRAFT


@pytest.mark.parametrize("url", ["/risks/reviews/", "/risks/{pk}/", "/risks/rollup/?under={dept}", "/risks/measures/"])
def test_review_pages_queries_do_not_grow(org, client, url):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    first = record(staff, post=org.post_a1)
    approval.risk_submit(user=staff, point=first)
    client.force_login(head)
    url = url.format(pk=first.pk, dept=org.dept_a1.pk)
    few = queries(client, url)
    for i in range(8):
        p = record(staff, post=org.post_a1, description=f"风险{i}")
        approval.risk_submit(user=staff, point=p)
    decide(head, first)
    approval.risk_reopen(user=staff, point=first, reason="再评估")
    approval.risk_submit(user=staff, point=first)  # a second round on the detail page
    assert queries(client, url) == few


def test_rollup_matches_an_independent_count(org, client, make_power):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    version = make_power()
    power_services.draft_publish(user=staff, version=version)
    specs = [
        (org.post_a1, 1, 1, "S2"),
        (org.post_a1, 1, 2, "S2"),
        (org.post_a1_head, 2, 3, "S3"),
        (org.post_a1, 2, 3, ""),
    ]
    for i, (post, likelihood, consequence, step) in enumerate(specs):
        p = record(
            staff,
            post=post,
            description=f"风险{i}",
            likelihood=likelihood,
            consequence=consequence,
            power=version.power if step else None,
            step_key=step,
        )
        approval.risk_submit(user=staff, point=p)
        decide(head, p)
    record(staff, post=org.post_a1, description="草稿不计")
    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])
    page = client.get(f"/risks/rollup/?under={org.county.pk}").content.decode()
    approved = RiskPoint.objects.filter(status=RiskStatus.APPROVED)
    assert f'data-testid="rollup-total">{approved.count()}<' in page
    assert f'data-testid="rollup-posts">{len({p.post_id for p in approved})}<' in page
    assert f'data-testid="rollup-nodes">{len({(p.power_id, p.step_key) for p in approved if p.step_key})}<' in page
    assert org.unit_a.name in page  # the county's child with points
    client.force_login(org.users["outsider"])
    assert client.get(f"/risks/rollup/?under={org.county.pk}").status_code == 403


def test_public_power_page_shows_approved_points_only(org, client, make_power):
    staff, head = org.users[Role.DISCIPLINE_STAFF], org.users[Role.DEPARTMENT_HEAD]
    version = make_power()
    power_services.draft_publish(user=staff, version=version)
    shown = record(staff, post=org.post_a1, description="公开的风险点", power=version.power, step_key="S2")
    approval.risk_submit(user=staff, point=shown)
    decide(head, shown)
    hidden = record(staff, post=org.post_a1, description="审批中的风险点", power=version.power, step_key="S2")
    approval.risk_submit(user=staff, point=hidden)
    page = client.get(f"/public/powers/{version.pk}/").content.decode()
    assert "公开的风险点" in page and "审批中的风险点" not in page


def test_period_and_set_pages(org, client):
    approved_points(org, 2)
    office = org.users[Role.LEADING_GROUP_OFFICE]
    client.force_login(office)
    assert client.get(f"/risks/comment-periods/new/?unit={org.unit_a.pk}").status_code == 200
    response = client.post(
        f"/risks/comment-periods/new/?unit={org.unit_a.pk}", {"title": "风险点公示", "working_days": "0"}
    )
    assert response.status_code == 200 and not CommentPeriod.objects.exists()
    response = client.post(
        f"/risks/comment-periods/new/?unit={org.unit_a.pk}", {"title": "风险点公示", "working_days": "5"}
    )
    period = CommentPeriod.objects.get()
    assert response["Location"].endswith(f"/risks/comment-periods/{period.pk}/")
    assert "风险点公示" in client.get("/risks/comment-periods/").content.decode()
    client.post(f"/risks/sets/submit/?unit={org.unit_a.pk}", {"note": "上报"})
    assert SetRound.objects.get().number == 1
    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])
    page = client.get(f"/risks/sets/?unit={org.unit_a.pk}").content.decode()
    assert 'data-testid="set-decide"' in page
    client.post(f"/risks/sets/{SetRound.objects.get().pk}/decide/", {"accept": "0", "opinions": "补充执法环节"})
    assert SetRound.objects.get().status == "returned"
    client.force_login(org.users["outsider"])
    assert client.get(f"/risks/sets/?unit={org.unit_a.pk}").status_code == 403
    assert client.get(f"/risks/comment-periods/{period.pk}/").status_code == 403
