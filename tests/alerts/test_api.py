"""/api/v1/alerts/: issuing within one's authority, replies, the archive and petitions."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from org.models import Role
from tests.factories import person_holding

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_warning_round_trip_through_the_api(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    holder = person_holding(org.post_a1, username="jcg")
    body = {
        "level": 2,
        "target_kind": "post",
        "post": org.post_a1.pk,
        "title": "苗头性问题",
        "facts": "多次私下接触当事人亲属",
        "disposals": ["talk"],
    }
    assert api(staff).post("/api/v1/alerts/warnings/", {**body, "level": 1}, format="json").status_code == 403
    bad = api(staff).post("/api/v1/alerts/warnings/", {**body, "disposals": []}, format="json")
    assert bad.status_code == 400 and "disposals" in bad.json()
    created = api(staff).post("/api/v1/alerts/warnings/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert [w["id"] for w in api(holder.user).get("/api/v1/alerts/warnings/?mine=1").json()["results"]] == [pk]
    assert api(org.users["outsider"]).get(f"/api/v1/alerts/warnings/{pk}/").status_code == 404
    missing = api(holder.user).post(f"/api/v1/alerts/warnings/{pk}/reply/", {"cause_analysis": "x"}, format="json")
    assert missing.status_code == 400 and "measures" in missing.json()
    replied = api(holder.user).post(
        f"/api/v1/alerts/warnings/{pk}/reply/", {"cause_analysis": "认识不足", "measures": "主动报告"}, format="json"
    )
    assert replied.status_code == 200 and replied.json()["status"] == "replied"
    assert api(holder.user).post(f"/api/v1/alerts/warnings/{pk}/review/", {"accept": True}).status_code == 403
    assert api(staff).post(f"/api/v1/alerts/warnings/{pk}/review/", {"accept": True}).json()["status"] == "accepted"
    closed = api(staff).post(f"/api/v1/alerts/warnings/{pk}/close/", {"note": "已核实"}, format="json")
    assert closed.json()["status"] == "closed"
    late = api(holder.user).post(
        f"/api/v1/alerts/warnings/{pk}/reply/", {"cause_analysis": "a", "measures": "b"}, format="json"
    )
    assert late.status_code == 400  # a reply after closure


def test_archive_and_petitions_are_for_their_roles(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    info = {"kind": "tip", "source": "event", "title": "年底集中采购", "content": "…", "node": org.unit_a.pk}
    assert api(staff).post("/api/v1/alerts/info/", {**info, "trigger_date": "2099-01-01"}).status_code == 400
    assert api(staff).post("/api/v1/alerts/info/", {**info, "trigger_date": "2026-11-02"}).status_code == 201
    assert (
        api(org.users[Role.CADRE]).post("/api/v1/alerts/info/", {**info, "trigger_date": "2026-11-02"}).status_code
        == 403
    )
    assert len(api(org.users[Role.UNIT_CHIEF]).get("/api/v1/alerts/info/").json()["results"]) == 1
    assert api(org.users["outsider"]).get("/api/v1/alerts/info/").json()["results"] == []
    petition = {
        "channel": "phone",
        "kind": "complaint",
        "node": org.unit_a.pk,
        "subject": "窗口推诿",
        "content": "…",
        "received_on": "2026-11-02",
        "is_anonymous": True,
        "reporter_name": "不保存",
    }
    created = api(staff).post("/api/v1/alerts/petitions/", petition, format="json")
    assert created.status_code == 201 and created.json()["reporter_name"] == ""
    assert api(org.users[Role.UNIT_CHIEF]).get("/api/v1/alerts/petitions/").json()["results"] == []
    pk = created.json()["id"]
    answered = api(staff).post(f"/api/v1/alerts/petitions/{pk}/answer/", {"reply": "已整改"}, format="json")
    assert answered.json()["status"] == "answered"
