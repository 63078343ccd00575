from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from org.demo import DEMO_ACCOUNTS
from org.models import NodeKind, OrgNode, Person, Post, PostHolding, Role, RoleAssignment


def _counts():
    from powers.models import PowerVersion
    from risks.models import RiskPoint

    return (
        OrgNode.objects.count(),
        Post.objects.count(),
        Person.objects.count(),
        PostHolding.objects.count(),
        RoleAssignment.objects.count(),
        PowerVersion.objects.count(),
        RiskPoint.objects.count(),
    )


def test_seed_demo_is_idempotent_and_covers_every_role():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = _counts()
    assert first[-2] >= 7 and first[-1] >= 8  # demo powers and risk points
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == first
    assert OrgNode.objects.filter(kind=NodeKind.UNIT).count() >= 6
    assert 140 <= Post.objects.count() <= 200
    # every role has a demo account, printed with its password
    assert {r for _u, r, *_ in DEMO_ACCOUNTS} == set(Role.values)
    text = out.getvalue()
    for username, *_ in DEMO_ACCOUNTS:
        assert username in text
    # every post has exactly one holder and names are Chinese
    assert PostHolding.objects.current().count() == Post.objects.count()
    assert all("\u4e00" <= p.name[0] <= "\u9fff" for p in Person.objects.all()[:50])


def test_generate_scale_builds_a_consistent_tree():
    call_command(
        "generate_scale",
        units=25,
        posts_per_unit=12,
        units_per_county=10,
        counties_per_city=2,
        code="GS",
        stdout=StringIO(),
    )
    province = OrgNode.objects.get(code="GS")
    below = OrgNode.objects.filter(path__startswith=province.path)
    assert below.filter(kind=NodeKind.UNIT).count() == 25
    assert below.filter(kind=NodeKind.COUNTY).count() == 3
    assert Post.objects.filter(department__path__startswith=province.path).count() == 25 * 6 * 2
    assert PostHolding.objects.count() == Post.objects.count()
    # 12 published powers per unit, each a sound five-step process
    from powers.models import PowerVersion, ProcessStep
    from powers.services import StepInput, check_process

    assert PowerVersion.objects.filter(status="published").count() == 25 * 12
    version = PowerVersion.objects.select_related("power__unit").first()
    steps = [
        StepInput(s.key, s.name, s.post, next_keys=[n.key for n in s.next_steps.all()])
        for s in ProcessStep.objects.filter(version=version).select_related("post__department")
    ]
    assert len(steps) == 5 and check_process(steps, version.power.unit) == []
    # treebeard agrees the generated paths, depths and child counts are sound
    assert OrgNode.objects.find_problems() == ([], [], [], [], [])
    with pytest.raises(CommandError):
        call_command("generate_scale", units=1, code="GS", stdout=StringIO())
    # and the page benchmark runs over it, printing a row per page
    out = StringIO()
    call_command("bench_pages", over="GS", n=2, stdout=out)
    rows = [line for line in out.getvalue().splitlines() if line.startswith("/")]
    assert len(rows) >= 19 and all(len(r.split()) == 4 for r in rows)


@pytest.fixture(autouse=True)
def _db(db):
    pass
