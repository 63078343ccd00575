"""Demo risk points for the demo district (idempotent: found by unit and description)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from org.models import OrgNode, Post
from powers.models import Power
from risks import approval, services
from risks.approval import Decision
from risks.models import RiskCategory, RiskPoint, RiskScope

# (unit, scope, department, post, category, kind, description, manifestation, power, step, source,
#  likelihood, consequence, where it stands: draft / review / returned / approved)
POINTS = [
    (
        "QH-JCY",
        "post",
        "公诉科",
        "检察官",
        "岗位职责",
        "integrity",
        "审查起诉中接受当事人或其亲友请托、收受财物",
        "私下会见当事人亲友；对证据取舍、量刑建议不当倾斜",
        "JCY-001",
        "S2",
        "three_questions",
        1,
        1,
        "approved",
    ),
    (
        "QH-JCY",
        "post",
        "公诉科",
        "检察官",
        "业务流程",
        "efficiency",
        "审查期限届满未及时提出处理意见",
        "案件超期、未办理延长审查期限手续",
        "JCY-001",
        "S2",
        "forward",
        1,
        3,
        "draft",
    ),
    (
        "QH-JCY",
        "post",
        "院领导",
        "检察长",
        "制度机制",
        "integrity",
        "个人决定应当集体讨论的不起诉案件",
        "未经检察委员会讨论即作出决定",
        "JCY-001",
        "S5",
        "leader",
        2,
        1,
        "review",
    ),
    (
        "QH-JCY",
        "department",
        "侦查监督科",
        None,
        "岗位职责",
        "integrity",
        "对不符合逮捕条件的嫌疑人违规批准逮捕或放纵",
        "审查意见与证据不符；说情打招呼",
        "JCY-002",
        "S2",
        "department",
        2,
        2,
        "review",
    ),
    (
        "QH-JCY",
        "unit",
        None,
        None,
        "思想道德",
        "integrity",
        "干警廉洁意识淡化，违规接受宴请",
        "节假日期间接受管理服务对象宴请",
        None,
        "",
        "organisation",
        1,
        2,
        "approved",
    ),
    (
        "QH-HBJ",
        "post",
        "环境监察大队",
        "执法队员",
        "岗位职责",
        "integrity",
        "现场核查中吃拿卡要、降低核查标准",
        "单人执法、未出示证件、核查记录与现场不符",
        "HBJ-001",
        "S3",
        "backward",
        1,
        1,
        "approved",
    ),
    (
        "QH-HBJ",
        "post",
        "局领导",
        "局长",
        "制度机制",
        "integrity",
        "重大行政处罚未经集体讨论、随意减免罚款",
        "处罚决定书与集体讨论记录不一致",
        "HBJ-002",
        "S6",
        "three_plus_x",
        2,
        1,
        "draft",
    ),
    (
        "QH-DGZ",
        "post",
        "民政办",
        "低保专干",
        "业务流程",
        "integrity",
        "入户调查不实，优亲厚友纳入低保",
        "调查记录雷同；亲属、村干部亲属享受低保",
        "DGZ-001",
        "S2",
        "backward",
        1,
        2,
        "returned",
    ),
    (
        "QH-SJJ",
        "post",
        "执法稽查大队",
        "稽查员",
        "岗位职责",
        "integrity",
        "查处案件中以罚代刑、违规减免罚款",
        "处罚决定与调查终结报告不一致；同类案件罚款幅度差异大",
        None,
        "",
        "backward",
        1,
        1,
        "approved",
    ),
    (
        "QH-SJJ",
        "post",
        "登记注册科",
        "登记员",
        "业务流程",
        "integrity",
        "对材料不全的申请违规办理登记",
        "容缺受理后未跟踪补齐材料",
        None,
        "",
        "three_questions",
        2,
        2,
        "review",
    ),
    (
        "QH-ZJJ",
        "post",
        "建筑市场管理科",
        "招投标监管员",
        "岗位职责",
        "integrity",
        "招投标监管中泄露标底、默许串通投标",
        "投标文件雷同；同一批企业轮流中标",
        None,
        "",
        "backward",
        1,
        1,
        "approved",
    ),
    (
        "QH-ZJJ",
        "post",
        "房地产管理科",
        "预售许可审核员",
        "制度机制",
        "integrity",
        "对不符合条件的项目违规发放商品房预售许可",
        "形象进度未达标即发证",
        None,
        "",
        "forward",
        2,
        1,
        "approved",
    ),
    (
        "QH-CZJ",
        "post",
        "政府采购办",
        "采购监管员",
        "业务流程",
        "integrity",
        "政府采购中指定品牌、量身定制采购需求",
        "技术参数指向特定产品；质疑投诉集中",
        None,
        "",
        "backward",
        1,
        2,
        "approved",
    ),
    (
        "QH-CZJ",
        "post",
        "国库支付中心",
        "支付审核员",
        "岗位职责",
        "efficiency",
        "支付审核不严、拨付资金拖延",
        "支付凭证要素不全即支付；超时限办理",
        None,
        "",
        "forward",
        1,
        3,
        "draft",
    ),
    (
        "QH-JW",
        "post",
        "信访室",
        "信访接待员",
        "思想道德",
        "integrity",
        "泄露举报人信息或举报内容",
        "举报人遭打击报复；举报材料转给被举报人",
        None,
        "",
        "three_questions",
        2,
        1,
        "approved",
    ),
]


@transaction.atomic
def seed_risks() -> int:
    admin = get_user_model().objects.get(username="admin")
    created = 0
    for (
        unit_code,
        scope,
        dept,
        post,
        category,
        kind,
        text,
        shows,
        power,
        step,
        source,
        likelihood,
        consequence,
        state,
    ) in POINTS:
        unit = OrgNode.objects.get(code=unit_code)
        if RiskPoint.objects.filter(unit=unit, description=text).exists():
            continue
        department = OrgNode.objects.get(path__startswith=unit.path, kind="department", name=dept) if dept else None
        where = (
            {"unit": unit}
            if scope == RiskScope.UNIT
            else (
                {"department": department}
                if scope == RiskScope.DEPARTMENT
                else {"post": Post.objects.get(department=department, name=post)}
            )
        )
        point = services.risk_create(
            user=admin,
            scope=scope,
            **where,
            category=RiskCategory.objects.get(name=category),
            kind=kind,
            description=text,
            manifestation=shows,
            power=Power.objects.get(unit=unit, code=power) if power else None,
            step_key=step,
            source=source,
            likelihood=likelihood,
            consequence=consequence,
        )
        _drive(point, state, admin)
        created += 1
    _measures(admin)
    _comment_and_sets(admin)
    return created


RETURN_COMMENT = "请补充表现形式的具体情形，并细化发生概率的依据。"


def _drive(point: RiskPoint, state: str, admin) -> None:
    """Walk a demo point along its real route to where it should stand."""
    if state == "draft":
        return
    approval.risk_submit(user=admin, point=point)
    while state != "review" and (review := approval.current_review(point)) is not None:
        decider = approval.deciders(review.role, review.at_node).order_by("pk").first()
        if state == "returned":
            approval.review_decide(
                user=decider,
                review=review,
                decision=Decision.RETURN,
                comment=RETURN_COMMENT,
            )
            return
        approval.review_decide(user=decider, review=review, decision=Decision.APPROVE, comment="同意。")


MEASURES = {
    "查处案件中以罚代刑、违规减免罚款": [
        ("制度", "行政处罚案件实行集体审议和法制审核", "法制科每季度评查案卷10%", 45, "in_progress"),
    ],
    "招投标监管中泄露标底、默许串通投标": [
        ("科技", "电子招投标全流程留痕，异常雷同自动预警", "每月导出预警清单核查", 20, "planned"),
    ],
    "政府采购中指定品牌、量身定制采购需求": [
        ("监督", "采购需求经专家论证并公开征求意见", "纪检监察室抽查采购文件", -5, "planned"),
    ],
    "审查起诉中接受当事人或其亲友请托、收受财物": [
        ("制度", "落实过问或干预司法办案记录报告制度", "纪检监察室每季度核查记录台账", 60, "planned"),
        ("教育", "每月开展一次警示教育，学习典型案例", "查阅教育台账和签到表", -10, "in_progress"),
    ],
    "干警廉洁意识淡化，违规接受宴请": [
        ("监督", "节假日前发送廉洁提醒，设立举报电话", "节后抽查举报受理记录", -3, "done"),
    ],
    "现场核查中吃拿卡要、降低核查标准": [
        ("流程", "现场核查双人执法、全程记录仪录像", "法制科每月抽查执法录像20%", 30, "planned"),
    ],
}


def _measures(admin) -> None:
    """Measures on the approved demo points: one overdue, one done, the rest open."""
    from datetime import timedelta

    from django.utils import timezone

    from org.models import Person
    from risks.models import MeasureType

    today = timezone.localdate()
    for text, rows in MEASURES.items():
        point = RiskPoint.objects.filter(description=text).select_related("unit").first()
        if point is None:
            continue
        holder = None
        if point.post_id:
            holder = Person.objects.filter(holdings__post=point.post, holdings__end_date__isnull=True).first()
        owner = holder or Person.objects.filter(unit=point.unit).order_by("pk").first()
        if point.measures.exists():
            continue
        for kind, description, check, days, status in rows:
            measure = services.measure_create(
                user=admin,
                point=point,
                type=MeasureType.objects.get(name=kind),
                description=description,
                check_method=check,
                owner=owner,
                deadline=today + timedelta(days=days),
            )
            if status != "planned":
                services.measure_update(
                    user=admin, measure=measure, status=status, evidence_note="已按要求落实" if status == "done" else ""
                )


def _comment_and_sets(admin) -> None:
    """A public comment period open at the procuratorate (with a comment) and the
    environment bureau's set returned by the district commission (二上二下)."""
    from risks.models import CommentPeriod, SetRound

    jcy, hbj = OrgNode.objects.get(code="QH-JCY"), OrgNode.objects.get(code="QH-HBJ")
    if CommentPeriod.objects.filter(unit=jcy).exists() or SetRound.objects.filter(unit=hbj).exists():
        return
    period = approval.comment_period_open(
        user=admin, unit=jcy, title="清河区人民检察院2026年度廉政风险点公示", working_days=7
    )
    approval.comment_add(period=period, body="建议对节假日期间的廉洁提醒增加短信方式。")
    commission = get_user_model().objects.get(username="jiwei")
    first = approval.set_submit(user=admin, unit=hbj, note="第一次上报本局廉政风险点。")
    approval.set_decide(
        user=commission,
        set_round=first,
        accept=False,
        opinions="行政处罚、环评审批环节风险点查找不够，请补充“局长”岗位风险点并细化防控措施。",
    )
