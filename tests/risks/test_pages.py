from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from org.models import Role
from risks.models import RiskCategory, RiskPoint, RiskStatus
from tests.factories import person_holding

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "category": RiskCategory.objects.get(name="岗位职责").pk,
        "kind": "integrity",
        "description": "利用审查权索取财物",
        "manifestation": "拖延审查、暗示好处",
        "source": "three_questions",
        "likelihood": 1,
        "consequence": 1,
        "grade": "",
        "grade_reason": "",
    }
    return {**data, **overrides}


def test_cadre_records_a_risk_for_their_post(org, client):
    holder = person_holding(org.post_a1, username="jcg")
    client.force_login(holder.user)
    page = client.get("/risks/mine/").content.decode()
    assert org.post_a1.name in page and f"post={org.post_a1.pk}" in page
    response = client.post(f"/risks/new/?scope=post&post={org.post_a1.pk}", _form())
    assert response.status_code == 302
    point = RiskPoint.objects.get()
    detail = client.get(f"/risks/{point.pk}/").content.decode()
    assert "利用审查权索取财物" in detail and 'data-testid="submit-risk"' in detail
    client.post(f"/risks/{point.pk}/submit/")
    point.refresh_from_db()
    assert point.status == RiskStatus.SUBMITTED
    assert 'data-testid="submit-risk"' not in client.get(f"/risks/{point.pk}/").content.decode()


def test_a_different_grade_without_reason_is_a_form_error(org, client):
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    page = client.post(f"/risks/new/?scope=post&post={org.post_a1.pk}", _form(grade="3"))
    assert page.status_code == 200 and "矩阵建议" in page.content.decode()
    assert not RiskPoint.objects.exists()


def test_pages_refuse_outside_scope(org, client):
    holder = person_holding(org.post_a1, username="jcg")
    client.force_login(holder.user)
    assert client.get(f"/risks/new/?scope=post&post={org.post_a2.pk}").status_code == 403
    assert client.post(f"/risks/new/?scope=post&post={org.post_a2.pk}", _form()).status_code == 403
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    client.post(f"/risks/new/?scope=post&post={org.post_a1.pk}", _form())
    point = RiskPoint.objects.get()
    client.force_login(org.users["outsider"])
    assert client.get(f"/risks/{point.pk}/").status_code == 403
    assert client.get("/risks/").status_code == 403


def test_register_queries_do_not_grow(org, client):
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    client.post(f"/risks/new/?scope=post&post={org.post_a1.pk}", _form())

    def count():
        client.get("/risks/")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/risks/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for i in range(15):
        client.post(f"/risks/new/?scope=department&department={org.dept_a2.pk}", _form(description=f"风险{i}"))
    assert RiskPoint.objects.count() == 16
    assert count() == few
