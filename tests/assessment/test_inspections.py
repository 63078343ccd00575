"""Half-year self-inspections built from the unit's own measures, all-or-nothing submit,
the district's review; education ledger, talks and spot checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessment import selectors, services
from assessment.models import Checkpoint, InspectionStatus, SelfInspection, TalkDuty
from core.models import Notification
from org.models import Role
from tests.assessment.conftest import approved_point, measure

pytestmark = pytest.mark.django_db

REPORT = {
    "report_measures": "措施针对性强，律师会见登记制度有效。",
    "report_conduct": "干部廉洁自律情况良好。",
    "report_weaknesses": "案件流程监控仍有盲点。",
}


@pytest.fixture
def inspection(org, people, cu_a):
    point = approved_point(org)
    measure(point, people.cadre, deadline=dt.date(2026, 5, 31), text="律师会见登记")
    measure(
        point, people.cadre, deadline=dt.date(2026, 6, 30), status="done", done_on=dt.date(2026, 6, 1), text="双人办案"
    )
    measure(point, people.cadre, deadline=dt.date(2026, 6, 30), status="cancelled", text="已取消的措施")
    draft = approved_point(org, description="草稿风险点")
    draft.status = "draft"
    draft.save()
    measure(draft, people.cadre, deadline=dt.date(2026, 6, 30), text="草稿点的措施")
    checkpoint = Checkpoint.objects.get(cycle=cu_a.cycle, half=1)
    return services.inspection_start(user=org.users[Role.LEADING_GROUP_OFFICE], cycle_unit=cu_a, checkpoint=checkpoint)


def test_it_is_built_from_the_units_own_measures(inspection):
    items = {i.measure_text: i for i in inspection.items.all()}
    assert set(items) == {"律师会见登记", "双人办案"}  # not cancelled ones, not a draft point's
    assert items["双人办案"].carried_out == "yes" and items["律师会见登记"].carried_out == ""


def test_submitting_without_the_required_items_changes_nothing(org, inspection):
    office = org.users[Role.LEADING_GROUP_OFFICE]
    open_item = inspection.items.get(measure_text="律师会见登记")
    with pytest.raises(ValidationError) as exc:
        services.inspection_save(
            user=office,
            inspection=inspection,
            answers={open_item.pk: {"carried_out": "yes", "evidence_note": ""}},
            report={"report_measures": "写了一部分"},
            submit=True,
        )
    errors = exc.value.message_dict
    assert "items" in errors and "report_conduct" in errors and "report_weaknesses" in errors
    inspection.refresh_from_db()
    open_item.refresh_from_db()
    assert inspection.status == InspectionStatus.DRAFT and inspection.report_measures == ""
    assert open_item.carried_out == ""  # the answer given with the failed submit was not kept


def test_submit_accept_and_return(org, inspection):
    office, district = org.users[Role.LEADING_GROUP_OFFICE], org.users[Role.DISCIPLINE_COMMISSION]
    answers = {i.pk: {"carried_out": "partly", "evidence_note": "登记簿第1-20页"} for i in inspection.items.all()}
    services.inspection_save(
        user=office, inspection=inspection, answers=answers, report=REPORT, submit=True, today=dt.date(2026, 7, 16)
    )
    inspection.refresh_from_db()
    assert inspection.status == InspectionStatus.SUBMITTED and inspection.on_time is False  # a day late
    assert Notification.objects.filter(recipient=district, key__startswith=f"inspection-submitted:{inspection.pk}")
    with pytest.raises(PermissionDenied):  # the unit does not review itself
        services.inspection_review(user=org.users[Role.UNIT_CHIEF], inspection=inspection, accept=True)
    with pytest.raises(ValidationError):  # returning says why
        services.inspection_review(user=district, inspection=inspection, accept=False)
    services.inspection_review(user=district, inspection=inspection, accept=False, note="证据不充分")
    with pytest.raises(ValidationError):
        services.inspection_review(user=district, inspection=inspection, accept=True)
    services.inspection_save(user=office, inspection=inspection, answers={}, report=REPORT, submit=True)
    inspection.refresh_from_db()
    assert inspection.on_time is False  # a late first submission stays late
    services.inspection_review(user=district, inspection=inspection, accept=True)
    assert SelfInspection.objects.get(pk=inspection.pk).status == InspectionStatus.ACCEPTED
    with pytest.raises(ValidationError):  # accepted: locked
        services.inspection_save(user=office, inspection=inspection, answers={}, report=REPORT)


def test_inspection_page_shows_the_errors_and_keeps_what_was_typed(org, inspection, client):
    client.force_login(org.users[Role.LEADING_GROUP_OFFICE])
    item = inspection.items.get(measure_text="律师会见登记")
    response = client.post(
        f"/assessment/inspections/{inspection.pk}/",
        {f"item-{item.pk}-carried_out": "no", f"item-{item.pk}-evidence_note": "人手不足未落实", "submit": "1"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="field-error"' in page
    assert "人手不足未落实" in page
    assert SelfInspection.objects.get(pk=inspection.pk).status == InspectionStatus.DRAFT


def test_education_ledger_flags_missed_months(org, people, cu_a):
    office = org.users[Role.LEADING_GROUP_OFFICE]
    common = {
        "place": "三楼会议室",
        "form": "lecture",
        "topic": "廉政党课",
        "content": "学习条例",
        "participant_count": 30,
    }
    with pytest.raises(ValidationError) as exc:
        services.education_record(user=office, unit=org.unit_a, held_on=dt.date(2026, 1, 20), minutes=45, **common)
    assert "minutes" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.education_record(
            user=org.users[Role.CADRE], unit=org.unit_a, held_on=dt.date(2026, 1, 20), minutes=60, **common
        )
    for day in (dt.date(2026, 1, 20), dt.date(2026, 1, 27), dt.date(2026, 3, 5)):
        services.education_record(
            user=office, unit=org.unit_a, held_on=day, minutes=60, participants=[people.cadre], **common
        )
    missed = selectors.missed_months([org.unit_a.pk, org.unit_b.pk], 2026, dt.date(2026, 5, 10))
    assert missed == {org.unit_a.pk: [2, 4], org.unit_b.pk: [1, 2, 3, 4]}


def test_talk_duties_and_missing_talks(org, people, cu_a):
    services.talk_duties_refresh(cycle_unit=cu_a, day=dt.date(2026, 3, 1))
    pairs = set(TalkDuty.objects.filter(cycle_unit=cu_a).values_list("leader__name", "cadre__name"))
    assert pairs == {
        ("检察长甲", "科长甲"),  # the chief leads the department head
        ("检察长甲", "副检察长甲"),  # and the deputy
        ("科长甲", people.cadre.name),  # the head leads the department's cadre
    }
    with pytest.raises(PermissionDenied):  # a cadre does not record the head's talks
        services.talk_record(
            user=people.cadre.user,
            leader=people.head,
            cadre=people.cadre,
            kind="routine",
            held_on=dt.date(2026, 3, 2),
            summary="谈工作",
        )
    for day in (dt.date(2026, 3, 2), dt.date(2026, 9, 2)):
        services.talk_record(
            user=people.head.user, leader=people.head, cadre=people.cadre, kind="routine", held_on=day, summary="谈心"
        )
    services.talk_record(
        user=people.chief.user,
        leader=people.chief,
        cadre=people.head,
        kind="routine",
        held_on=dt.date(2026, 4, 1),
        summary="谈心",
    )
    missing = {(d.leader.name, d.cadre.name, d.held) for d in selectors.missing_talks(cu_a)}
    assert missing == {("检察长甲", "科长甲", 1), ("检察长甲", "副检察长甲", 0)}


def test_spot_check_requires_its_rectification(org, cu_a):
    district = org.users[Role.DISCIPLINE_COMMISSION]
    common = {
        "kind": "unannounced",
        "subject": "节日期间公车使用",
        "checked_on": dt.date(2026, 2, 1),
        "checkers": "区纪委第一室",
    }
    with pytest.raises(PermissionDenied):
        services.spotcheck_record(user=org.users[Role.UNIT_CHIEF], unit=org.unit_a, findings="无", **common)
    with pytest.raises(ValidationError) as exc:
        services.spotcheck_record(
            user=district, unit=org.unit_a, findings="公车私用1次", rectification_required=True, **common
        )
    assert "rectification" in exc.value.message_dict
    check = services.spotcheck_record(
        user=district,
        unit=org.unit_a,
        findings="公车私用1次",
        rectification_required=True,
        rectification="建立公车使用登记",
        rectification_due=dt.date(2026, 3, 1),
        cycle=cu_a.cycle,
        **common,
    )
    assert check.rectification_open
    services.spotcheck_rectified(user=org.users[Role.LEADING_GROUP_OFFICE], spot_check=check, report="已建立登记制度")
    check.refresh_from_db()
    assert not check.rectification_open


def test_spot_check_pages(org, cu_a, client):
    client.force_login(org.users[Role.DISCIPLINE_COMMISSION])
    response = client.post(
        f"/assessment/units/{cu_a.pk}/spotchecks/new/",
        {
            "kind": "special",
            "subject": "大额资金使用",
            "checked_on": "2026-02-01",
            "checkers": "区纪委",
            "findings": "审批单缺签",
            "rectification_required": "on",
        },
    )
    assert response.status_code == 200 and 'data-testid="field-error"' in response.content.decode()
    from assessment.models import SpotCheck

    assert not SpotCheck.objects.exists()
    client.post(
        f"/assessment/units/{cu_a.pk}/spotchecks/new/",
        {
            "kind": "special",
            "subject": "大额资金使用",
            "checked_on": "2026-02-01",
            "checkers": "区纪委",
            "findings": "审批单缺签",
            "rectification_required": "on",
            "rectification": "补签",
            "rectification_due": "2026-03-01",
        },
    )
    check = SpotCheck.objects.get()
    client.force_login(org.users[Role.LEADING_GROUP_OFFICE])
    client.post(f"/assessment/spotchecks/{check.pk}/", {"report": "已补签"})
    check.refresh_from_db()
    assert check.rectified_on is not None
