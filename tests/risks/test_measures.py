"""Prevention measures: checkable, owned, evidenced, and chased when overdue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Notification
from core.todo import todos_for
from org.models import Role
from risks import services
from risks.models import Measure, MeasureStatus, MeasureType
from tests.factories import person_holding
from tests.risks.test_approval import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(org, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    staff = org.users[Role.DISCIPLINE_STAFF]
    owner = person_holding(org.post_a1, username="owner")
    point = record(staff, post=org.post_a2)
    return staff, owner, point


def add(staff, point, owner, **kw):
    values = {
        "type": MeasureType.objects.get(name="制度"),
        "description": "审查意见实行科长复核",
        "check_method": "纪检监察室每季度抽查复核记录",
        "owner": owner,
        "deadline": timezone.localdate() + dt.timedelta(days=30),
        **kw,
    }
    return services.measure_create(user=staff, point=point, **values)


def test_a_measure_must_say_how_it_is_checked(org, setup):
    staff, owner, point = setup
    with pytest.raises(ValidationError) as exc:
        add(staff, point, owner, check_method="  ")
    assert "check_method" in exc.value.message_dict
    outsider_person = person_holding(org.post_b1, username="b")
    with pytest.raises(ValidationError) as exc:
        add(staff, point, outsider_person)
    assert "owner" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        add(owner.user, point, owner)  # the owner of a measure does not manage the point
    assert not Measure.objects.exists()


def test_the_owner_reports_progress_with_evidence(setup):
    staff, owner, point = setup
    measure = add(staff, point, owner)
    with pytest.raises(ValidationError) as exc:
        services.measure_update(user=owner.user, measure=measure, status=MeasureStatus.DONE)
    assert "evidence_note" in exc.value.message_dict
    bad = SimpleUploadedFile("run.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        services.measure_update(user=owner.user, measure=measure, status=MeasureStatus.DONE, evidence=bad)
    assert "evidence" in exc.value.message_dict
    with pytest.raises(PermissionDenied):  # the owner reports progress but does not rewrite the measure
        services.measure_update(user=owner.user, measure=measure, description="改")
    pdf = SimpleUploadedFile("复核记录.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    services.measure_update(user=owner.user, measure=measure, status=MeasureStatus.DONE, evidence=pdf)
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE and measure.done_on == timezone.localdate()
    assert measure.evidence.read() == b"%PDF-1.4 test"


def test_evidence_is_served_only_within_scope(org, setup, client):
    staff, owner, point = setup
    measure = add(staff, point, owner)
    pdf = SimpleUploadedFile("e.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    services.measure_update(user=staff, measure=measure, status=MeasureStatus.DONE, evidence=pdf)
    url = f"/risks/measures/{measure.pk}/evidence/"
    client.force_login(org.users["outsider"])
    assert client.get(url).status_code == 403
    client.force_login(owner.user)
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 x"


def test_overdue_measures_are_chased_once(org, setup):
    staff, owner, point = setup
    late = add(staff, point, owner, deadline=timezone.localdate() - dt.timedelta(days=2))
    add(staff, point, owner, deadline=timezone.localdate() + dt.timedelta(days=3), description="每月廉政谈话")
    add(staff, point, owner, deadline=timezone.localdate() + dt.timedelta(days=60), description="远期措施")
    assert services.measures_notify_overdue() == 1
    assert services.measures_notify_overdue() == 0  # a second run (or a retried job) sends nothing
    note = Notification.objects.get(recipient=owner.user)
    assert str(late.pk) in note.key
    todos = {i.url: i.count for i in todos_for(owner.user)}
    assert todos["/risks/measures/?overdue=1"] == 1 and todos["/risks/measures/"] == 1
    # a new deadline is a new chase
    Measure.objects.filter(pk=late.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    assert services.measures_notify_overdue() == 1


def test_measure_pages(org, setup, client):
    staff, owner, point = setup
    client.force_login(staff)
    response = client.post(
        f"/risks/{point.pk}/measures/new/",
        {
            "type": MeasureType.objects.get(name="监督").pk,
            "description": "重大事项集体研究",
            "check_method": "",
            "owner": owner.pk,
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 200 and not Measure.objects.exists()  # form error shown
    response = client.post(
        f"/risks/{point.pk}/measures/new/",
        {
            "type": MeasureType.objects.get(name="监督").pk,
            "description": "重大事项集体研究",
            "check_method": "查阅会议记录",
            "owner": owner.pk,
            "deadline": "2026-12-31",
        },
    )
    assert response.status_code == 302
    measure = Measure.objects.get()
    assert "重大事项集体研究" in client.get(f"/risks/{point.pk}/").content.decode()
    client.force_login(owner.user)
    page = client.get("/risks/measures/").content.decode()
    assert "重大事项集体研究" in page
    response = client.post(
        f"/risks/measures/{measure.pk}/?what=progress", {"status": "done", "evidence_note": "已建立集体研究制度"}
    )
    assert response.status_code == 302
    measure.refresh_from_db()
    assert measure.status == MeasureStatus.DONE
    client.force_login(org.users["outsider"])
    assert client.get(f"/risks/measures/{measure.pk}/").status_code == 403
