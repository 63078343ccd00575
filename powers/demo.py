"""Demo power inventory for the demo district (idempotent: found by unit + code)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from org.models import OrgNode, Post
from powers import services
from powers.models import Power, PowerClass, PowerType
from powers.services import BasisInput, StepInput

CRIMINAL_PROCEDURE = "中华人民共和国刑事诉讼法"
# unit code -> [(code, name, type, class, department, time limit, fees, [(law, articles)],
#               [(key, step, department, post, days, checks, next)], publish?)]
POWERS = {
    "QH-JCY": [
        (
            "JCY-001",
            "审查起诉",
            "检察权",
            PowerClass.EXTERNAL,
            "公诉科",
            30,
            "",
            [(CRIMINAL_PROCEDURE, "第一百六十九条至第一百七十七条"), ("人民检察院刑事诉讼规则", "第三百二十八条")],
            [
                ("S1", "案件受理", "案件管理中心", "案件管理员", 1, "移送材料是否齐全、有无超期", ["S2"]),
                ("S2", "审查案卷", "公诉科", "检察官", 20, "证据是否确实充分、定性是否准确", ["S3"]),
                ("S3", "讯问、听取意见", "公诉科", "检察官", 5, "是否依法告知权利、听取辩护人意见", ["S4"]),
                ("S4", "科室讨论", "公诉科", "科长", 2, "处理意见是否统一、有无分歧记录", ["S5"]),
                ("S5", "检察长决定", "院领导", "检察长", 2, "是否经集体讨论、有无越权", ["S6", "S7"]),
                ("S6", "提起公诉", "公诉科", "检察官", 0, "起诉书内容是否规范", []),
                ("S7", "不起诉", "公诉科", "检察官", 0, "是否符合不起诉条件并公开宣布", []),
            ],
            True,
        ),
        (
            "JCY-002",
            "审查逮捕",
            "检察权",
            PowerClass.EXTERNAL,
            "侦查监督科",
            7,
            "",
            [(CRIMINAL_PROCEDURE, "第八十一条、第九十一条")],
            [
                ("S1", "受理提请逮捕", "案件管理中心", "案件管理员", 1, "提请材料是否齐全", ["S2"]),
                ("S2", "审查并讯问", "侦查监督科", "检察官", 4, "是否符合逮捕条件", ["S3"]),
                ("S3", "检察长决定", "院领导", "检察长", 2, "决定是否经审批", ["S4", "S5"]),
                ("S4", "批准逮捕", "侦查监督科", "检察官", 0, "", []),
                ("S5", "不批准逮捕", "侦查监督科", "检察官", 0, "是否说明理由", []),
            ],
            True,
        ),
        (
            "JCY-003",
            "财务报销审批",
            "财务管理",
            PowerClass.INTERNAL,
            "办公室",
            5,
            "",
            [("行政事业单位内部控制规范（试行）", "第二十九条")],
            [
                ("S1", "经办人填报", "办公室", "文秘", 1, "票据是否真实合规", ["S2"]),
                ("S2", "科室负责人审核", "办公室", "主任", 1, "事项是否真实", ["S3"]),
                ("S3", "财务审核", "办公室", "财务管理员", 1, "是否超标准、超预算", ["S4"]),
                ("S4", "分管领导审批", "院领导", "副检察长", 1, "是否属于审批权限", ["S5"]),
                ("S5", "出纳支付", "办公室", "财务管理员", 1, "是否按审批金额支付", []),
            ],
            False,
        ),
    ],
    "QH-HBJ": [
        (
            "HBJ-001",
            "排污许可证核发",
            "行政许可",
            PowerClass.EXTERNAL,
            "行政审批科",
            20,
            "不收费",
            [("排污许可管理条例", "第十一条至第十六条"), ("中华人民共和国行政许可法", "第四十二条")],
            [
                ("S1", "申请受理", "行政审批科", "窗口受理员", 1, "申请材料是否齐全、符合法定形式", ["S2"]),
                ("S2", "材料审查", "行政审批科", "审批员", 8, "排放标准、总量指标是否符合要求", ["S3"]),
                ("S3", "现场核查", "环境监察大队", "执法队员", 5, "核查人员是否两人以上、有无吃拿卡要", ["S4"]),
                ("S4", "审批决定", "局领导", "副局长", 3, "是否符合许可条件", ["S5", "S6"]),
                ("S5", "准予许可并送达", "行政审批科", "窗口受理员", 3, "", []),
                ("S6", "不予许可并说明理由", "行政审批科", "审批员", 3, "是否告知申请人救济途径", []),
            ],
            True,
        ),
        (
            "HBJ-002",
            "环境违法行为行政处罚",
            "行政处罚",
            PowerClass.EXTERNAL,
            "环境监察大队",
            90,
            "",
            [
                ("中华人民共和国环境保护法", "第五十九条至第六十三条"),
                ("中华人民共和国行政处罚法", "第五十四条至第六十五条"),
            ],
            [
                ("S1", "立案", "环境监察大队", "大队长", 7, "是否符合立案条件", ["S2"]),
                ("S2", "调查取证", "环境监察大队", "执法队员", 30, "执法人员是否两人以上并出示证件", ["S3"]),
                ("S3", "案件审查", "规划财务科", "科长", 10, "事实、证据、裁量是否适当", ["S4"]),
                ("S4", "告知陈述申辩权", "环境监察大队", "执法队员", 3, "是否依法告知", ["S5", "S6"]),
                ("S5", "听证", "局领导", "局长", 15, "当事人申请听证的，是否依法组织", ["S6"]),
                ("S6", "作出处罚决定", "局领导", "局长", 7, "重大处罚是否经集体讨论", ["S7"]),
                ("S7", "送达与执行", "环境监察大队", "执法队员", 7, "罚没款是否上缴国库", []),
            ],
            True,
        ),
    ],
    "QH-DGZ": [
        (
            "DGZ-001",
            "最低生活保障审核",
            "行政给付",
            PowerClass.EXTERNAL,
            "民政办",
            30,
            "不收费",
            [("社会救助暂行办法", "第十一条")],
            [
                ("S1", "申请受理", "民政办", "低保专干", 1, "材料是否齐全", ["S2"]),
                ("S2", "入户调查", "民政办", "低保专干", 10, "家庭收入和财产是否如实核查", ["S3"]),
                ("S3", "民主评议", "民政办", "主任", 5, "评议是否公开、有无优亲厚友", ["S4"]),
                ("S4", "张榜公示", "民政办", "低保专干", 7, "公示期是否满7天", ["S5"]),
                ("S5", "审核上报", "镇领导", "副镇长", 5, "是否按程序审核", []),
            ],
            True,
        ),
        (
            "DGZ-002",
            "农村危房改造补助发放",
            "行政给付",
            PowerClass.EXTERNAL,
            "村镇建设办",
            20,
            "",
            [("农村危房改造补助资金管理暂行办法", "第八条")],
            [
                ("S1", "农户申请", "村镇建设办", "规划管理员", 2, "是否为建档立卡等重点对象", ["S2"]),
                ("S2", "危房鉴定", "村镇建设办", "主任", 10, "鉴定是否客观", ["S3"]),
                ("S3", "竣工验收", "村镇建设办", "规划管理员", 5, "是否按标准完工", ["S4"]),
                ("S4", "资金拨付", "财政所", "会计", 3, "是否一卡通直接发放到户", []),
            ],
            True,
        ),
    ],
}


def _post(unit: OrgNode, department: str, title: str) -> Post:
    return Post.objects.get(department__path__startswith=unit.path, department__name=department, name=title)


@transaction.atomic
def seed_powers() -> int:
    """Create the demo powers that do not exist yet; returns how many were created."""
    admin = get_user_model().objects.get(username="admin")
    created = 0
    for unit_code, powers in POWERS.items():
        unit = OrgNode.objects.get(code=unit_code)
        for code, name, type_name, power_class, dept, days, fees, bases, steps, publish in powers:
            if Power.objects.filter(unit=unit, code=code).exists():
                continue
            power_type, _ = PowerType.objects.get_or_create(
                name=type_name, defaults={"default_class": power_class, "sort_order": 200}
            )
            department = OrgNode.objects.get(path__startswith=unit.path, name=dept, kind="department")
            step_inputs = [StepInput(k, n, _post(unit, d, p), t or None, c, nxt) for k, n, d, p, t, c, nxt in steps]
            version = services.power_create(
                user=admin,
                unit=unit,
                code=code,
                name=name,
                power_type=power_type,
                power_class=power_class,
                department=department,
                time_limit_days=days,
                fees=fees,
                posts=sorted({s.post for s in step_inputs}, key=lambda p: p.pk),
                legal_bases=[BasisInput(law, articles) for law, articles in bases],
                steps=step_inputs,
            )
            if publish:
                services.draft_publish(user=admin, version=version)
            created += 1
    return created
