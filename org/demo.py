"""The demo district: units, departments, posts, cadres and one account per role.

Idempotent: every row is found by a stable code or name before it is created, so running
seed_demo twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.contrib.auth import get_user_model
from django.db import transaction
from guardian.shortcuts import assign_perm

from core.services import notify
from org.models import NodeKind, OrgNode, Person, Post, PostHolding, PostRank, Role, RoleAssignment

DEMO_PASSWORD = "lianzheng2026"
START = dt.date(2024, 1, 1)
R = PostRank

# (code, name, leadership department, [(department, [(post, rank, key post)])])
UNITS = [
    (
        "QH-JW",
        "清河区纪委监察委",
        "委领导",
        [
            (
                "第一纪检监察室",
                [
                    ("主任", R.SECTION, True),
                    ("副主任", R.DEPUTY_SECTION, True),
                    ("监督检查员", R.SECTION_MEMBER, False),
                ],
            ),
            ("案件审理室", [("主任", R.SECTION, True), ("审理员", R.SECTION_MEMBER, False)]),
            ("信访室", [("主任", R.SECTION, False), ("信访接待员", R.STAFF, False)]),
        ],
    ),
    (
        "QH-JCY",
        "清河区人民检察院",
        "院领导",
        [
            ("办公室", [("主任", R.SECTION, False), ("文秘", R.STAFF, False), ("财务管理员", R.STAFF, True)]),
            ("纪检监察室", [("主任", R.SECTION, True), ("纪检监察员", R.SECTION_MEMBER, False)]),
            (
                "公诉科",
                [
                    ("科长", R.SECTION, True),
                    ("副科长", R.DEPUTY_SECTION, True),
                    ("检察官", R.SECTION_MEMBER, True),
                    ("检察官助理", R.STAFF, False),
                ],
            ),
            ("侦查监督科", [("科长", R.SECTION, True), ("检察官", R.SECTION_MEMBER, True), ("书记员", R.STAFF, False)]),
            ("控告申诉科", [("科长", R.SECTION, False), ("接待员", R.STAFF, False)]),
            ("案件管理中心", [("主任", R.SECTION, True), ("案件管理员", R.STAFF, True)]),
        ],
    ),
    (
        "QH-HBJ",
        "清河区生态环境局",
        "局领导",
        [
            ("办公室", [("主任", R.SECTION, False), ("综合管理员", R.STAFF, False)]),
            ("纪检监察室", [("主任", R.SECTION, True), ("纪检员", R.STAFF, False)]),
            (
                "行政审批科",
                [("科长", R.SECTION, True), ("审批员", R.SECTION_MEMBER, True), ("窗口受理员", R.STAFF, False)],
            ),
            (
                "环境监察大队",
                [("大队长", R.SECTION, True), ("执法队员", R.SECTION_MEMBER, True), ("执法队员（二）", R.STAFF, True)],
            ),
            ("环境监测站", [("站长", R.SECTION, False), ("监测员", R.STAFF, False)]),
            ("规划财务科", [("科长", R.SECTION, True), ("会计", R.STAFF, True)]),
        ],
    ),
    (
        "QH-DGZ",
        "东关镇人民政府",
        "镇领导",
        [
            ("党政办公室", [("主任", R.SECTION, False), ("干事", R.STAFF, False)]),
            ("纪检监察办", [("纪委书记", R.SECTION, True), ("纪检干事", R.STAFF, False)]),
            ("财政所", [("所长", R.SECTION, True), ("会计", R.STAFF, True), ("出纳", R.STAFF, True)]),
            ("民政办", [("主任", R.SECTION, True), ("低保专干", R.STAFF, True)]),
            ("村镇建设办", [("主任", R.SECTION, True), ("规划管理员", R.STAFF, True)]),
        ],
    ),
    (
        "QH-SJJ",
        "清河区市场监督管理局",
        "局领导",
        [
            ("办公室", [("主任", R.SECTION, False), ("文秘", R.STAFF, False)]),
            ("登记注册科", [("科长", R.SECTION, True), ("登记员", R.STAFF, True)]),
            ("食品安全监管科", [("科长", R.SECTION, True), ("监管员", R.SECTION_MEMBER, True)]),
            ("执法稽查大队", [("大队长", R.SECTION, True), ("稽查员", R.SECTION_MEMBER, True)]),
        ],
    ),
    (
        "QH-ZJJ",
        "清河区住房和城乡建设局",
        "局领导",
        [
            ("办公室", [("主任", R.SECTION, False), ("文秘", R.STAFF, False)]),
            ("建筑市场管理科", [("科长", R.SECTION, True), ("招投标监管员", R.SECTION_MEMBER, True)]),
            ("质量安全监督站", [("站长", R.SECTION, True), ("监督员", R.STAFF, True)]),
            ("房地产管理科", [("科长", R.SECTION, True), ("预售许可审核员", R.STAFF, True)]),
        ],
    ),
    (
        "QH-CZJ",
        "清河区财政局",
        "局领导",
        [
            ("办公室", [("主任", R.SECTION, False)]),
            ("预算科", [("科长", R.SECTION, True), ("预算管理员", R.SECTION_MEMBER, True)]),
            ("政府采购办", [("主任", R.SECTION, True), ("采购监管员", R.STAFF, True)]),
            ("国库支付中心", [("主任", R.SECTION, True), ("支付审核员", R.STAFF, True)]),
        ],
    ),
]
LEADERSHIP_TITLES = {
    "委领导": [("书记", R.DIVISION), ("副书记", R.DEPUTY_DIVISION), ("常委", R.DEPUTY_DIVISION)],
    "院领导": [
        ("检察长", R.DIVISION),
        ("副检察长", R.DEPUTY_DIVISION),
        ("副检察长（二）", R.DEPUTY_DIVISION),
        ("纪检组长", R.DEPUTY_DIVISION),
    ],
    "局领导": [("局长", R.DIVISION), ("副局长", R.DEPUTY_DIVISION), ("副局长（二）", R.DEPUTY_DIVISION)],
    "镇领导": [("镇长", R.DIVISION), ("副镇长", R.DEPUTY_DIVISION), ("副镇长（二）", R.DEPUTY_DIVISION)],
}
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = [
    "建国",
    "丽华",
    "志强",
    "秀英",
    "海涛",
    "静",
    "伟",
    "敏",
    "晓东",
    "红梅",
    "国庆",
    "雪",
    "明",
    "婷",
    "勇",
    "磊",
    "文博",
    "佳怡",
    "子涵",
    "浩然",
    "振华",
    "玉兰",
    "春生",
    "桂芳",
    "永刚",
    "淑珍",
    "立新",
    "慧",
    "俊杰",
    "欣怡",
]

# The demo accounts, one per role: (username, role, unit code, dept or None, post title, extra)
DEMO_ACCOUNTS = [
    ("jiwei", Role.DISCIPLINE_COMMISSION, "QH-JW", "第一纪检监察室", "主任", {"over": "QH", "below": True}),
    ("reader", Role.LEADING_GROUP_READER, "QH-JW", "委领导", "常委", {"over": "QH", "below": True}),
    ("jijian", Role.DISCIPLINE_STAFF, "QH-JCY", "纪检监察室", "主任", {}),
    ("lgoffice", Role.LEADING_GROUP_OFFICE, "QH-JCY", "纪检监察室", "纪检监察员", {}),
    ("chief", Role.UNIT_CHIEF, "QH-JCY", "院领导", "检察长", {}),
    ("deputy", Role.DEPUTY_IN_CHARGE, "QH-JCY", "院领导", "副检察长", {"departments": ["公诉科", "侦查监督科"]}),
    ("member", Role.LEADERSHIP_MEMBER, "QH-JCY", "院领导", "纪检组长", {}),
    ("depthead", Role.DEPARTMENT_HEAD, "QH-JCY", "公诉科", "科长", {}),
    ("cadre", Role.CADRE, "QH-JCY", "公诉科", "检察官", {}),
]


def _names():
    for i in itertools.count():
        yield SURNAMES[(i * 7) % len(SURNAMES)] + GIVEN[(i * 11 + i // len(SURNAMES)) % len(GIVEN)]


def _node(parent: OrgNode | None, code: str, name: str, kind: str, **extra) -> OrgNode:
    found = OrgNode.objects.filter(code=code).first()
    if found:
        return found
    node = OrgNode(code=code, name=name, kind=kind, **extra)
    return OrgNode.objects.add_child(parent, instance=node) if parent else OrgNode.objects.add_root(instance=node)


@transaction.atomic
def seed_demo(stdout=None) -> dict:
    """Create (or find) the demo district; returns counts and the demo accounts."""
    User = get_user_model()
    province = _node(None, "HB", "河北省", NodeKind.PROVINCE)
    city = _node(province, "HB-LF", "廊坊市", NodeKind.CITY)
    district = _node(
        city,
        "QH",
        "清河区",
        NodeKind.COUNTY,
        cross_supervision=True,
        description="示范区：全区各单位岗位开展同级监督、跨系统监督。",
    )
    names = _names()
    posts_by_unit: dict[str, dict[tuple[str, str], Post]] = {}
    for code, unit_name, leaders, departments in UNITS:
        unit = _node(district, code, unit_name, NodeKind.UNIT)
        posts_by_unit[code] = {}
        # Every working department also has two clerks (科员), as real ones do.
        staffed = [
            (d, [*posts, ("科员（一）", R.STAFF, False), ("科员（二）", R.STAFF, False)]) for d, posts in departments
        ]
        all_depts = [(leaders, [(t, r, True) for t, r in LEADERSHIP_TITLES[leaders]])] + staffed
        for d_index, (dept_name, posts) in enumerate(all_depts):
            dept = _node(unit, f"{code}-D{d_index:02d}", dept_name, NodeKind.DEPARTMENT)
            for p_index, (title, rank, key) in enumerate(posts):
                post, _ = Post.objects.get_or_create(
                    department=dept,
                    code=f"{dept.code}-P{p_index:02d}",
                    defaults={
                        "name": title,
                        "rank": rank,
                        "is_key_post": key,
                        "duties": f"{unit_name}{dept_name}{title}岗位职责：依法履行本岗位职权，接受监督。",
                    },
                )
                posts_by_unit[code][(dept_name, title)] = post
                holding = post.holdings.current().select_related("person__user").first()
                if holding is None:
                    user = User(username=f"{code.lower().replace('-', '')}{d_index:02d}{p_index:02d}")
                    user.set_unusable_password()
                    user.save()
                    person = Person.objects.create(user=user, name=next(names), unit=unit, title=f"{dept_name}{title}")
                    PostHolding.objects.create(person=person, post=post, start_date=START)
                else:
                    user = holding.person.user
                _structural_roles(user, unit, dept, dept_name, leaders, title, p_index)
    accounts = _demo_accounts(User, district, posts_by_unit)
    supervisor = _social_supervisor(User, district)
    accounts.append(supervisor)
    admin, created = User.objects.get_or_create(username="admin", defaults={"is_staff": True, "is_superuser": True})
    admin.set_password(DEMO_PASSWORD)
    admin.save()
    accounts.insert(0, ("admin", "系统管理员", "—"))
    return {
        "units": OrgNode.objects.filter(kind=NodeKind.UNIT, path__startswith=district.path).count(),
        "departments": OrgNode.objects.filter(kind=NodeKind.DEPARTMENT, path__startswith=district.path).count(),
        "posts": Post.objects.filter(department__path__startswith=district.path).count(),
        "cadres": Person.objects.filter(unit__path__startswith=district.path).count(),
        "accounts": accounts,
    }


def _structural_roles(user, unit, dept, dept_name, leaders, title, p_index) -> None:
    """Every unit's chief, leadership members and department heads hold their roles."""
    if dept_name == leaders:
        role = Role.UNIT_CHIEF if p_index == 0 else Role.LEADERSHIP_MEMBER
        RoleAssignment.objects.get_or_create(user=user, role=role, node=unit)
    elif p_index == 0:
        RoleAssignment.objects.get_or_create(user=user, role=Role.DEPARTMENT_HEAD, node=dept)
    RoleAssignment.objects.get_or_create(user=user, role=Role.CADRE, node=unit)


def _demo_accounts(User, district, posts_by_unit) -> list[tuple[str, str, str]]:
    accounts = []
    for username, role, unit_code, dept_name, title, extra in DEMO_ACCOUNTS:
        post = posts_by_unit[unit_code][(dept_name, title)]
        holder = post.holdings.current().select_related("person__user").first().person
        demo_user = holder.user
        if demo_user.username != username:
            # Give the post holder the memorable demo login name.
            User.objects.filter(username=username).exclude(pk=demo_user.pk).delete()
            demo_user.username = username
        demo_user.set_password(DEMO_PASSWORD)
        demo_user.email = f"{username}@example.gov.cn"
        demo_user.save()
        unit = OrgNode.objects.get(code=unit_code)
        over = OrgNode.objects.get(code=extra["over"]) if "over" in extra else unit
        if role == Role.DEPARTMENT_HEAD:
            over = post.department
        assignment, _ = RoleAssignment.objects.get_or_create(
            user=demo_user, role=role, node=over, defaults={"include_descendants": extra.get("below", False)}
        )
        if "departments" in extra:
            assignment.departments.set(
                OrgNode.objects.filter(
                    path__startswith=unit.path, kind=NodeKind.DEPARTMENT, name__in=extra["departments"]
                )
            )
        notify(
            recipient=demo_user,
            key="demo-welcome",
            email=False,
            title="欢迎使用廉政风险防控平台",
            body=f"您好，{holder.name}。您的角色：{role.label}（{over.name}）。",
            url="/",
        )
        accounts.append((username, str(role.label), over.name))
    return accounts


def _social_supervisor(User, district) -> tuple[str, str, str]:
    """A social supervisor (特约监督员) granted one unit through a per-object grant."""
    bureau = OrgNode.objects.get(code="QH-HBJ")
    user, _ = User.objects.get_or_create(username="supervisor", defaults={"email": "supervisor@example.gov.cn"})
    user.set_password(DEMO_PASSWORD)
    user.save()
    Person.objects.get_or_create(
        user=user,
        defaults={"name": "特约监督员 周明", "unit": OrgNode.objects.get(code="QH-JW"), "title": "特约监督员"},
    )
    assign_perm("org.supervise_orgnode", user, bureau)
    return ("supervisor", "特约监督员（单位授权）", bureau.name)
