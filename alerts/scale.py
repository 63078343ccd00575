"""Bulk generation of the warnings area for benchmarks (used by generate_scale and
generate_scale_alerts): a year of risk information, petitions and reports, and tri-colour
warnings with their "issued" event and the risk points they rest on.

Rows are written as plain tuples through the command's `bulk.copy` (COPY on PostgreSQL),
about 20,000 at a time: memory grows with the organisation, not with the number of rows.
Working-day deadlines come from core.workdays, computed once per distinct date.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from tqdm import tqdm

from alerts.models import (
    Disposal,
    InfoKind,
    InfoKindRule,
    InfoSource,
    Petition,
    PetitionChannel,
    PetitionKind,
    PetitionStatus,
    RiskInfo,
    RiskWarning,
    TargetKind,
    WarningColour,
    WarningEvent,
    WarningStatus,
)
from core.workdays import WorkCalendar
from org.models import OrgNode, Post, Role
from risks.models import RiskPoint, RiskStatus

CHUNK_ROWS = 20000  # rows (information, petitions, warnings) per round of COPYs
ROUNDS = 10  # every unit contributes about a tenth of its rows per round
SPAN_DAYS = 365  # a year of the warnings area
ISSUER_USERNAME = "scale-issuer"

# risk information (seed 004): the four kinds, what they come from, how late they are entered
KIND_WEIGHTS = {InfoKind.WARNING: 0.20, InfoKind.REMINDER: 0.30, InfoKind.TIP: 0.35, InfoKind.LEARNING: 0.15}
LATE_SHARE = 0.08  # of all information; only kinds with a deadline can be late
UNIT_INFO_SHARE = 0.35  # the rest concern one of the unit's departments
MAX_LAG_DAYS = 15  # between the trigger date and the day the information is due to be entered
SOURCES = {
    InfoKind.WARNING: [
        InfoSource.AUDIT,
        InfoSource.INSPECTION,
        InfoSource.ACCOUNTABILITY,
        InfoSource.CASE,
        InfoSource.PETITION,
    ],
    InfoKind.REMINDER: [
        InfoSource.EVALUATION,
        InfoSource.HOTLINE,
        InfoSource.SUPERVISOR,
        InfoSource.MONITORING,
        InfoSource.MEETING,
    ],
    InfoKind.TIP: [InfoSource.EVENT, InfoSource.MEETING, InfoSource.OTHER],
    InfoKind.LEARNING: [InfoSource.DOCUMENT],
}
INFO_TITLES = {
    InfoKind.WARNING: [
        "审计发现差旅费超标准报销",
        "专项检查发现违规发放津补贴",
        "案件查处通报涉及审批环节",
        "问责通报：履职不力",
    ],
    InfoKind.REMINDER: ["民主测评满意率低于80%", "12345热线集中反映办事推诿", "特邀监督员反映窗口服务问题"],
    InfoKind.TIP: ["年底集中采购办公设备", "公开招聘工作人员", "节日期间廉洁提醒", "工程项目招标启动"],
    InfoKind.LEARNING: ["学习《中国共产党纪律处分条例》", "典型案例警示教育材料", "上级关于作风建设的通知"],
}

# petitions and reports
PETITION_SHARE = 0.2  # petitions per piece of information (10 a unit for 50 pieces)
ANONYMOUS_EVERY = 5  # one petition in five is anonymous
CHANNEL_WEIGHTS = {
    PetitionChannel.LETTER: 0.30,
    PetitionChannel.VISIT: 0.10,
    PetitionChannel.PHONE: 0.25,
    PetitionChannel.ONLINE: 0.30,
    PetitionChannel.OTHER: 0.05,
}
PETITION_KIND_WEIGHTS = {PetitionKind.PETITION: 0.35, PetitionKind.COMPLAINT: 0.25, PetitionKind.REPORT: 0.40}
# status by whether the answer is past due: most old ones answered, some still open (overdue)
PETITION_STATUS_PAST_DUE = {
    PetitionStatus.CLOSED: 0.30,
    PetitionStatus.ANSWERED: 0.55,
    PetitionStatus.ASSIGNED: 0.08,
    PetitionStatus.RECEIVED: 0.07,
}
PETITION_STATUS_OPEN = {PetitionStatus.RECEIVED: 0.40, PetitionStatus.ASSIGNED: 0.45, PetitionStatus.ANSWERED: 0.15}
PETITION_SUBJECTS = [
    "反映干部与服务对象关系密切",
    "窗口办事推诿刁难",
    "项目审批中吃拿卡要",
    "违规收受礼品礼金",
    "低保审核优亲厚友",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"

# tri-colour warnings (seed 000): who issues each colour, to what, with which disposals
LEVEL_WEIGHTS = {1: 0.10, 2: 0.30, 3: 0.60}
TARGET_WEIGHTS = {
    1: {TargetKind.UNIT: 0.70, TargetKind.DEPARTMENT: 0.30},
    2: {TargetKind.UNIT: 0.30, TargetKind.DEPARTMENT: 0.40, TargetKind.POST: 0.30},
    3: {TargetKind.DEPARTMENT: 0.50, TargetKind.POST: 0.50},
}
# red: the commission over the area; orange: the unit's discipline office; yellow: the department head
ISSUER_ROLES = {1: Role.DISCIPLINE_COMMISSION, 2: Role.DISCIPLINE_STAFF, 3: Role.DEPARTMENT_HEAD}
DISPOSALS = {
    1: [Disposal.RECTIFICATION_ORDER, Disposal.REPORT_IN_PERSON, Disposal.ACCOUNTABILITY],
    2: [Disposal.CORRECTION, Disposal.ADMONISHMENT_TALK],
    3: [Disposal.CIRCULATED_CRITICISM, Disposal.SELF_REVIEW, Disposal.WARNING_EDUCATION],
}
WARNING_TITLES = {
    1: ["问题线索集中，亮红灯", "专项检查问题突出，亮红灯"],
    2: ["履职中存在廉政风险苗头，设警线", "群众反映问题经初核部分属实，设警线"],
    3: ["制度执行不严，敲警钟", "办件超期，敲警钟", "民主测评满意率偏低，敲警钟"],
}
# status by whether the written reply is past due: most old ones closed, some overdue
WARNING_STATUS_PAST_DUE = {
    WarningStatus.CLOSED: 0.60,
    WarningStatus.ACCEPTED: 0.18,
    WarningStatus.REPLIED: 0.07,
    WarningStatus.ISSUED: 0.15,
}
WARNING_STATUS_OPEN = {WarningStatus.ISSUED: 0.65, WarningStatus.REPLIED: 0.25, WarningStatus.ACCEPTED: 0.10}
POINT_SHARE = 0.30  # warnings resting on one of the unit's approved risk points
POINT_CANDIDATES = 8  # approved points read per unit to choose from


def generate_alerts(
    units: list[OrgNode],
    departments: list[OrgNode],
    posts: list[Post],
    infos_per_unit: int,
    warnings_per_unit: int,
    bulk,
    *,
    seed: int = 2026,
    petitions_per_unit: int | None = None,
    issuer=None,
) -> int:
    """A year of the warnings area for each of `units`: `infos_per_unit` pieces of risk
    information (the four kinds, about 8% entered after their working-day deadline, the
    unit as collection point), `petitions_per_unit` petitions and reports (default: one per
    five pieces of information; one in five anonymous, keeping no name) and
    `warnings_per_unit` warnings (about 10/30/60% red/orange/yellow, each issued under the
    authority its colour needs, with an "issued" event; some overdue and escalated, about
    30% resting on one of the unit's approved risk points).

    Units and departments need `pk`, `path` and `code`; posts `pk` and `department_id`.
    `issuer` (default: a login-less user "scale-issuer") is recorded as the issuer. Returns
    the number of rows written (information, petitions and warnings)."""
    rng = random.Random(seed)
    if petitions_per_unit is None:
        petitions_per_unit = round(infos_per_unit * PETITION_SHARE)
    plans = _plans(units, departments, posts, infos_per_unit, petitions_per_unit, warnings_per_unit)
    ctx = _Context(rng, plans, issuer or _issuer())
    bar = tqdm(total=sum(ctx.totals.values()), desc="预警 alerts", unit="row", disable=None)
    pending = _Pending()
    for r in range(ROUNDS):
        rng.shuffle(plans)
        for plan in plans:
            pending.infos += [_info(ctx, plan, i) for i in range(r, plan.n_info, ROUNDS)]
            pending.petitions += [_petition(ctx, plan, i) for i in range(r, plan.n_petition, ROUNDS)]
            pending.warnings += [_warning(ctx, plan) for _i in range(r, plan.n_warning, ROUNDS)]
            if pending.size >= CHUNK_ROWS:
                bar.update(_write(ctx, pending, bulk))
                pending = _Pending()
    bar.update(_write(ctx, pending, bulk))
    bar.close()
    return sum(ctx.written.values())


def _issuer():
    user, created = get_user_model().objects.get_or_create(
        username=ISSUER_USERNAME, defaults={"first_name": "规模测试", "last_name": "签发人"}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


@dataclass
class _Plan:
    """One unit's share, and what its rows draw from."""

    unit: int
    code: str
    depts: list[tuple[int, str]]  # (pk, code)
    posts: list[tuple[int, int]]  # (department, post)
    n_info: int
    n_petition: int
    n_warning: int
    area: int = 0  # the area (district or county) right above: its commission issues red
    area_code: str = ""
    points: list[int] = field(default_factory=list)  # some approved risk points of the unit


@dataclass
class _Pending:
    infos: list[tuple] = field(default_factory=list)
    petitions: list[list] = field(default_factory=list)
    warnings: list[list] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.infos) + len(self.petitions) + len(self.warnings)


def _plans(units, departments, posts, n_info: int, n_petition: int, n_warning: int) -> list[_Plan]:
    steplen = OrgNode.steplen
    unit_by_path = {u.path: u.pk for u in units}
    depts_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for d in departments:
        unit = unit_by_path.get(d.path[:-steplen])
        if unit is not None:
            depts_of[unit].append((d.pk, d.code))
    posts_of: dict[int, list[int]] = defaultdict(list)
    for p in posts:
        posts_of[p.department_id].append(p.pk)
    plans = []
    for unit in units:
        depts = depts_of[unit.pk]
        if not depts:
            continue
        plans.append(
            _Plan(
                unit=unit.pk,
                code=unit.code,
                depts=depts,
                posts=[(d, p) for d, _code in depts for p in posts_of[d]],
                n_info=n_info,
                n_petition=n_petition,
                n_warning=n_warning,
            )
        )
    # the area each unit hangs under (one query)
    parent_path = {u.pk: u.path[:-steplen] for u in units}
    areas = {
        path: (pk, code)
        for path, pk, code in OrgNode.objects.filter(path__in=set(parent_path.values())).values_list(
            "path", "pk", "code"
        )
    }
    for plan in plans:
        plan.area, plan.area_code = areas.get(parent_path[plan.unit], (plan.unit, plan.code))
    return plans


class _Context:
    """What every row draws from: presets read once, the working-day calendar with its
    answers cached per date, the random source, the clock and the running counters."""

    def __init__(self, rng: random.Random, plans: list[_Plan], issuer) -> None:
        self.rng = rng
        self.issuer = issuer.pk
        self.today = timezone.localdate()
        self.start = self.today - dt.timedelta(days=SPAN_DAYS)
        self.tz = timezone.get_current_timezone()
        self.calendar = WorkCalendar()
        self._workdays: dict[tuple[dt.date, int], dt.date] = {}
        self._next_workday: dict[dt.date, dt.date] = {}
        self.totals = {
            "info": sum(p.n_info for p in plans),
            "petition": sum(p.n_petition for p in plans),
            "warning": sum(p.n_warning for p in plans),
        }
        self.written = dict.fromkeys(self.totals, 0)
        self.numbers: dict[tuple[int, int], int] = defaultdict(int)  # (issuer node, year) -> last number
        self.entry_days = dict(InfoKindRule.objects.values_list("kind", "entry_days"))
        self.reply_days = dict(WarningColour.objects.values_list("level", "reply_days"))
        if set(self.reply_days) != {1, 2, 3}:
            raise ValueError("The three warning colours must exist (run migrate).")
        self.kinds, self.kind_weights = list(KIND_WEIGHTS), list(KIND_WEIGHTS.values())
        with_deadline = sum(w for k, w in KIND_WEIGHTS.items() if self.entry_days.get(k) is not None)
        # late among the kinds with a deadline, a little more for the recent ones that cannot be late yet
        self.late_share = min(1.0, LATE_SHARE / max(with_deadline, 1e-9) * 1.04)
        self._load_points(plans)

    def _load_points(self, plans: list[_Plan]) -> None:
        """Up to POINT_CANDIDATES approved risk points of each unit, in slices of units."""
        if not any(p.n_warning for p in plans):
            return
        by_unit = {p.unit: p for p in plans}
        ids = list(by_unit)
        for i in range(0, len(ids), 500):
            ranked = (
                RiskPoint.objects.filter(unit_id__in=ids[i : i + 500], status=RiskStatus.APPROVED)
                .annotate(rank=Window(RowNumber(), partition_by=[F("unit_id")], order_by=F("id").desc()))
                .filter(rank__lte=POINT_CANDIDATES)
                .values_list("unit_id", "pk")
            )
            for unit_id, point_id in ranked:
                by_unit[unit_id].points.append(point_id)

    def add_workdays(self, day: dt.date, n: int) -> dt.date:
        key = (day, n)
        found = self._workdays.get(key)
        if found is None:
            found = self._workdays[key] = self.calendar.add_workdays(day, n)
        return found

    def workday(self, day: dt.date) -> dt.date:
        """`day` if a working day, else the next one."""
        found = self._next_workday.get(day)
        if found is None:
            found = self._next_workday[day] = self.calendar.next_workday(day, inclusive=True)
        return found

    def progress_day(self, table: str) -> dt.date:
        """The day the next row of `table` happens: rows are written in the order they
        happen over the year, so ids follow time as they do in a real archive."""
        self.written[table] += 1
        days = SPAN_DAYS * self.written[table] / max(1, self.totals[table])
        return min(self.today, self.start + dt.timedelta(days=int(days)))

    def at(self, day: dt.date) -> dt.datetime:
        """A moment of office hours on `day`."""
        return dt.datetime.combine(day, dt.time(8, 30), tzinfo=self.tz) + dt.timedelta(
            seconds=self.rng.randint(0, 9 * 3600)
        )


def _pick(rng: random.Random, weights: dict):
    return rng.choices(list(weights), list(weights.values()))[0]


# --- rows ---------------------------------------------------------------------------------

INFO_FIELDS = [
    "kind",
    "source",
    "title",
    "content",
    "node",
    "unit",
    "trigger_date",
    "entry_deadline",
    "entered_on",
    "is_late",
    "collection_point",
    "petition",
    "recorded_by",
    "created_at",
]


def _info(ctx: _Context, plan: _Plan, i: int) -> tuple:
    """Information `i` of the unit as a row of INFO_FIELDS. The deadline is the kind's
    working days after the trigger date; a late entry is made after it."""
    rng, today = ctx.rng, ctx.today
    kind = rng.choices(ctx.kinds, ctx.kind_weights)[0]
    due_by = ctx.progress_day("info")
    trigger = min(today, due_by - dt.timedelta(days=rng.randint(0, MAX_LAG_DAYS)))
    days = ctx.entry_days.get(kind)
    deadline = ctx.add_workdays(trigger, days) if days is not None else None
    if deadline is not None and deadline < today and rng.random() < ctx.late_share:
        entered = min(today, deadline + dt.timedelta(days=rng.randint(1, 20)))
    else:
        last = min(today, deadline if deadline is not None else trigger + dt.timedelta(days=30))
        entered = trigger + dt.timedelta(days=rng.randint(0, (last - trigger).days))
    node = plan.unit if rng.random() < UNIT_INFO_SHARE else plan.depts[i % len(plan.depts)][0]
    title = f"{rng.choice(INFO_TITLES[kind])}（{plan.code}-{i + 1}）"
    return (
        kind.value,
        rng.choice(SOURCES[kind]).value,
        title,
        f"{title}。详见相关报告，已移交相关单位核实整改。",
        node,
        plan.unit,
        trigger,
        deadline,
        entered,
        deadline is not None and entered > deadline,
        plan.unit,
        None,
        None,
        ctx.at(entered),
    )


PETITION_FIELDS = [
    "id",
    "channel",
    "kind",
    "node",
    "subject",
    "content",
    "is_anonymous",
    "reporter_name",
    "reporter_contact",
    "receipt_hash",
    "received_on",
    "due_on",
    "status",
    "assignee",
    "findings",
    "reply",
    "replied_on",
    "registered_by",
]
P_ID, P_CHANNEL, P_ANONYMOUS, P_HASH = 0, 1, 6, 9


def _petition(ctx: _Context, plan: _Plan, i: int) -> list:
    """Petition `i` of the unit as a row of PETITION_FIELDS (id and receipt hash are
    given when written). An anonymous one keeps no name and no contact."""
    rng, today = ctx.rng, ctx.today
    received = ctx.progress_day("petition")
    due = ctx.add_workdays(received, settings.PETITION_ANSWER_WORKDAYS)
    anonymous = (plan.unit + i) % ANONYMOUS_EVERY == 0
    channel = _pick(rng, CHANNEL_WEIGHTS)
    name = contact = ""
    if not anonymous:
        name = f"{rng.choice(SURNAMES)}某"
        contact = f"1{rng.randint(3, 9)}{rng.randint(0, 999999999):09d}"
    status = _pick(rng, PETITION_STATUS_PAST_DUE if due < today else PETITION_STATUS_OPEN)
    answered = status in (PetitionStatus.ANSWERED, PetitionStatus.CLOSED)
    replied_on = None
    if answered:
        replied_on = min(today, received + dt.timedelta(days=rng.randint(3, max(3, (due - received).days + 10))))
    subject = rng.choice(PETITION_SUBJECTS)
    return [
        None,
        channel.value,
        _pick(rng, PETITION_KIND_WEIGHTS).value,
        plan.unit if rng.random() < 0.4 else plan.depts[i % len(plan.depts)][0],
        subject,
        f"{subject}，请求核查处理。",
        anonymous,
        name,
        contact,
        None,
        received,
        due,
        status.value,
        None if status == PetitionStatus.RECEIVED else ctx.issuer,
        "经核查，反映问题部分属实，已责令整改。" if answered else "",
        "已核查并责令整改，感谢您的监督。" if answered else "",
        replied_on,
        None if channel == PetitionChannel.ONLINE else ctx.issuer,
    ]


WARNING_FIELDS = [
    "id",
    "number",
    "level",
    "target_kind",
    "node",
    "unit",
    "post",
    "person",
    "title",
    "facts",
    "disposals",
    "petition",
    "issued_by",
    "issuer_role",
    "issuer_node",
    "issued_on",
    "reply_due",
    "status",
    "escalated_on",
    "closed_on",
    "close_note",
    "notice",
]
W_ID, W_ISSUED_ON, W_DUE, W_ESCALATED = 0, 15, 16, 18


def _warning(ctx: _Context, plan: _Plan) -> list:
    """A warning to the unit, one of its departments or posts as a row of WARNING_FIELDS
    (plus the risk point it rests on, or None, removed when written), numbered like the
    issuing office's documents of the year."""
    rng, today = ctx.rng, ctx.today
    level = _pick(rng, LEVEL_WEIGHTS)
    target = _pick(rng, TARGET_WEIGHTS[level])
    if target == TargetKind.POST and not plan.posts:
        target = TargetKind.DEPARTMENT
    post = None
    if target == TargetKind.UNIT:
        node, node_code = plan.unit, plan.code
    elif target == TargetKind.DEPARTMENT:
        node, node_code = rng.choice(plan.depts)
    else:
        node, post = rng.choice(plan.posts)
        node_code = next(code for pk, code in plan.depts if pk == node)
    if level == 1:
        issuer_node, issuer_code = plan.area, plan.area_code
    elif level == 2:
        issuer_node, issuer_code = plan.unit, plan.code
    else:
        issuer_node, issuer_code = node, node_code
    issued = ctx.workday(ctx.progress_day("warning"))
    if issued > today:  # a weekend today: the last working day before it
        issued = ctx.calendar.add_workdays(today, -1)
    due = ctx.add_workdays(issued, ctx.reply_days[level])
    status = _pick(rng, WARNING_STATUS_PAST_DUE if due < today else WARNING_STATUS_OPEN)
    escalated = closed = None
    if status == WarningStatus.ISSUED and due < today:  # the daily job escalated it the day after
        escalated = min(today, due + dt.timedelta(days=1))
    if status == WarningStatus.CLOSED:
        closed = min(today, due + dt.timedelta(days=rng.randint(5, 60)))
    ctx.numbers[(issuer_node, issued.year)] += 1
    number = f"{issuer_code}预〔{issued.year}〕{ctx.numbers[(issuer_node, issued.year)]}号"
    disposals = DISPOSALS[level]
    chosen = rng.sample(disposals, rng.randint(1, len(disposals)))
    point = rng.choice(plan.points) if plan.points and rng.random() < POINT_SHARE else None
    return [
        None,
        number,
        level,
        target.value,
        node,
        plan.unit,
        post,
        None,
        rng.choice(WARNING_TITLES[level]),
        "经核查，存在以下问题：制度执行不严、监督管理不到位，须书面说明原因并提出整改措施。",
        json.dumps([d.value for d in chosen], ensure_ascii=False),
        None,
        ctx.issuer,
        ISSUER_ROLES[level].value,
        issuer_node,
        issued,
        due,
        status.value,
        escalated,
        closed,
        "整改已逐项核实。" if closed else "",
        "",
        point,
    ]


def _write(ctx: _Context, pending: _Pending, bulk) -> int:
    """Write information, petitions (given ids and receipt hashes) and warnings (given ids),
    then the warnings' events and risk-point links."""
    if pending.infos:
        bulk.copy(RiskInfo, INFO_FIELDS, pending.infos)
    if pending.petitions:
        for row, pk in zip(pending.petitions, bulk.ids(Petition, len(pending.petitions)), strict=True):
            row[P_ID] = pk
            if row[P_ANONYMOUS] or row[P_CHANNEL] == PetitionChannel.ONLINE:
                # the hash of a receipt code nobody holds; the id makes it unique
                row[P_HASH] = hashlib.sha256(f"scale-receipt:{pk}:{ctx.rng.getrandbits(64)}".encode()).hexdigest()
        bulk.copy(Petition, PETITION_FIELDS, pending.petitions)
    points: list[tuple[int, int]] = []
    if pending.warnings:
        for row, pk in zip(pending.warnings, bulk.ids(RiskWarning, len(pending.warnings)), strict=True):
            row[W_ID] = pk
            point = row.pop()
            if point is not None:
                points.append((pk, point))
        bulk.copy(RiskWarning, WARNING_FIELDS, pending.warnings)
        bulk.copy(WarningEvent, ["warning", "kind", "actor", "note", "at"], _events(ctx, pending.warnings))
        bulk.copy(RiskWarning.risk_points.through, ["riskwarning", "riskpoint"], points)
    return pending.size


def _events(ctx: _Context, warnings: list[list]) -> Iterator[tuple]:
    """ "issued" by the issuer on the day; "escalated" by the daily job for overdue ones."""
    for row in warnings:
        yield (row[W_ID], WarningEvent.Kind.ISSUED.value, ctx.issuer, "", ctx.at(row[W_ISSUED_ON]))
        if row[W_ESCALATED] is not None:
            at = dt.datetime.combine(row[W_ESCALATED], dt.time(7, 0), tzinfo=ctx.tz)
            yield (row[W_ID], WarningEvent.Kind.ESCALATED.value, None, str(row[W_DUE]), at)
