"""/api/v1/assessment/: the same services and permissions as the pages; bad input is a 400
with field errors and changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from assessment import services
from assessment.models import Ballot, Commitment, CommitmentItem, CycleUnit, Stage
from core.models import Notification
from org.models import Role
from tests.assessment.conftest import approved_point, measure

pytestmark = pytest.mark.django_db


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def test_open_a_cycle_and_move_a_unit(org, people):
    district = org.users[Role.DISCIPLINE_COMMISSION]
    body = {
        "area": org.county.pk,
        "year": 2026,
        "commitment_due": "2026-03-31",
        "h1_opens": "2026-06-15",
        "h1_due": "2026-07-15",
        "h2_opens": "2026-12-01",
        "h2_due": "2026-12-31",
    }
    assert api(org.users[Role.UNIT_CHIEF]).post("/api/v1/assessment/cycles/", body, format="json").status_code == 403
    created = api(district).post("/api/v1/assessment/cycles/", body, format="json")
    assert created.status_code == 201, created.json()
    cycle_id = created.json()["id"]
    office = api(org.users[Role.LEADING_GROUP_OFFICE])
    units = office.get(f"/api/v1/assessment/units/?cycle={cycle_id}").json()["results"]
    assert [u["unit_name"] for u in units] == ["甲县检察院"]  # the office sees its own unit only
    cu = units[0]["id"]
    skipped = office.post(f"/api/v1/assessment/units/{cu}/advance/", {"stage": "check"}, format="json")
    assert skipped.status_code == 400 and "stage" in skipped.json()
    detail = office.get(f"/api/v1/assessment/units/{cu}/").json()
    assert detail["stage"] == "plan" and len(detail["blockers"]) == 2
    office.post(f"/api/v1/assessment/units/{cu}/rules/", {"note": "实施细则"}, format="json")
    measure(approved_point(org), people.cadre, deadline=dt.date(2026, 6, 30))
    moved = office.post(f"/api/v1/assessment/units/{cu}/advance/", {"stage": "do"}, format="json")
    assert moved.status_code == 200 and moved.json()["stage"] == Stage.DO
    assert api(org.users["outsider"]).get(f"/api/v1/assessment/units/{cu}/").status_code == 404


def test_a_commitment_through_the_api_is_locked_after_approval(org, people, cycle):
    cadre = api(people.cadre.user)
    filed = cadre.post(
        "/api/v1/assessment/commitments/", {"cycle": cycle.pk, "own_items": ["不收礼"], "submit": True}, format="json"
    )
    assert filed.status_code == 201 and len(filed.json()["items"]) == 6
    pk = filed.json()["id"]
    deputy = api(org.users[Role.DEPUTY_IN_CHARGE])
    assert [c["id"] for c in deputy.get("/api/v1/assessment/commitments/?to_approve=1").json()["results"]] == [pk]
    assert (
        api(org.users[Role.UNIT_CHIEF])
        .post(f"/api/v1/assessment/commitments/{pk}/decide/", {"approve": True}, format="json")
        .status_code
        == 403
    )
    assert (
        deputy.post(f"/api/v1/assessment/commitments/{pk}/decide/", {"approve": True}, format="json").status_code == 200
    )
    items = list(CommitmentItem.objects.filter(commitment_id=pk).values_list("text", flat=True))
    changed = cadre.patch(f"/api/v1/assessment/commitments/{pk}/", {"own_items": ["改了"]}, format="json")
    assert changed.status_code == 400 and "non_field_errors" in changed.json()
    assert list(CommitmentItem.objects.filter(commitment_id=pk).values_list("text", flat=True)) == items
    assert Commitment.objects.get(pk=pk).status == "approved"


def test_a_self_inspection_without_its_required_items_is_a_400(org, people, cu_a):
    measure(approved_point(org), people.cadre, deadline=dt.date(2026, 6, 30))
    office = api(org.users[Role.LEADING_GROUP_OFFICE])
    started = office.post("/api/v1/assessment/inspections/", {"cycle_unit": cu_a.pk, "half": 1}, format="json")
    assert started.status_code == 201
    pk, item = started.json()["id"], started.json()["items"][0]["id"]
    missing = office.post(f"/api/v1/assessment/inspections/{pk}/answers/", {"submit": True}, format="json")
    assert missing.status_code == 400 and {"items", "report_measures"} <= set(missing.json())
    done = office.post(
        f"/api/v1/assessment/inspections/{pk}/answers/",
        {
            "answers": [{"id": item, "carried_out": "yes", "evidence_note": "台账"}],
            "report_measures": "有效",
            "report_conduct": "良好",
            "report_weaknesses": "流程监控",
            "submit": True,
        },
        format="json",
    )
    assert done.status_code == 200 and done.json()["status"] == "submitted"
    district = api(org.users[Role.DISCIPLINE_COMMISSION])
    assert [i["id"] for i in district.get("/api/v1/assessment/inspections/?to_review=1").json()["results"]] == [pk]
    refused = district.post(f"/api/v1/assessment/inspections/{pk}/review/", {"accept": False}, format="json")
    assert refused.status_code == 400 and "note" in refused.json()
    accepted = district.post(f"/api/v1/assessment/inspections/{pk}/review/", {"accept": True}, format="json")
    assert accepted.json()["status"] == "accepted"


def test_a_mark_without_a_reason_is_a_400(org, cu_a, cycle):
    district = api(org.users[Role.DISCIPLINE_COMMISSION])
    manual = cycle.indicators.get(source="manual")
    bad = district.post(
        f"/api/v1/assessment/units/{cu_a.pk}/marks/", {"indicator": manual.pk, "points": "12"}, format="json"
    )
    assert bad.status_code == 400 and "reason" in bad.json()
    good = district.post(
        f"/api/v1/assessment/units/{cu_a.pk}/marks/",
        {"indicator": manual.pk, "points": "12", "reason": "抽查发现问题两处"},
        format="json",
    )
    assert good.status_code == 200 and good.json()["score_total"] == "12.00"


def test_ballots_through_the_api_one_per_token(org, people, cu_a):
    office = api(org.users[Role.LEADING_GROUP_OFFICE])
    created = office.post(
        "/api/v1/assessment/evaluations/",
        {
            "unit": org.unit_a.pk,
            "cycle": cu_a.cycle_id,
            "subject_kind": "unit",
            "title": "测评",
            "closes_on": str(dt.date.today()),
        },
        format="json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    issued = office.post(
        f"/api/v1/assessment/evaluations/{pk}/issue/", {"participants": [people.cadre.pk]}, format="json"
    )
    assert issued.status_code == 200 and issued.json()["printed_codes"] == []
    code = Notification.objects.get(recipient=people.cadre.user, key=f"evaluation-token:{pk}").url.rsplit("/", 2)[-2]
    ballot = {"token": code, "answers": {str(i): 1 for i in range(5)}}
    assert api().post("/api/v1/assessment/ballots/", ballot, format="json").status_code == 201  # no sign-in
    again = api().post("/api/v1/assessment/ballots/", ballot, format="json")
    assert again.status_code == 400 and "token" in again.json()
    assert Ballot.objects.count() == 1
    closed = office.post(f"/api/v1/assessment/evaluations/{pk}/close/", format="json").json()
    assert (closed["response_rate"], closed["satisfaction"], closed["figures"]["used"]) == ("100.0", "100.0", 1)


def test_ledger_talks_and_spot_checks(org, people, cu_a):
    office, district = api(org.users[Role.LEADING_GROUP_OFFICE]), api(org.users[Role.DISCIPLINE_COMMISSION])
    session = {
        "unit": org.unit_a.pk, "held_on": "2026-01-20", "minutes": 30, "place": "会议室", "form": "lecture",
        "topic": "党课", "content": "学习", "participant_count": 12,
    }  # fmt: skip
    short = office.post("/api/v1/assessment/education/", session, format="json")
    assert short.status_code == 400 and "minutes" in short.json()
    assert office.post("/api/v1/assessment/education/", {**session, "minutes": 75}, format="json").status_code == 201
    assert len(district.get(f"/api/v1/assessment/education/?unit={org.unit_a.pk}&year=2026").json()["results"]) == 1
    talk = {
        "leader": people.head.pk,
        "cadre": people.cadre.pk,
        "kind": "routine",
        "held_on": "2026-02-01",
        "summary": "谈心",
    }
    assert api(people.head.user).post("/api/v1/assessment/talks/", talk, format="json").status_code == 201
    assert api(people.cadre.user).get("/api/v1/assessment/talks/").json()["results"] == []
    check = {
        "unit": org.unit_a.pk, "kind": "special", "subject": "大额资金使用", "checked_on": "2026-02-01",
        "checkers": "区纪委", "findings": "审批单缺签", "rectification_required": True,
    }  # fmt: skip
    assert office.post("/api/v1/assessment/spotchecks/", check, format="json").status_code == 404
    missing = district.post("/api/v1/assessment/spotchecks/", check, format="json")
    assert missing.status_code == 400 and "rectification" in missing.json()
    made = district.post(
        "/api/v1/assessment/spotchecks/",
        {**check, "rectification": "补签", "rectification_due": "2026-03-01"},
        format="json",
    )
    assert made.status_code == 201
    done = office.post(
        f"/api/v1/assessment/spotchecks/{made.json()['id']}/rectified/", {"report": "已补签"}, format="json"
    )
    assert done.status_code == 200 and done.json()["rectified_on"]
    assert CycleUnit.objects.get(pk=cu_a.pk).stage == "plan"
    services.scores_compute(cycle=cu_a.cycle)
    ranking = district.get(f"/api/v1/assessment/cycles/{cu_a.cycle_id}/ranking/").json()["results"]
    assert [r["score_rank"] for r in ranking] == sorted(r["score_rank"] for r in ranking)
