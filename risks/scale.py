"""Bulk generation of risk points, their review trail and prevention measures for
benchmarks (used by generate_scale and generate_scale_risks).

Rows are written as plain tuples through the command's `bulk.copy` (COPY on PostgreSQL),
20,000 points at a time: memory grows with the organisation, not with the number of points.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.utils import timezone
from tqdm import tqdm

from org.models import OrgNode, Person, Post, PostHolding
from powers.models import Power
from risks.models import (
    ApprovalStage,
    GradingRule,
    Measure,
    MeasureStatus,
    MeasureType,
    Review,
    ReviewStatus,
    RiskCategory,
    RiskKind,
    RiskPoint,
    RiskScope,
    RiskStatus,
    RouteCase,
    Source,
)

CHUNK_ROWS = 20000  # risk points per round of COPYs
SCOPE_SHARES = {RiskScope.UNIT: 0.04, RiskScope.DEPARTMENT: 0.12}  # the rest are post points
GRADE_WEIGHTS = {1: 0.11, 2: 0.20, 3: 0.69}  # as in seed 000's register
INTEGRITY_SHARE = 0.53
STATUS_WEIGHTS = {
    RiskStatus.APPROVED: 0.70,
    RiskStatus.DRAFT: 0.12,
    RiskStatus.SUBMITTED: 0.12,
    RiskStatus.RETURNED: 0.06,
}
LINKED_SHARE = 0.25  # points that sit on a step of one of the unit's powers (risk nodes)
MEASURE_SHARE = 0.30  # approved points that get a prevention measure
SPAN_DAYS = 720  # the register was recorded over the last two years

DESCRIPTIONS = {
    RiskKind.INTEGRITY: [
        "利用审批权限为特定关系人谋取利益",
        "收受管理服务对象财物或接受宴请",
        "违规插手干预工程项目或招标投标",
        "泄露案件、检查或评审信息",
        "执法检查中选择性执法、随意减免处罚",
        "虚报冒领或违规使用公款",
        "资金拨付中优亲厚友",
        "利用职务影响为亲属经商办企业提供便利",
    ],
    RiskKind.EFFICIENCY: [
        "超过法定时限办理审批事项",
        "材料审查不严导致错批漏批",
        "推诿扯皮、不作为慢作为",
        "信息公开不及时不完整",
        "一次性告知不到位造成群众多次往返",
        "档案资料管理不规范",
    ],
}
MANIFESTATIONS = [
    "在受理、审查环节随意放宽或提高标准",
    "未按规定程序集体研究决定",
    "与服务对象私下接触、单独办理",
    "自由裁量无明确基准",
    "办理过程无记录、不留痕",
]
MEASURES = {
    "教育": ("每季度开展警示教育，签订廉政承诺书", "纪检员每季度查看学习记录和承诺书"),
    "制度": ("修订工作规程，明确自由裁量基准", "科室负责人每月抽查十件办件是否符合基准"),
    "监督": ("纪检监察员每月随机抽查办件记录", "抽查记录报纪检组，问题件当月整改"),
    "科技": ("全流程网上运行，超时自动预警", "电子监察系统每周导出预警清单核对"),
    "流程": ("受理、审查、决定分岗办理", "每月核对办件经手人是否分离"),
}
RETURN_COMMENT = "请补充风险表现形式，并说明等级依据。"


def generate_risks(
    units: list[OrgNode],
    departments: list[OrgNode],
    posts: list[Post],
    per_post: float,
    bulk,
    *,
    seed: int = 2026,
) -> int:
    """About `per_post` risk points for each post of `units` (mostly post points, some
    department and unit points), graded by the default matrix, 70% approved with their
    review trail, the submitted ones pending at the first stage of their route, and a
    prevention measure for some approved points. Departments and units need `pk` and
    `path`, posts `pk` and `department_id`. Returns the number of risk points.

    A province records its register in a campaign, every unit at once, so the points are
    written in rounds (about one point a post each) with the units in a new random order
    every round: ids and dates interleave across units as they do in a real register, and
    no area's points all sit at one end of the table."""
    rng = random.Random(seed)
    plans = _plans(units, departments, posts, per_post, rng)
    ctx = _Context(rng, plans, total=sum(p.n for p in plans))
    rounds = max(1, math.ceil(per_post))
    bar = tqdm(total=ctx.total, desc="风险点 risk points", unit="row", disable=None)
    pending: list[list] = []
    for r in range(rounds):
        rng.shuffle(plans)
        for plan in plans:
            pending += [_point(ctx, plan, i) for i in range(r, plan.n, rounds)]
            if len(pending) >= CHUNK_ROWS:
                bar.update(_write(ctx, pending, bulk))
                pending = []
    bar.update(_write(ctx, pending, bulk))
    bar.close()
    return ctx.written


@dataclass
class _Plan:
    """One unit's share: `n` points; point i is a unit point, a department point or a post
    point by its index (so a round can take every R-th without holding the list)."""

    unit: int
    depts: list[int]
    posts: list[tuple[int, int]]  # (department, post)
    n: int
    n_unit: int
    n_dept: int
    dept_start: int
    post_start: int
    powers: list[int] = field(default_factory=list)
    people: list[int] = field(default_factory=list)


def _plans(units, departments, posts, per_post: float, rng: random.Random) -> list[_Plan]:
    steplen = OrgNode.steplen
    unit_by_path = {u.path: u.pk for u in units}
    depts_of: dict[int, list[int]] = defaultdict(list)
    for d in departments:
        unit = unit_by_path.get(d.path[:-steplen])
        if unit is not None:
            depts_of[unit].append(d.pk)
    posts_of: dict[int, list[int]] = defaultdict(list)
    for p in posts:
        posts_of[p.department_id].append(p.pk)
    plans, carry = [], 0.0
    for unit in units:
        depts = depts_of[unit.pk]
        post_rows = [(d, p) for d in depts for p in posts_of[d]]
        if not post_rows:
            continue
        wanted = per_post * len(post_rows) + carry
        n = int(wanted)
        carry = wanted - n
        plans.append(
            _Plan(
                unit=unit.pk,
                depts=depts,
                posts=post_rows,
                n=n,
                n_unit=round(n * SCOPE_SHARES[RiskScope.UNIT]),
                n_dept=round(n * SCOPE_SHARES[RiskScope.DEPARTMENT]),
                dept_start=rng.randrange(len(depts)),
                post_start=rng.randrange(len(post_rows)),
            )
        )
    return plans


class _Context:
    """What every point draws from: presets read once, each unit's powers and cadres and
    each post's holder (read in slices of units), the random source, the clock."""

    def __init__(self, rng: random.Random, plans: list[_Plan], total: int) -> None:
        self.rng = rng
        self.total = total
        self.written = 0
        self.now = timezone.now()
        self.today = timezone.localdate()
        self.start = self.now - dt.timedelta(days=SPAN_DAYS)
        self.holder: dict[int, int] = {}
        by_unit = {p.unit: p for p in plans}
        ids = list(by_unit)
        for i in range(0, len(ids), 500):
            part = ids[i : i + 500]
            for unit_id, power_id in Power.objects.filter(unit_id__in=part).values_list("unit_id", "pk").order_by("pk"):
                by_unit[unit_id].powers.append(power_id)
            people = Person.objects.filter(unit_id__in=part, is_active=True).values_list("unit_id", "pk").order_by("pk")
            for unit_id, person_id in people:
                by_unit[unit_id].people.append(person_id)
            self.holder.update(
                PostHolding.objects.current()
                .filter(person__unit_id__in=part)
                .values_list("post_id", "person_id")
                .order_by("start_date", "pk")
            )
        self.people = {p.unit: p.people for p in plans}
        self.categories = list(RiskCategory.objects.filter(is_active=True).values_list("pk", flat=True))
        self.types = dict(MeasureType.objects.filter(is_active=True).values_list("pk", "name"))
        cells: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for likelihood, consequence, grade in GradingRule.objects.filter(unit__isnull=True).values_list(
            "likelihood", "consequence", "grade"
        ):
            cells[grade].append((likelihood, consequence))
        self.cells = cells
        self.grades = [g for g in GRADE_WEIGHTS if cells[g]]
        self.grade_weights = [GRADE_WEIGHTS[g] for g in self.grades]
        # Default routes only: generated units have no routing of their own and nobody
        # holds a role, so every post point follows the "post of a cadre" route.
        routes: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for case, role, action in (
            ApprovalStage.objects.filter(unit__isnull=True)
            .order_by("case", "order")
            .values_list("case", "role", "action")
        ):
            routes[case].append((role, action))
        self.routes = {
            RiskScope.POST: routes[RouteCase.POST],
            RiskScope.DEPARTMENT: routes[RouteCase.DEPARTMENT],
            RiskScope.UNIT: routes[RouteCase.UNIT],
        }
        self.statuses = list(STATUS_WEIGHTS)
        self.status_weights = list(STATUS_WEIGHTS.values())
        self.sources = list(Source.values)
        if not self.categories or not self.grades:
            raise ValueError("Risk categories and the default grading matrix must exist (run migrate).")


POINT_FIELDS = [
    "id",
    "scope",
    "node",
    "unit",
    "post",
    "category",
    "kind",
    "description",
    "manifestation",
    "power",
    "step_key",
    "source",
    "likelihood",
    "consequence",
    "suggested_grade",
    "grade",
    "grade_reason",
    "status",
    "created_by",
    "created_at",
    "updated_at",
]
REVIEW_FIELDS = [
    "point",
    "round",
    "order",
    "role",
    "action",
    "at_node",
    "status",
    "submitted_by",
    "submitted_at",
    "decided_by",
    "decided_at",
    "comment",
    "grade_set",
]
ID, SCOPE, NODE, UNIT, POST = range(5)
DESCRIPTION, STATUS, CREATED = (
    POINT_FIELDS.index("description"),
    POINT_FIELDS.index("status"),
    POINT_FIELDS.index("created_at"),
)
MEASURE_FIELDS = [
    "point",
    "type",
    "description",
    "check_method",
    "owner",
    "deadline",
    "status",
    "evidence",
    "evidence_note",
    "done_on",
    "created_by",
    "created_at",
    "updated_at",
]


def _write(ctx: _Context, points: list[list], bulk) -> int:
    """Give the points ids and write them, then their reviews and measures."""
    if not points:
        return 0
    ids = bulk.ids(RiskPoint, len(points))
    for row, pk in zip(points, ids, strict=True):
        row[ID] = pk
        row[DESCRIPTION] = f"{row[DESCRIPTION]}（{pk}）"  # no two descriptions alike, as in a real register
    bulk.copy(RiskPoint, POINT_FIELDS, points)
    bulk.copy(Review, REVIEW_FIELDS, _reviews(ctx, points))
    bulk.copy(Measure, MEASURE_FIELDS, _measures(ctx, points))
    return len(points)


def _point(ctx: _Context, plan: _Plan, i: int) -> list:
    """Point `i` of the unit as a row of POINT_FIELDS (its id is given when written)."""
    rng = ctx.rng
    if i < plan.n_unit:
        scope, node_id, post_id = RiskScope.UNIT, plan.unit, None
    elif i < plan.n_unit + plan.n_dept:
        scope, node_id, post_id = RiskScope.DEPARTMENT, plan.depts[(plan.dept_start + i) % len(plan.depts)], None
    else:
        scope = RiskScope.POST
        node_id, post_id = plan.posts[(plan.post_start + i) % len(plan.posts)]
    grade = rng.choices(ctx.grades, ctx.grade_weights)[0]
    status = rng.choices(ctx.statuses, ctx.status_weights)[0]
    kind = RiskKind.INTEGRITY if rng.random() < INTEGRITY_SHARE else RiskKind.EFFICIENCY
    likelihood, consequence = rng.choice(ctx.cells[grade])
    power_id, step_key = None, ""
    if plan.powers and rng.random() < LINKED_SHARE:
        power_id, step_key = rng.choice(plan.powers), f"S{rng.randint(1, 5)}"
    # Recorded over the last two years, in the order written (ids follow time, as they do).
    ctx.written += 1
    created = ctx.start + dt.timedelta(days=SPAN_DAYS * ctx.written / max(1, ctx.total), seconds=rng.randint(0, 600))
    created = min(created, ctx.now)
    return [
        None,
        scope.value,
        node_id,
        plan.unit,
        post_id,
        rng.choice(ctx.categories),
        kind.value,
        rng.choice(DESCRIPTIONS[kind]),
        rng.choice(MANIFESTATIONS),
        power_id,
        step_key,
        rng.choice(ctx.sources),
        likelihood,
        consequence,
        grade,
        grade,
        "",
        status.value,
        None,
        created,
        created,
    ]


def _reviews(ctx: _Context, points: list[list]) -> Iterator[tuple]:
    """The trail the approval engine would have left: one round along the default route;
    approved points approved at every stage, returned ones returned at the first (the
    rest not reached), submitted ones pending at the first stage (the rest waiting)."""
    for row in points:
        status = row[STATUS]
        if status == RiskStatus.DRAFT:
            continue
        scope, node_id, unit_id, submitted = row[SCOPE], row[NODE], row[UNIT], row[CREATED]
        decided = min(ctx.now, submitted + dt.timedelta(days=ctx.rng.randint(1, 10)))
        for order, (role, action) in enumerate(ctx.routes[scope], start=1):
            at_node = node_id if role in ("dept_head", "deputy") and scope != RiskScope.UNIT else unit_id
            if status == RiskStatus.APPROVED:
                state, when, comment = ReviewStatus.APPROVED, decided, ""
            elif status == RiskStatus.RETURNED:
                first = order == 1
                state = ReviewStatus.RETURNED if first else ReviewStatus.CANCELLED
                when, comment = (decided, RETURN_COMMENT) if first else (None, "")
            else:
                state = ReviewStatus.PENDING if order == 1 else ReviewStatus.WAITING
                when, comment = None, ""
            yield (row[ID], 1, order, role, action, at_node, state.value, None, submitted, None, when, comment, None)


def _measures(ctx: _Context, points: list[list]) -> Iterator[tuple]:
    """A measure for some approved points, owned by the post's holder (a department or
    unit point: a cadre of the unit); deadlines around today, some of them missed."""
    rng, today = ctx.rng, ctx.today
    types = list(ctx.types.items())
    if not types:
        return
    for row in points:
        if row[STATUS] != RiskStatus.APPROVED or rng.random() >= MEASURE_SHARE:
            continue
        owner = ctx.holder.get(row[POST]) if row[POST] else None
        if owner is None:
            staff = ctx.people.get(row[UNIT])
            if not staff:
                continue
            owner = rng.choice(staff)
        type_id, type_name = rng.choice(types)
        description, check = MEASURES.get(type_name, (f"{type_name}防控措施", "每季度检查一次并留存记录"))
        created = min(ctx.now, row[CREATED] + dt.timedelta(days=rng.randint(1, 30)))
        deadline = max(today + dt.timedelta(days=rng.randint(-90, 180)), created.date() + dt.timedelta(days=7))
        done_on = None
        if deadline < today and rng.random() < 0.5:
            done_on = deadline - dt.timedelta(days=rng.randint(0, min(20, (deadline - created.date()).days)))
            status = MeasureStatus.DONE
        else:
            status = MeasureStatus.IN_PROGRESS if rng.random() < 0.4 else MeasureStatus.PLANNED
        yield (
            row[ID],
            type_id,
            description,
            check,
            owner,
            deadline,
            status.value,
            "",
            "",
            done_on,
            None,
            created,
            created,
        )
