"""Demo assessment of the demo district (清河区): last year's cycle archived with its scores
and Act decisions, and this year's open cycle with the units in different stages —
commitments in each state, the education ledger (with a missed month), talks, a closed
evaluation with ballots (and one below the threshold, its reminder proposed), spot checks,
self-inspections and scores. Idempotent: skipped when this year's cycle exists.

The procuratorate (QH-JCY, the demo accounts' unit) is in Do, with its second half-year
self-inspection not started and the demo cadre's commitment not filed: the browser journey
files and approves the one and submits and accepts the other.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from assessment import services
from assessment.models import (
    ActDecision,
    Ballot,
    BallotAnswer,
    Checkpoint,
    Commitment,
    CommitmentItem,
    CommitmentStatus,
    Cycle,
    CycleUnit,
    EducationSession,
    Evaluation,
    EvaluationStatus,
    EvaluationToken,
    Rating,
    SelfInspection,
    Stage,
    StageEvent,
    Talk,
    TalkDuty,
)
from assessment.presets import COMMITMENT_ITEMS
from assessment.selectors import months_due
from org.models import OrgNode, Person, PostHolding

STAGES = {  # unit code: stage this year
    "QH-JCY": Stage.DO,
    "QH-JW": Stage.DO,
    "QH-ZJJ": Stage.DO,
    "QH-HBJ": Stage.CHECK,
    "QH-DGZ": Stage.ACT,
    "QH-SJJ": Stage.PLAN,
    "QH-CZJ": Stage.PLAN,
}
LAST_YEAR_SCORES = {"QH-JCY": "48.30", "QH-HBJ": "62.15", "QH-DGZ": "71.30", "QH-SJJ": "52.60", "QH-ZJJ": "44.05",
                    "QH-CZJ": "31.90", "QH-JW": "55.20"}  # fmt: skip
MISSED_MONTH = {"QH-HBJ": 4, "QH-ZJJ": 2}  # a month without integrity education
OWN_ITEMS = ["办案不吃请、不收礼，不接受当事人及律师宴请", "严格执行过问或干预司法办案记录报告制度"]


def _year(today: dt.date) -> int:
    """The cycle a visitor would be working in: this year's from June, else last year's."""
    return today.year if today.month >= 6 else today.year - 1


def _dates(year: int) -> dict:
    return {
        "commitment_due": dt.date(year, 3, 31),
        "h1_opens": dt.date(year, 6, 15),
        "h1_due": dt.date(year, 7, 15),
        "h2_opens": dt.date(year, 11, 1),
        "h2_due": dt.date(year, 12, 15),
    }


@transaction.atomic
def seed_assessment() -> int:
    district = OrgNode.objects.filter(code="QH").first()
    today = timezone.localdate()
    year = _year(today)
    if district is None or Cycle.objects.filter(area=district, year=year).exists():
        return 0
    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=["jiwei", "lgoffice", "jijian", "admin"])
    }
    jiwei, admin = users["jiwei"], users["admin"]
    rng = random.Random(2026)  # the same demo every time
    _last_year(district, year - 1, jiwei)
    cycle = services.cycle_open(user=jiwei, area=district, year=year, today=dt.date(year, 1, 8), **_dates(year))
    Cycle.objects.filter(pk=cycle.pk).update(opened_on=dt.date(year, 1, 8))
    cus = {cu.unit.code: cu for cu in CycleUnit.objects.filter(cycle=cycle).select_related("unit", "cycle")}
    for code, cu in cus.items():
        _plan(cu, code, admin)
        _education(cu, code, year, today)
        _commitments(cu, code, rng)
        services.talk_duties_refresh(cycle_unit=cu)
        _talks(cu, rng, year, today)
    _inspections(cus, cycle, users)
    _evaluations(cycle, cus, users, rng)
    _spot_checks(cycle, cus, jiwei, year)
    services.scores_compute(cycle=cycle, today=today)
    manual = cycle.indicators.get(source="manual")
    for code, points, reason in [
        ("QH-HBJ", "16", "暗访发现执法记录仪使用不规范，扣4分"),
        ("QH-DGZ", "17.5", "专项检查发现低保审批台账不全，已整改，扣2.5分"),
    ]:
        services.mark_record(user=jiwei, cycle_unit=cus[code], indicator=manual, points=Decimal(points), reason=reason)
    services.act_decide(
        user=jiwei, cycle_unit=cus["QH-DGZ"], kind="improvement", text="低保审批实行村、镇两级公示，纳入下一年度风险点"
    )
    return CycleUnit.objects.filter(cycle=cycle).count()


def _last_year(district: OrgNode, year: int, jiwei) -> None:
    """Last year's cycle, archived: scores and ranks for year over year, decisions carried over."""
    if Cycle.objects.filter(area=district, year=year).exists():
        return
    last = services.cycle_open(user=jiwei, area=district, year=year, today=dt.date(year, 1, 8), **_dates(year))
    Cycle.objects.filter(pk=last.pk).update(opened_on=dt.date(year, 1, 8))
    ranked = sorted(LAST_YEAR_SCORES.items(), key=lambda kv: -Decimal(kv[1]))
    for rank, (code, score) in enumerate(ranked, start=1):
        CycleUnit.objects.filter(cycle=last, unit__code=code).update(
            stage=Stage.DONE,
            stage_since=dt.date(year + 1, 1, 20),
            archived_on=dt.date(year + 1, 1, 20),
            score_total=Decimal(score),
            score_rank=rank,
            rules_filed_on=dt.date(year, 2, 1),
            rules_note=f"{year}年度廉政风险防控实施细则",
        )
    jcy = CycleUnit.objects.get(cycle=last, unit__code="QH-JCY")
    hbj = CycleUnit.objects.get(cycle=last, unit__code="QH-HBJ")
    ActDecision.objects.bulk_create(
        [
            ActDecision(cycle_unit=jcy, kind="reward", text="评为年度廉政风险防控工作先进单位", decided_by=jiwei),
            ActDecision(
                cycle_unit=jcy, kind="improvement", text="律师会见实行预约登记，纳入公诉科防控措施", decided_by=jiwei
            ),
            ActDecision(
                cycle_unit=hbj, kind="accountability", text="对环境监察大队执法不规范问题约谈大队长", decided_by=jiwei
            ),
            ActDecision(cycle_unit=hbj, kind="follow_up", text="跟踪督导现场执法双人制落实情况", decided_by=jiwei),
        ]
    )


def _plan(cu: CycleUnit, code: str, admin) -> None:
    stage = STAGES.get(code, Stage.PLAN)
    year = cu.cycle.year
    if stage != Stage.PLAN or code == "QH-CZJ":
        CycleUnit.objects.filter(pk=cu.pk).update(
            rules_filed_on=dt.date(year, 2, 10), rules_note=f"清河区{cu.unit.name}{year}年度廉政风险防控实施细则"
        )
    if stage == Stage.PLAN:
        return
    order = [Stage.PLAN, Stage.DO, Stage.CHECK, Stage.ACT]
    moved = [(order[i], order[i + 1]) for i in range(order.index(stage))]
    days = [dt.date(year, 2, 20), dt.date(year, 11, 20), dt.date(year, 11, 21)]
    for (frm, to), day in zip(moved, days, strict=False):
        StageEvent.objects.create(
            cycle_unit=cu, kind=StageEvent.Kind.ADVANCED, from_stage=frm, to_stage=to, actor=admin
        )
        CycleUnit.objects.filter(pk=cu.pk).update(stage=to, stage_since=day)


def _education(cu: CycleUnit, code: str, year: int, today: dt.date) -> None:
    last = max(1, min(12, months_due(year, today)))
    topics = [
        "学习《中国共产党纪律处分条例》",
        "观看警示教育片",
        "廉政党课：严守纪律规矩",
        "典型案例剖析",
        "廉政知识测试",
    ]
    forms = ["lecture", "warning", "party_lesson", "seminar", "training"]
    rows = [
        EducationSession(
            unit=cu.unit,
            held_on=dt.date(year, month, 18),
            start_time=dt.time(15, 0),
            minutes=90 if month % 3 else 120,
            place="三楼会议室",
            form=forms[month % len(forms)],
            topic=topics[month % len(topics)],
            content=f"{month}月廉政教育：集中学习并交流发言，{cu.unit.name}全体干部参加。",
            participant_count=28 + month,
        )
        for month in range(1, last + 1)
        if month != MISSED_MONTH.get(code)
    ]
    EducationSession.objects.bulk_create(rows)


def _commitments(cu: CycleUnit, code: str, rng: random.Random) -> None:
    """Every cadre's commitment in a unit past Do; in the units in Do most are approved, a
    few wait for approval or were returned; the demo cadre has not filed yet."""
    people = list(Person.objects.filter(unit=cu.unit, is_active=True).exclude(user__username="cadre").order_by("pk"))
    stage = STAGES.get(code, Stage.PLAN)
    if stage == Stage.PLAN and code != "QH-CZJ":
        return
    posts = dict(
        PostHolding.objects.filter(person__in=people, end_date__isnull=True)
        .order_by("post__rank")
        .values_list("person_id", "post_id")
    )
    rows, statuses = [], []
    for i, person in enumerate(people):
        if stage in (Stage.CHECK, Stage.ACT):
            status = CommitmentStatus.RATED if stage == Stage.ACT else CommitmentStatus.APPROVED
        elif stage == Stage.PLAN:
            status = CommitmentStatus.SUBMITTED if i % 2 else CommitmentStatus.DRAFT
        else:
            status = [CommitmentStatus.APPROVED] * 6 + [CommitmentStatus.SUBMITTED, CommitmentStatus.RETURNED]
            status = status[i % len(status)]
        statuses.append(status)
        rows.append(
            Commitment(
                cycle=cu.cycle,
                person=person,
                unit=cu.unit,
                post_id=posts.get(person.pk),
                status=status,
                submitted_at=timezone.now(),
                decision_note="请结合岗位职责细化承诺内容" if status == CommitmentStatus.RETURNED else "",
                kept_report="全年严格履行承诺，未发生违规违纪问题。" if status == CommitmentStatus.RATED else "",
                rating=rng.choice([Rating.EXCELLENT, Rating.EXCELLENT, Rating.GOOD, Rating.FAIR])
                if status == CommitmentStatus.RATED
                else None,
            )
        )
    made = Commitment.objects.bulk_create(rows)
    items = []
    for c in made:
        items += [
            CommitmentItem(commitment=c, order=i, standard_key=k, text=t) for i, (k, t) in enumerate(COMMITMENT_ITEMS)
        ]
        items.append(CommitmentItem(commitment=c, order=5, text=rng.choice(OWN_ITEMS)))
    CommitmentItem.objects.bulk_create(items)
    if code == "QH-JCY":
        CycleUnit.objects.filter(pk=cu.pk).update(commitments_public=True)


def _talks(cu: CycleUnit, rng: random.Random, year: int, today: dt.date) -> None:
    duties = list(TalkDuty.objects.filter(cycle_unit=cu).order_by("pk"))
    rows = []
    for i, duty in enumerate(duties):
        held = 2 if i % 4 else (i // 4) % 2  # most pairs talked twice; some once or not at all
        for n in range(held):
            day = min(today, dt.date(year, 3 + n * 5, 10 + i % 15))
            rows.append(
                Talk(
                    unit=cu.unit,
                    leader=duty.leader,
                    cadre=duty.cadre,
                    held_on=day,
                    place="办公室",
                    summary=rng.choice(
                        ["谈工作作风与廉洁自律", "了解思想动态，提醒节日期间廉洁要求", "谈岗位风险点及防控措施落实"]
                    ),
                )
            )
    Talk.objects.bulk_create(rows)


def _inspections(cus: dict, cycle: Cycle, users: dict) -> None:
    """First half: accepted everywhere past Plan (one unit late); second half: accepted in
    the units in Check and Act. The procuratorate's second half is left to the journey."""
    h1, h2 = (Checkpoint.objects.get(cycle=cycle, half=h) for h in (1, 2))
    report = {
        "report_measures": "各项防控措施均已落实，针对性较强，措施落实后未发生违纪问题。",
        "report_conduct": "干部廉洁自律情况良好，未发现违反中央八项规定精神问题。",
        "report_weaknesses": "部分制度执行存在“重制定、轻落实”现象，将进一步细化。",
    }
    for code, cu in cus.items():
        stage = STAGES.get(code, Stage.PLAN)
        if stage == Stage.PLAN:
            continue
        for checkpoint in [h1] + ([h2] if stage in (Stage.CHECK, Stage.ACT) else []):
            on_time = not (code == "QH-ZJJ" and checkpoint.half == 1)
            day = checkpoint.due_on - dt.timedelta(days=3) if on_time else checkpoint.due_on + dt.timedelta(days=6)
            inspection = SelfInspection.objects.create(
                cycle_unit=cu,
                checkpoint=checkpoint,
                status="accepted",
                submitted_on=day,
                on_time=on_time,
                reviewed_by=users["jiwei"],
                reviewed_on=day + dt.timedelta(days=2),
                **report,
            )
            services.inspections.build_items(inspection, answered=True)


def _evaluations(cycle: Cycle, cus: dict, users: dict, rng: random.Random) -> None:
    """Closed evaluations with ballots (written as the service writes them): the
    procuratorate's unit evaluation (satisfied), and the environment bureau's of the head
    of its enforcement brigade, below the threshold (a reminder proposed)."""
    plans = [
        ("QH-JCY", None, "清河区人民检察院年度民主测评", 0.9),
        ("QH-HBJ", "大队长", "环境监察大队大队长民主测评", 0.62),
        ("QH-DGZ", None, "东关镇人民政府年度民主测评", 0.85),
    ]
    for code, title, name, satisfied in plans:
        cu = cus[code]
        subject = None
        if title:
            holding = PostHolding.objects.filter(
                post__department__path__startswith=cu.unit.path, post__name=title
            ).first()
            subject = holding.person if holding else None
        evaluation = services.evaluation_create(
            user=users["jiwei"],
            unit=cu.unit,
            cycle=cycle,
            subject_kind="leader" if subject else "unit",
            subject_person=subject,
            title=name,
            closes_on=timezone.localdate(),
        )
        people = list(Person.objects.filter(unit=cu.unit, is_active=True).order_by("pk"))
        Evaluation.objects.filter(pk=evaluation.pk).update(status=EvaluationStatus.OPEN)
        EvaluationToken.objects.bulk_create(
            [
                EvaluationToken(
                    evaluation=evaluation, participant=p, token_hash=f"demo-{evaluation.pk}-{p.pk}", used=i % 7 != 0
                )
                for i, p in enumerate(people)
            ]
        )
        voters = sum(1 for i in range(len(people)) if i % 7 != 0)
        for _v in range(voters):
            ballot = Ballot.objects.create(evaluation=evaluation)
            BallotAnswer.objects.bulk_create(
                BallotAnswer(ballot=ballot, question=q, answer=1 if rng.random() < satisfied else rng.choice([2, 3, 3]))
                for q in range(len(evaluation.questions))
            )
        services.evaluation_close(evaluation=evaluation)


def _spot_checks(cycle: Cycle, cus: dict, jiwei, year: int) -> None:
    services.spotcheck_record(
        user=jiwei,
        unit=cus["QH-HBJ"].unit,
        cycle=cycle,
        kind="unannounced",
        subject="现场执法双人制及执法记录仪使用",
        checked_on=dt.date(year, 5, 12),
        checkers="区纪委监委第一纪检监察室",
        findings="抽查3起现场检查，1起未全程录像。",
        rectification_required=True,
        rectification="执法记录仪全程开启，法制科每月抽查录像",
        rectification_due=dt.date(year, 6, 30),
    )
    done = services.spotcheck_record(
        user=jiwei,
        unit=cus["QH-DGZ"].unit,
        cycle=cycle,
        kind="special",
        subject="低保审批大额资金使用",
        checked_on=dt.date(year, 4, 8),
        checkers="区纪委监委、区民政局联合检查组",
        findings="2户低保对象家庭收入核查材料不全。",
        rectification_required=True,
        rectification="重新入户核查并补齐材料",
        rectification_due=dt.date(year, 5, 31),
    )
    done.rectified_on, done.rectification_report = dt.date(year, 5, 20), "已重新核查，清退不符合条件1户，补齐材料。"
    done.save(update_fields=["rectified_on", "rectification_report"])
    services.spotcheck_record(
        user=jiwei,
        unit=cus["QH-JCY"].unit,
        cycle=cycle,
        kind="open",
        subject="廉政教育台帐及谈心谈话记录",
        checked_on=dt.date(year, 9, 16),
        checkers="区纪委监委第一纪检监察室",
        findings="台帐记录完整，谈心谈话记录规范。",
    )
