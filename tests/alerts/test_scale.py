"""The benchmark generator of the warnings area: counts, authority, numbers, deadlines."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.utils import timezone

from alerts import authority, selectors, services, todos
from alerts.models import (
    InfoKindRule,
    Petition,
    RiskInfo,
    RiskWarning,
    WarningEvent,
    WarningLevel,
    WarningStatus,
)
from core.workdays import add_workdays
from org.models import NodeKind, OrgNode, Person, PostHolding, Role, RoleAssignment
from risks.models import RiskStatus
from tests.factories import UserFactory, role

pytestmark = pytest.mark.django_db

UNITS, INFOS, WARNINGS = 2, 25, 10
PETITIONS = INFOS // 5  # a fifth as many petitions as pieces of information


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def _generate(code: str, **numbers) -> OrgNode:
    call_command(
        "generate_scale",
        units=UNITS,
        posts_per_unit=3,
        powers_per_unit=1,
        risks_per_post=1,
        code=code,
        stdout=StringIO(),
        **numbers,
    )
    return OrgNode.objects.get(code=code)


def _check_area(province: OrgNode) -> None:
    units = OrgNode.objects.filter(path__startswith=province.path, kind=NodeKind.UNIT)
    infos = RiskInfo.objects.filter(unit__in=units).select_related("node")
    petitions = Petition.objects.filter(node__path__startswith=province.path)
    warnings = RiskWarning.objects.filter(unit__in=units).select_related("unit", "node", "issuer_node", "post")
    assert infos.count() == UNITS * INFOS
    assert petitions.count() == UNITS * PETITIONS
    assert warnings.count() == UNITS * WARNINGS

    # information: each about the unit or one of its departments, collected by the unit, its
    # deadline the kind's working days after the trigger date, late exactly when after it
    days = dict(InfoKindRule.objects.values_list("kind", "entry_days"))
    for info in infos:
        assert info.collection_point_id == info.unit_id
        assert info.node_id == info.unit_id or info.node.path.startswith(info.unit.path)
        expected = add_workdays(info.trigger_date, days[info.kind]) if days[info.kind] is not None else None
        assert info.entry_deadline == expected
        assert info.trigger_date <= info.entered_on
        assert info.is_late == (expected is not None and info.entered_on > expected)
    assert infos.filter(is_late=True).exists() and infos.filter(is_late=False).exists()
    assert len(set(infos.values_list("kind", flat=True))) >= 3

    # petitions: answer due after 30 working days; an anonymous one keeps no name
    anonymous = petitions.filter(is_anonymous=True)
    assert anonymous.count() == UNITS * PETITIONS // 5
    for p in anonymous:
        assert p.reporter_name == "" and p.reporter_contact == "" and len(p.receipt_hash) == 64
    assert all(p.reporter_name for p in petitions.filter(is_anonymous=False))
    for p in petitions:
        assert p.due_on == add_workdays(p.received_on, settings.PETITION_ANSWER_WORKDAYS)
        assert (p.replied_on is not None) == (p.status in ("answered", "closed"))

    # warnings: numbers unique and numbered per issuing office and year from 1, as the
    # service numbers them; each issued under the authority its colour needs
    numbers = list(warnings.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    per_office: dict[tuple, list[int]] = {}
    for w in warnings:
        found = re.fullmatch(rf"{re.escape(w.issuer_node.code)}预〔{w.issued_on.year}〕(\d+)号", w.number)
        assert found, w.number
        per_office.setdefault((w.issuer_node_id, w.issued_on.year), []).append(int(found[1]))
    assert all(sorted(n) == list(range(1, len(n) + 1)) for n in per_office.values())
    issuers: dict[tuple[str, int], object] = {}
    for w in warnings:
        department = w.node if w.node.kind == NodeKind.DEPARTMENT else None
        user = issuers.get((w.issuer_role, w.issuer_node_id))
        if user is None:
            user = issuers[(w.issuer_role, w.issuer_node_id)] = UserFactory()
            role(user, w.issuer_role, w.issuer_node, below=w.issuer_role == Role.DISCIPLINE_COMMISSION)
        found = authority.issuing_authority(user, w.level, unit=w.unit, department=department)
        assert found is not None and (found.role, found.node.pk) == (w.issuer_role, w.issuer_node_id)
        expected_role = {1: "commission", 2: "discipline", 3: "dept_head"}[w.level]
        assert w.issuer_role == expected_role
        if w.level == WarningLevel.RED:  # the commission of the area right above the unit
            assert w.issuer_node.kind == NodeKind.COUNTY and w.unit.path.startswith(w.issuer_node.path)
        if w.target_kind == "post":
            assert w.post.department_id == w.node_id
        assert w.reply_due > w.issued_on and w.notice.name == ""
        assert (w.closed_on is not None) == (w.status == WarningStatus.CLOSED)
    assert {w.target_kind for w in warnings} <= {"unit", "department", "post"}
    # an "issued" event each; the overdue ones escalated once
    events = Counter(WarningEvent.objects.filter(warning__in=warnings).values_list("kind", flat=True))
    assert events["issued"] == warnings.count()
    assert events["escalated"] == warnings.filter(escalated_on__isnull=False).count()
    assert all(
        w.status == WarningStatus.ISSUED and w.reply_due < w.escalated_on
        for w in warnings.filter(escalated_on__isnull=False)
    )
    # the risk points a warning rests on are approved points of its unit
    for w in warnings.prefetch_related("risk_points"):
        assert all(p.unit_id == w.unit_id and p.status == RiskStatus.APPROVED for p in w.risk_points.all())


def test_generate_scale_adds_the_warnings_area():
    # given / when a tiny province is generated with information and warnings
    province = _generate("AS1", infos_per_unit=INFOS, warnings_per_unit=WARNINGS)
    # then its archive, petitions and warnings are complete and consistent
    _check_area(province)


def test_zero_disables_and_the_command_adds_them_once(media):
    # given a generated province without information or warnings
    province = _generate("AS2", infos_per_unit=0, warnings_per_unit=0)
    assert not RiskInfo.objects.exists() and not RiskWarning.objects.exists() and not Petition.objects.exists()
    # when they are added afterwards
    out = StringIO()
    call_command("generate_scale_alerts", code="AS2", infos_per_unit=INFOS, warnings_per_unit=WARNINGS, stdout=out)
    # then they are consistent, the command says how many and how fast, and a second run is refused
    _check_area(province)
    assert "rows/s" in out.getvalue() and f"{UNITS * (INFOS + PETITIONS + WARNINGS)} information" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("generate_scale_alerts", code="AS2", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("generate_scale_alerts", code="NOPE", stdout=StringIO())
    # and an office issuing through the service afterwards gets its next number
    unit = OrgNode.objects.filter(path__startswith=province.path, kind=NodeKind.UNIT).order_by("path").first()
    officer = UserFactory()
    role(officer, Role.DISCIPLINE_STAFF, unit)
    warning = services.warning_issue(
        user=officer,
        level=2,
        target_kind="unit",
        unit=unit,
        title="测试",
        facts="测试事实",
        disposals=["talk"],
    )
    year = warning.issued_on.year
    taken = RiskWarning.objects.filter(issuer_node=unit, issued_on__year=year).exclude(pk=warning.pk).count()
    assert warning.number == f"{unit.code}预〔{year}〕{taken + 1}号"


# --- the faster list queries give the results of the plain ones -----------------------------


def _my_warnings_plain(user):
    """selectors.my_warnings as one query with subqueries (before it was made indexable)."""
    today = timezone.localdate()
    posts = PostHolding.objects.on(today).filter(person__user=user).values("post")
    heads = RoleAssignment.objects.filter(user=user, role=Role.DEPARTMENT_HEAD).values("node")
    units = RoleAssignment.objects.filter(user=user, role__in=[Role.UNIT_CHIEF, Role.LEADING_GROUP_OFFICE]).values(
        "node"
    )
    return RiskWarning.objects.filter(
        Q(target_kind="post", post__in=posts)
        | Q(target_kind="person", person__user=user)
        | Q(target_kind="department", node__in=heads)
        | Q(target_kind="unit", unit__in=units)
    )


def _late_plain(qs, limit=20):
    """selectors.late_by_collection_point as one aggregate over every entry."""
    return list(
        qs.order_by()
        .values("collection_point__name")
        .annotate(total=Count("pk"), late=Count("pk", filter=Q(is_late=True)))
        .filter(late__gt=0)
        .order_by("-late", "collection_point__name")[:limit]
    )


def test_the_indexed_queries_change_no_result(media):
    # given a generated province of four units, and users who answer warnings in every way:
    # a department head who holds a post, a unit chief, a leading-group office that is
    # also the person a warning targets, and a user who answers for nothing
    call_command(
        "generate_scale",
        units=4,
        posts_per_unit=12,
        units_per_county=2,
        counties_per_city=1,
        powers_per_unit=1,
        risks_per_post=1,
        infos_per_unit=INFOS,
        warnings_per_unit=WARNINGS,
        code="AS3",
        stdout=StringIO(),
    )
    province = OrgNode.objects.get(code="AS3")
    below = OrgNode.objects.filter(path__startswith=province.path)
    units = list(below.filter(kind=NodeKind.UNIT).order_by("path"))
    dept = RiskWarning.objects.filter(unit__in=units, target_kind="department").select_related("node").first().node
    post_warning = RiskWarning.objects.filter(unit__in=units, target_kind="post").select_related("post").first()
    head, chief, office, nobody = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    role(head, Role.DEPARTMENT_HEAD, dept)
    holder = PostHolding.objects.current().filter(post=post_warning.post).first().person
    Person.objects.filter(pk=holder.pk).update(user=head)
    warned_unit = RiskWarning.objects.filter(unit__in=units, target_kind="unit").first().unit
    role(chief, Role.UNIT_CHIEF, warned_unit)
    other_unit = next(u for u in units if u != warned_unit)
    role(office, Role.LEADING_GROUP_OFFICE, other_unit)
    cadre = Person.objects.filter(unit=other_unit, user__isnull=True).first()
    Person.objects.filter(pk=cadre.pk).update(user=office)
    commission = UserFactory()
    role(commission, Role.DISCIPLINE_COMMISSION, province, below=True)
    services.warning_issue(
        user=commission,
        level=1,
        target_kind="person",
        person=Person.objects.get(pk=cadre.pk),
        title="对个人的预警",
        facts="事实",
        disposals=["rectify"],
    )
    # then "warnings to me" finds the same warnings as the plain query, for everyone
    for user in (head, chief, office, nobody, commission):
        mine = list(selectors.my_warnings(user).order_by("-id").values_list("pk", flat=True))
        assert mine == list(_my_warnings_plain(user).order_by("-id").values_list("pk", flat=True))
    assert selectors.my_warnings(head).filter(target_kind="post").exists()
    assert selectors.my_warnings(head).filter(target_kind="department").exists()
    assert selectors.my_warnings(chief).filter(target_kind="unit").exists()
    assert selectors.my_warnings(office).filter(target_kind="person").exists()
    assert not selectors.my_warnings(nobody).exists()
    # and the late-by-collection-point summary is the plain aggregate's, in every scope and
    # filter, also when the limit cuts ties
    for under, kwargs, limit in [
        (None, {}, 20),
        (None, {}, 2),
        (units[0], {}, 20),
        (below.filter(kind=NodeKind.COUNTY).order_by("path").last(), {"kind": "warning"}, 20),
        (None, {"late": True}, 3),
        (None, {"text": "没有这样的标题"}, 20),
    ]:
        qs = selectors.info_list(user=commission, under=under, **kwargs)
        assert selectors.late_by_collection_point(qs, limit) == _late_plain(qs, limit)
    assert 0 < len(selectors.late_by_collection_point(selectors.info_list(user=commission))) <= 4
    # and the petition to-dos count what the whole list would (with at least one open
    # petition past its answer date, whatever day the generator's dates fell on)
    late = Petition.objects.filter(node__path__startswith=province.path, status__in=["received", "assigned"]).first()
    Petition.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    items = {i.url.rsplit("/", 1)[-1]: i.count for i in todos.alert_todos(commission) if "petitions" in i.url}
    plain = selectors.petition_list(user=commission).aggregate(
        new=Count("pk", filter=Q(status="received")),
        overdue=Count("pk", filter=Q(status__in=["received", "assigned"], due_on__lt=timezone.localdate())),
    )
    assert items["?status=received"] == plain["new"] > 0
    assert items["?overdue=1"] == plain["overdue"] > 0
