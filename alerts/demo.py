"""Demo warnings area for the demo district: risk information of the four kinds (one
entered late), petitions in each state (one anonymous from the portal), and warnings of
each colour in each state. Idempotent: skipped when the demo information exists."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from alerts import services
from alerts.models import RiskInfo, RiskWarning
from core.workdays import add_workdays
from org.models import OrgNode, Post
from risks.models import RiskPoint

INFOS = [
    # kind, source, node (unit code, department), title, days before today it was triggered, entered late?
    ("warning", "audit", ("QH-JCY", "公诉科"), "区审计局审计发现公诉科差旅费超标准报销", 20, False),
    ("tip", "event", ("QH-HBJ", None), "环保局年底集中采购环境监测设备", 6, True),
    ("reminder", "evaluation", ("QH-JCY", "侦查监督科"), "民主测评满意率低于80%：侦查监督科", 4, False),
    ("learning", "document", ("QH-JCY", None), "学习《中国共产党纪律处分条例》修订内容", 30, False),
    ("warning", "case", ("QH-DGZ", "民政办"), "低保审批领域违纪案件查处情况通报", 9, False),
]


def _node(code: str, dept: str | None) -> OrgNode:
    unit = OrgNode.objects.get(code=code)
    return OrgNode.objects.get(path__startswith=unit.path, kind="department", name=dept) if dept else unit


@transaction.atomic
def seed_alerts() -> int:
    if RiskInfo.objects.filter(title=INFOS[0][3]).exists():
        return 0
    names = ["admin", "jiwei", "jijian", "depthead", "cadre", "chief"]
    users = {u.username: u for u in get_user_model().objects.filter(username__in=names)}
    admin, today = users["admin"], timezone.localdate()
    for kind, source, where, title, days, late in INFOS:
        trigger = today - dt.timedelta(days=days)
        entered = today if late else min(today, add_workdays(trigger, 1))
        services.info_record(
            user=admin,
            kind=kind,
            source=source,
            title=title,
            content=f"{title}。详见相关报告，已移交相关单位核实整改。",
            node=_node(*where),
            trigger_date=trigger,
            today=entered,
        )
    jcy, hbj = OrgNode.objects.get(code="QH-JCY"), OrgNode.objects.get(code="QH-HBJ")
    # petitions: a letter being handled, an anonymous portal report, an answered complaint
    letter = services.petition_register(
        user=users["jijian"],
        channel="letter",
        kind="report",
        node=_node("QH-JCY", "公诉科"),
        subject="反映公诉科干警与律师关系密切",
        content="来信反映某干警与辩护律师多次共同出入娱乐场所。",
        received_on=today - dt.timedelta(days=12),
        reporter_name="李某",
        reporter_contact="信件地址略",
    )
    services.petition_assign(user=users["jijian"], petition=letter, assignee=users["jijian"])
    services.public_report(
        node=hbj,
        kind="report",
        subject="环境监察大队执法人员吃拿卡要",
        content="某企业反映现场核查人员暗示提供好处费后降低检查标准。",
    )
    answered = services.petition_register(
        user=users["jijian"],
        channel="phone",
        kind="complaint",
        node=jcy,
        subject="控告申诉窗口办事推诿",
        content="群众来电反映窗口人员多次以材料不全为由推诿。",
        received_on=today - dt.timedelta(days=25),
        is_anonymous=True,
    )
    services.petition_answer(
        user=users["jijian"],
        petition=answered,
        findings="经查，窗口一次性告知制度落实不到位。",
        reply="已责令整改，建立一次性告知清单。",
    )
    # warnings: red issued and red closed; orange replied; yellow overdue; yellow accepted
    point = RiskPoint.objects.filter(unit=hbj, status="approved").first()
    services.warning_issue(
        user=users["jiwei"],
        level=1,
        target_kind="unit",
        unit=hbj,
        title="环境执法领域问题集中，亮红灯",
        facts="近一年收到涉及环境监察大队的举报7件，经初核3件属实。",
        disposals=["rectify", "report", "accountability"],
        risk_points=[point] if point else [],
    )
    closed = services.warning_issue(
        user=users["jiwei"],
        level=1,
        target_kind="unit",
        unit=OrgNode.objects.get(code="QH-DGZ"),
        title="低保审批优亲厚友问题整改",
        facts="专项检查发现低保对象中村干部亲属占比偏高。",
        disposals=["rectify"],
    )
    _answer_and_close(closed, users["jiwei"], "已重新核查全部低保对象，清退不符合条件12户。")
    cadre_post = Post.objects.get(department__name="公诉科", department__path__startswith=jcy.path, name="检察官")
    orange = services.warning_issue(
        user=users["jijian"],
        level=2,
        target_kind="post",
        post=cadre_post,
        title="与辩护律师交往过密，设警线",
        facts="来信反映并经谈话了解，存在与辩护律师不正常交往的苗头。",
        disposals=["talk", "correct"],
    )
    services.warning_reply(
        user=users["cadre"],
        warning=orange,
        cause_analysis="对与律师交往的纪律要求认识不足。",
        measures="严格执行过问案件记录报告制度，与律师接触一律在办公场所并登记。",
    )
    yellow = services.warning_issue(
        user=users["depthead"],
        level=3,
        target_kind="department",
        department=_node("QH-JCY", "公诉科"),
        title="审查期限管理不严，敲警钟",
        facts="本季度两件案件临近审查期限才提出处理意见。",
        disposals=["self_review"],
        reply_days=3,
    )
    RiskWarning.objects.filter(pk=yellow.pk).update(
        issued_on=today - dt.timedelta(days=20), reply_due=today - dt.timedelta(days=6)
    )
    accepted = services.warning_issue(
        user=users["jijian"],
        level=3,
        target_kind="department",
        department=_node("QH-JCY", "侦查监督科"),
        title="民主测评满意率偏低，敲警钟",
        facts="年度民主测评满意率76%，低于80%。",
        disposals=["education", "self_review"],
    )
    _answer(accepted, users["chief"])
    return RiskWarning.objects.count()


def _answer(warning: RiskWarning, reviewer) -> None:
    from alerts import authority

    responder = authority.responders(warning).first() or reviewer
    reply = services.warning_reply(
        user=responder,
        warning=warning,
        cause_analysis="思想上重视不够，制度执行不严。",
        measures="一是开展专题学习；二是建立台账，逐项整改，限期完成。",
    )
    services.reply_review(user=warning.issued_by, reply=reply, accept=True)


def _answer_and_close(warning: RiskWarning, reviewer, note: str) -> None:
    _answer(warning, reviewer)
    services.warning_close(user=warning.issued_by, warning=warning, note=note)
