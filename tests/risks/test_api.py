"""/api/v1/risks/: the same rules as the pages, 400 with field errors, scoped reads."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from org.models import Role
from risks.models import MeasureType, RiskCategory, RiskPoint, RiskStatus
from tests.factories import person_holding

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def body(**kw):
    return {
        "scope": "post",
        "category": RiskCategory.objects.get(name="岗位职责").pk,
        "kind": "integrity",
        "description": "审查中收受财物",
        "source": "self",
        "likelihood": 1,
        "consequence": 1,
        **kw,
    }


def test_cadre_records_submits_and_head_approves_through_the_api(org):
    cadre = person_holding(org.post_a1, username="jc")
    response = api(cadre.user).post("/api/v1/risks/", body(post=org.post_a1.pk), format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert api(cadre.user).post("/api/v1/risks/", body(post=org.post_a2.pk), format="json").status_code == 403
    bad = api(cadre.user).post("/api/v1/risks/", body(post=org.post_a1.pk, grade=3), format="json")
    assert bad.status_code == 400 and "grade_reason" in bad.json()
    assert api(cadre.user).post(f"/api/v1/risks/{pk}/submit/").status_code == 200
    head = org.users[Role.DEPARTMENT_HEAD]
    queue = api(head).get("/api/v1/risks/reviews/").json()
    assert [r["status"] for r in queue["results"]] == ["pending"]
    no_comment = api(head).post(f"/api/v1/risks/{pk}/decide/", {"decision": "return"}, format="json")
    assert no_comment.status_code == 400 and "comment" in no_comment.json()
    assert (
        api(org.users[Role.DEPUTY_IN_CHARGE])
        .post(f"/api/v1/risks/{pk}/decide/", {"decision": "approve"}, format="json")
        .status_code
        == 403
    )
    done = api(head).post(f"/api/v1/risks/{pk}/decide/", {"decision": "approve", "comment": "同意"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == RiskStatus.APPROVED
    assert done.json()["reviews"][0]["comment"] == "同意"
    again = api(head).post(f"/api/v1/risks/{pk}/decide/", {"decision": "approve"}, format="json")
    assert again.status_code == 400


def test_reads_are_scoped(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    created = api(staff).post("/api/v1/risks/", body(post=org.post_a1.pk), format="json").json()
    assert api(org.users["outsider"]).get(f"/api/v1/risks/{created['id']}/").status_code == 404
    assert api(org.users["outsider"]).get("/api/v1/risks/").json()["results"] == []
    rows = api(org.users[Role.DISCIPLINE_COMMISSION]).get("/api/v1/risks/").json()["results"]
    assert [r["id"] for r in rows] == [created["id"]]
    assert APIClient().get("/api/v1/risks/").status_code in (401, 403)


def test_measures_through_the_api(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    owner = person_holding(org.post_a1, username="owner")
    pk = api(staff).post("/api/v1/risks/", body(post=org.post_a1.pk), format="json").json()["id"]
    url = f"/api/v1/risks/{pk}/measures/"
    measure = {
        "type": MeasureType.objects.get(name="教育").pk,
        "description": "每季度廉政谈话",
        "check_method": "查谈话记录",
        "owner": owner.pk,
        "deadline": "2026-12-31",
    }
    missing = api(staff).post(url, {**measure, "check_method": ""}, format="json")
    assert missing.status_code == 400 and "check_method" in missing.json()
    created = api(staff).post(url, measure, format="json")
    assert created.status_code == 201
    mid = created.json()["id"]
    mine = api(owner.user).get("/api/v1/risks/measures/?mine=1").json()["results"]
    assert [m["id"] for m in mine] == [mid]
    progress = api(owner.user).patch(
        f"/api/v1/risks/measures/{mid}/", {"status": "done", "evidence_note": "已谈话12人次"}, format="json"
    )
    assert progress.status_code == 200 and progress.json()["status"] == "done"
    assert api(org.users["outsider"]).patch(f"/api/v1/risks/measures/{mid}/", {"status": "planned"}).status_code == 403
    assert RiskPoint.objects.get(pk=pk).measures.count() == 1
