"""Assessment fixtures: the `org` of tests/conftest.py with cadres holding its posts, and a
2026 cycle over the county opened by the district commission (on a fixed day, so every
date below is known)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from assessment import services
from assessment.models import Cycle, CycleUnit
from org.models import Person, Role
from risks.models import Measure, MeasureType, RiskCategory, RiskPoint, RiskScope, RiskStatus
from tests.factories import person_holding

OPENED = dt.date(2026, 1, 12)  # a Monday
DATES = {
    "commitment_due": dt.date(2026, 3, 31),
    "h1_opens": dt.date(2026, 6, 15),
    "h1_due": dt.date(2026, 7, 15),
    "h2_opens": dt.date(2026, 12, 1),
    "h2_due": dt.date(2026, 12, 31),
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture(autouse=True)
def _english():
    """Messages asserted on below are the English msgids, whatever the catalogue says (the
    pages themselves are checked by their data-testid markers)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def routed():
    """The area's menu entries and to-do items (registered by the app since its URLs are
    the project's; kept for the tests that ask for it)."""
    yield


@dataclass
class People:
    cadre: Person  # 检察官 of 公诉科 (unit A)
    clerk: Person  # 文秘 of 办公室 (unit A), no deputy in charge of it
    head: Person  # 科长 of 公诉科, the department head
    chief: Person  # the unit chief of unit A
    deputy: Person  # the deputy in charge of 公诉科
    b_cadre: Person  # 审批员 of unit B


@pytest.fixture
def people(org) -> People:
    """Cadre records for the role users of unit A, and cadres holding its posts."""
    users = org.users

    def record(user, name, post=None):
        person = Person.objects.create(user=user, name=name, unit=org.unit_a)
        if post is not None:
            from org.models import PostHolding

            PostHolding.objects.create(person=person, post=post, start_date=dt.date(2024, 1, 1))
        return person

    return People(
        cadre=person_holding(org.post_a1, username="cadre_a1"),
        clerk=person_holding(org.post_a2, username="clerk_a2"),
        head=record(users[Role.DEPARTMENT_HEAD], "科长甲", org.post_a1_head),
        chief=record(users[Role.UNIT_CHIEF], "检察长甲"),
        deputy=record(users[Role.DEPUTY_IN_CHARGE], "副检察长甲"),
        b_cadre=person_holding(org.post_b1, username="cadre_b1"),
    )


def open_cycle(org, year: int = 2026, **overrides) -> Cycle:
    dates = {k: v.replace(year=year) for k, v in DATES.items()}
    return services.cycle_open(
        user=org.users[Role.DISCIPLINE_COMMISSION],
        area=org.county,
        year=year,
        today=overrides.pop("today", OPENED.replace(year=year)),
        **{**dates, **overrides},
    )


@pytest.fixture
def cycle(org, people) -> Cycle:
    return open_cycle(org)


@pytest.fixture
def cu_a(cycle, org) -> CycleUnit:
    return CycleUnit.objects.select_related("cycle", "unit").get(cycle=cycle, unit=org.unit_a)


def approved_point(org, *, unit=None, post=None, description="审查起诉中收受当事人财物") -> RiskPoint:
    """An approved risk point of unit A's 公诉科/检察官, written directly (the approval flow
    is tested in tests/risks)."""
    post = post or org.post_a1
    return RiskPoint.objects.create(
        scope=RiskScope.POST,
        node=post.department,
        unit=unit or org.unit_a,
        post=post,
        category=RiskCategory.objects.get(name="岗位职责"),
        description=description,
        source="three_questions",
        likelihood=1,
        consequence=1,
        suggested_grade=1,
        grade=1,
        status=RiskStatus.APPROVED,
    )


def measure(point, owner, *, deadline, status="planned", done_on=None, text="双人办案、全程留痕") -> Measure:
    return Measure.objects.create(
        point=point,
        type=MeasureType.objects.order_by("pk").first(),
        description=text,
        check_method="纪检监察室每季度抽查",
        owner=owner,
        deadline=deadline,
        status=status,
        done_on=done_on,
        evidence_note="已落实" if status == "done" else "",
    )
