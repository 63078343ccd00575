"""Warning pages, the archive, petitions, and the public report with its receipt code."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alerts import services
from alerts.models import Petition, PetitionStatus, RiskWarning
from org.models import Role
from tests.alerts.test_services import issue
from tests.factories import person_holding

pytestmark = pytest.mark.django_db

REPORTER_IP = "203.0.113.77"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def report(client, **kw):
    data = {
        "unit": "",
        "kind": "report",
        "subject": "某科长收受礼金",
        "content": "2026年春节前，某科长收受管理服务对象礼金。",
        "name": "",
        "contact": "",
        **kw,
    }
    return client.post("/public/report/", data, REMOTE_ADDR=REPORTER_IP)


def test_anonymous_report_round_trip_leaves_no_trace_of_the_reporter(org, client, caplog):
    caplog.set_level(logging.DEBUG)
    sessions = Session.objects.count()
    assert report(client).status_code == 200  # no unit: the form says so
    assert not Petition.objects.exists()
    page = report(client, unit=str(org.unit_a.pk)).content.decode()
    petition = Petition.objects.get()
    code = page.split('data-testid="receipt-code">')[1].split("<")[0]
    assert len(code.replace("-", "")) == 20 and petition.is_anonymous
    assert code not in str(petition.receipt_hash)
    assert not petition.history.exists()  # no audit row timestamped to the second of sending
    # the office takes it on and answers; the reporter reads the answer with the code
    staff = org.users[Role.DISCIPLINE_STAFF]
    services.petition_assign(user=staff, petition=petition, assignee=staff)
    services.petition_answer(user=staff, petition=petition, findings="经核实，情况属实", reply="已立案处理，感谢监督。")
    found = client.post("/public/report/check/", {"code": code.lower()}, REMOTE_ADDR=REPORTER_IP).content.decode()
    assert "已立案处理，感谢监督。" in found
    wrong = client.post("/public/report/check/", {"code": "AAAAA-AAAAA-AAAAA-AAAAA"}).content.decode()
    assert 'data-testid="no-such-code"' in wrong and "已立案处理" not in wrong
    # nothing identifies the reporter: database (with its audit trail), logs, sessions
    out = io.StringIO()
    call_command("dumpdata", stdout=out)
    dump = out.getvalue()
    assert REPORTER_IP not in dump and code not in dump and code.replace("-", "") not in dump
    assert REPORTER_IP not in caplog.text and code not in caplog.text
    assert Session.objects.count() == sessions
    history = petition.history.first()
    assert not hasattr(history, "reporter_name") and not hasattr(history, "receipt_hash")


def test_receipt_guesses_are_rate_limited(org, client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}}
    report(client, unit=str(org.unit_a.pk))
    for _i in range(10):
        assert client.post("/public/report/check/", {"code": "BBBBB-BBBBB-BBBBB-BBBBB"}).status_code == 200
    assert client.post("/public/report/check/", {"code": "CCCCC-CCCCC-CCCCC-CCCCC"}).status_code == 429


def test_a_named_report_keeps_the_name_for_staff_only(org, client):
    report(client, unit=str(org.unit_a.pk), name="张三", contact="13800000000")
    petition = Petition.objects.get()
    assert (petition.is_anonymous, petition.reporter_name) == (False, "张三")
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    assert "13800000000" in client.get(f"/alerts/petitions/{petition.pk}/").content.decode()
    client.force_login(org.users[Role.UNIT_CHIEF])  # not a petition handler
    assert client.get(f"/alerts/petitions/{petition.pk}/").status_code == 403
    client.force_login(org.users["outsider"])
    assert client.get("/alerts/petitions/").status_code == 403


def test_staff_handle_a_petition_into_information_and_a_warning(org, client):
    staff = org.users[Role.DISCIPLINE_STAFF]
    client.force_login(staff)
    response = client.post(
        f"/alerts/petitions/new/?node={org.unit_a.pk}",
        {
            "channel": "letter",
            "kind": "report",
            "subject": "违规接受宴请",
            "content": "……",
            "received_on": "2026-11-02",
            "is_anonymous": "on",
            "reporter_name": "不该保存",
        },
    )
    petition = Petition.objects.get()
    assert response.status_code == 302 and petition.reporter_name == ""
    client.post(f"/alerts/petitions/{petition.pk}/take/")
    petition.refresh_from_db()
    assert petition.status == PetitionStatus.ASSIGNED and petition.assignee == staff
    client.post(
        f"/alerts/info/new/?node={org.unit_a.pk}&petition={petition.pk}",
        {
            "kind": "warning",
            "source": "petition",
            "title": "违规接受宴请",
            "content": "核实属实",
            "trigger_date": "2026-11-10",
        },
    )
    assert petition.infos.count() == 1
    page = client.get(f"/alerts/new/?unit={org.unit_a.pk}&petition={petition.pk}").content.decode()
    assert "违规接受宴请" in page


def test_warning_pages_for_issuer_target_and_outsider(org, client):
    staff = org.users[Role.DISCIPLINE_STAFF]
    holder = person_holding(org.post_a1, username="jcg")
    client.force_login(staff)
    page = client.get(f"/alerts/new/?post={org.post_a1.pk}").content.decode()
    assert 'name="level"' in page and 'value="1"' not in page  # staff may not issue red
    response = client.post(
        f"/alerts/new/?post={org.post_a1.pk}",
        {"level": "2", "title": "苗头性问题", "facts": "多次私下接触当事人亲属", "disposals": ["talk"]},
    )
    warning = RiskWarning.objects.get()
    assert response.status_code == 302
    client.force_login(holder.user)
    detail = client.get(f"/alerts/{warning.pk}/").content.decode()
    assert 'data-testid="reply-card"' in detail
    assert "苗头性问题" in client.get("/alerts/mine/").content.decode()
    notice = client.get(f"/alerts/{warning.pk}/notice.pdf")
    assert notice.status_code == 200 and b"".join(notice.streaming_content).startswith(b"%PDF")
    client.force_login(org.users["outsider"])
    assert client.get(f"/alerts/{warning.pk}/").status_code == 403
    assert client.get(f"/alerts/{warning.pk}/notice.pdf").status_code == 403
    client.force_login(org.users[Role.CADRE])  # a cadre of the unit, not the target
    assert client.get(f"/alerts/{warning.pk}/").status_code == 403
    assert client.get(f"/alerts/new/?post={org.post_a1.pk}").status_code == 403


@pytest.mark.parametrize("url", ["/alerts/", "/alerts/info/", "/alerts/petitions/", "/alerts/mine/"])
def test_alert_lists_queries_do_not_grow(org, client, url):
    staff = org.users[Role.DISCIPLINE_STAFF]
    client.force_login(staff)

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for i in range(n):
            issue(staff, org, target="department", title=f"预警{i}")
            services.info_record(
                user=staff,
                kind="tip",
                source="event",
                title=f"信息{i}",
                content="…",
                node=org.unit_a,
                trigger_date=dt.date(2026, 11, 2),
            )
            services.petition_register(
                user=staff,
                channel="phone",
                kind="complaint",
                node=org.unit_a,
                subject=f"投诉{i}",
                content="…",
                received_on=dt.date(2026, 11, 2),
            )

    add(1)
    few = count()
    add(6)
    assert count() == few


def test_a_warning_shows_on_the_risk_points_and_the_flowchart(org, client, make_power):
    from powers import services as power_services
    from tests.risks.test_approval import approved_points

    staff = org.users[Role.DISCIPLINE_STAFF]
    version = make_power()
    power_services.draft_publish(user=staff, version=version)
    [point] = approved_points(org, 1)
    type(point).objects.filter(pk=point.pk).update(power=version.power, step_key="S2")
    client.force_login(staff)
    flowchart = client.get(f"/powers/v/{version.pk}/").content.decode()
    assert 'class="step warned"' not in flowchart
    warning = issue(staff, org, target="department", risk_points=[point])
    detail = client.get(f"/risks/{point.pk}/").content.decode()
    assert 'data-testid="open-warning"' in detail and warning.number in detail
    flowchart = client.get(f"/powers/v/{version.pk}/").content.decode()
    assert flowchart.count('class="step warned"') == 1 and 'data-key="S2"' in flowchart
    public = client.get(f"/public/powers/{version.pk}/").content.decode()
    assert 'class="step warned"' not in public  # the public sees no warnings


def test_information_links_the_posts_people_and_points_it_concerns(org, client):
    from tests.risks.test_approval import approved_points

    [point] = approved_points(org, 1)
    holder = person_holding(org.post_a1, username="jcg")
    client.force_login(org.users[Role.DISCIPLINE_STAFF])
    response = client.post(
        f"/alerts/info/new/?node={org.unit_a.pk}",
        {
            "kind": "warning",
            "source": "audit",
            "title": "审计发现",
            "content": "……",
            "trigger_date": "2026-11-02",
            "posts": [org.post_a1.pk],
            "people": [holder.pk],
            "risk_points": [point.pk],
        },
    )
    assert response.status_code == 302
    info = services.RiskInfo.objects.get()
    assert (list(info.posts.all()), list(info.people.all()), list(info.risk_points.all())) == (
        [org.post_a1],
        [holder],
        [point],
    )
    page = client.get(f"/alerts/info/{info.pk}/").content.decode()
    assert holder.name in page and org.post_a1.name in page
    # a post of another unit is not offered
    other = client.post(
        f"/alerts/info/new/?node={org.unit_a.pk}",
        {
            "kind": "tip",
            "source": "event",
            "title": "x",
            "content": "x",
            "trigger_date": "2026-11-02",
            "posts": [org.post_b1.pk],
        },
    )
    assert other.status_code == 200 and services.RiskInfo.objects.count() == 1


def test_a_petition_is_assigned_to_someone_who_may_handle_it(org, client):
    staff = org.users[Role.DISCIPLINE_STAFF]
    petition = services.petition_register(
        user=staff,
        channel="visit",
        kind="petition",
        node=org.unit_a,
        subject="来访",
        content="…",
        received_on=dt.date(2026, 11, 2),
    )
    client.force_login(staff)
    chief = org.users[Role.UNIT_CHIEF]
    assert client.post(f"/alerts/petitions/{petition.pk}/take/", {"assignee": chief.pk}).status_code == 404
    commission = org.users[Role.DISCIPLINE_COMMISSION]
    client.post(f"/alerts/petitions/{petition.pk}/take/", {"assignee": commission.pk})
    petition.refresh_from_db()
    assert petition.assignee == commission and petition.status == PetitionStatus.ASSIGNED
    client.force_login(org.users[Role.UNIT_CHIEF])
    assert client.post(f"/alerts/petitions/{petition.pk}/take/").status_code == 403
