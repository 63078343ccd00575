"""Warnings: who may issue which colour, deadlines in working days, replies, escalation,
and the notice PDF."""

from __future__ import annotations

import datetime as dt
from io import BytesIO

import chinese_calendar
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from alerts import authority, services
from alerts.models import InfoKindRule, RiskWarning, WarningColour, WarningEvent, WarningStatus
from core.models import Notification
from org.models import Role
from tests.factories import UserFactory, person_holding, role

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def issue(user, org, level=2, target="post", **kw):
    where = {
        "unit": {"unit": org.unit_a},
        "department": {"department": org.dept_a1},
        "post": {"post": org.post_a1},
    }[target]
    values = {
        "title": "审查起诉环节存在违规接触当事人苗头",
        "facts": "群众反映该岗位人员多次与案件当事人亲属私下会面。",
        "disposals": ["talk", "correct"],
        **kw,
    }
    return services.warning_issue(user=user, level=level, target_kind=target, **where, **values)


# who may issue which colour (seed 000)
MATRIX = [
    # role, level, target, allowed
    (Role.DISCIPLINE_COMMISSION, 1, "unit", True),
    (Role.DISCIPLINE_COMMISSION, 2, "post", True),
    (Role.DISCIPLINE_COMMISSION, 3, "department", True),
    (Role.DISCIPLINE_STAFF, 1, "unit", False),
    (Role.DISCIPLINE_STAFF, 2, "post", True),
    (Role.LEADING_GROUP_OFFICE, 2, "department", True),
    (Role.UNIT_CHIEF, 2, "unit", True),
    (Role.UNIT_CHIEF, 1, "post", False),
    (Role.DEPUTY_IN_CHARGE, 3, "post", True),  # 公诉科 is in their charge
    (Role.DEPUTY_IN_CHARGE, 2, "post", False),
    (Role.DEPARTMENT_HEAD, 3, "department", True),
    (Role.DEPARTMENT_HEAD, 3, "unit", False),
    (Role.DEPARTMENT_HEAD, 2, "post", False),
    (Role.LEADING_GROUP_READER, 3, "post", False),
    (Role.CADRE, 3, "post", False),
    ("outsider", 3, "post", False),
]


@pytest.mark.parametrize(("who", "level", "target", "allowed"), MATRIX)
def test_issuing_authority(org, media, who, level, target, allowed):
    user = org.users[who]
    if allowed:
        warning = issue(user, org, level=level, target=target)
        assert warning.level == level and warning.notice.name.endswith(".pdf")
    else:
        with pytest.raises(PermissionDenied):
            issue(user, org, level=level, target=target)
        assert not RiskWarning.objects.exists()


def test_a_department_head_cannot_warn_another_department(org, media):
    head = UserFactory()
    role(head, Role.DEPARTMENT_HEAD, org.dept_a2)
    with pytest.raises(PermissionDenied):
        issue(head, org, level=3, target="post")


def test_red_needs_a_commission_above_the_unit(org, media):
    other = UserFactory()
    role(other, Role.DISCIPLINE_COMMISSION, org.other_county, below=True)
    with pytest.raises(PermissionDenied):
        issue(other, org, level=1, target="unit")
    assert authority.levels_for(org.users[Role.DISCIPLINE_COMMISSION], unit=org.unit_a, department=None) == [1, 2, 3]


def test_bad_input_is_refused_and_nothing_written(org, media):
    staff = org.users[Role.DISCIPLINE_STAFF]
    with pytest.raises(ValidationError) as exc:
        issue(staff, org, disposals=[])
    assert "disposals" in exc.value.message_dict
    with pytest.raises(ValidationError):
        issue(staff, org, disposals=["banish"])
    with pytest.raises(ValidationError) as exc:
        issue(staff, org, facts="  ")
    assert "facts" in exc.value.message_dict
    assert not RiskWarning.objects.exists() and not WarningEvent.objects.exists()


def _workdays_after(start: dt.date, n: int) -> dt.date:
    """An independent count on chinesecalendar."""
    day = start
    while n:
        day += dt.timedelta(days=1)
        n -= chinese_calendar.is_workday(day)
    return day


def test_reply_deadline_counts_working_days_across_the_national_day(org, media, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 9, 29))
    warning = issue(org.users[Role.DISCIPLINE_STAFF], org, level=2)
    assert warning.reply_due == _workdays_after(dt.date(2026, 9, 29), 10)
    assert warning.reply_due > dt.date(2026, 10, 8)  # the holiday is not counted


def test_info_entry_deadline_and_lateness(org):
    staff = org.users[Role.DISCIPLINE_STAFF]
    base = {"source": "audit", "title": "审计发现违规报销", "content": "2026年度审计发现……", "node": org.dept_a1}
    on_time = services.info_record(
        user=staff, kind="warning", trigger_date=dt.date(2026, 9, 29), today=dt.date(2026, 10, 9), **base
    )
    assert on_time.entry_deadline == _workdays_after(dt.date(2026, 9, 29), 7) and not on_time.is_late
    late = services.info_record(
        user=staff, kind="tip", trigger_date=dt.date(2026, 11, 2), today=dt.date(2026, 11, 9), **base
    )
    assert late.entry_deadline == dt.date(2026, 11, 5) and late.is_late
    learning = services.info_record(
        user=staff, kind="learning", trigger_date=dt.date(2025, 1, 2), today=dt.date(2026, 11, 9), **base
    )
    assert learning.entry_deadline is None and not learning.is_late
    InfoKindRule.objects.filter(kind="reminder").update(entry_days=2)
    reminder = services.info_record(
        user=staff, kind="reminder", trigger_date=dt.date(2026, 11, 2), today=dt.date(2026, 11, 4), **base
    )
    assert reminder.entry_deadline == dt.date(2026, 11, 4) and not reminder.is_late
    with pytest.raises(PermissionDenied):
        services.info_record(user=org.users[Role.CADRE], kind="tip", trigger_date=dt.date(2026, 11, 2), **base)


def test_reply_review_and_close(org, media):
    staff = org.users[Role.DISCIPLINE_STAFF]
    holder = person_holding(org.post_a1, username="jcg")
    warning = issue(staff, org)
    assert Notification.objects.filter(recipient=holder.user, key=f"warning-issued:{warning.pk}").exists()
    with pytest.raises(PermissionDenied):
        services.warning_reply(user=org.users["outsider"], warning=warning, cause_analysis="x", measures="y")
    with pytest.raises(ValidationError) as exc:
        services.warning_reply(user=holder.user, warning=warning, cause_analysis="", measures="y")
    assert "cause_analysis" in exc.value.message_dict
    bad = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    with pytest.raises(ValidationError):
        services.warning_reply(user=holder.user, warning=warning, cause_analysis="a", measures="b", attachment=bad)
    first = services.warning_reply(user=holder.user, warning=warning, cause_analysis="思想松懈", measures="主动报告")
    with pytest.raises(ValidationError):  # one reply at a time
        services.warning_reply(user=holder.user, warning=warning, cause_analysis="a", measures="b")
    with pytest.raises(ValidationError):
        services.reply_review(user=staff, reply=first, accept=False)  # say what more is needed
    services.reply_review(user=staff, reply=first, accept=False, note="整改措施要具体到时间")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.ISSUED
    second = services.warning_reply(
        user=holder.user, warning=warning, cause_analysis="思想松懈", measures="12月底前完成回避登记"
    )
    with pytest.raises(PermissionDenied):
        services.reply_review(user=org.users[Role.DEPARTMENT_HEAD], reply=second, accept=True)
    services.reply_review(user=staff, reply=second, accept=True)
    with pytest.raises(ValidationError):
        services.reply_review(user=staff, reply=second, accept=True)
    services.warning_close(user=staff, warning=warning, note="查阅回避登记簿，已落实")
    warning.refresh_from_db()
    assert warning.status == WarningStatus.CLOSED
    with pytest.raises(ValidationError):  # a reply after closure
        services.warning_reply(user=holder.user, warning=warning, cause_analysis="a", measures="b")
    assert list(warning.events.values_list("kind", flat=True)) == [
        "issued",
        "replied",
        "returned",
        "replied",
        "accepted",
        "closed",
    ]


def test_chase_reminds_then_escalates_once(org, media, monkeypatch):
    staff = org.users[Role.DISCIPLINE_STAFF]
    holder = person_holding(org.post_a1, username="jcg")
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: dt.date(2026, 11, 2))
    warning = issue(staff, org, reply_days=5)  # due Monday 9 November
    assert warning.reply_due == dt.date(2026, 11, 9)
    assert services.warnings_chase(today=dt.date(2026, 11, 3)) == {"reminded": 0, "escalated": 0}
    assert services.warnings_chase(today=dt.date(2026, 11, 5)) == {"reminded": 1, "escalated": 0}
    assert services.warnings_chase(today=dt.date(2026, 11, 6)) == {"reminded": 0, "escalated": 0}  # same key
    assert services.warnings_chase(today=dt.date(2026, 11, 10)) == {"reminded": 0, "escalated": 1}
    assert services.warnings_chase(today=dt.date(2026, 11, 11)) == {"reminded": 0, "escalated": 0}
    overdue = Notification.objects.filter(key=f"warning-overdue:{warning.pk}:2026-11-09")
    recipients = set(overdue.values_list("recipient__username", flat=True))
    assert recipients == {"r_dept_head", "r_deputy", "r_unit_chief", "r_discipline"}
    assert Notification.objects.filter(recipient=holder.user, key__startswith="warning-reminder:").count() == 1


def test_the_notice_is_an_official_document_with_the_font_embedded(org, media):
    warning = issue(org.users[Role.DISCIPLINE_COMMISSION], org, level=1, target="unit", disposals=["rectify"])
    data = warning.notice.read()
    assert data.startswith(b"%PDF") and b"/FontFile2" in data
    text = PdfReader(BytesIO(data)).pages[0].extract_text()
    colour = WarningColour.objects.get(level=1)
    for expected in (warning.number, "廉政风险预警通知书", colour.name, "群众反映", "印章", org.unit_a.name):
        assert expected in text, expected
    inquiry = issue(org.users[Role.DISCIPLINE_STAFF], org, disposals=["inquiry"])
    assert "询问函" in PdfReader(BytesIO(inquiry.notice.read())).pages[0].extract_text()


def test_numbers_run_per_issuer_and_year(org, media):
    staff = org.users[Role.DISCIPLINE_STAFF]
    first, second = issue(staff, org), issue(staff, org)
    assert first.number != second.number and first.number.endswith("1号") and second.number.endswith("2号")
