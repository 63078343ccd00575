"""Power inventory writes: versioning, process checks, scope; nothing half-written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from org.models import Role
from powers import selectors, services
from powers.models import Power, PowerVersion, ProcessStep, VersionStatus
from powers.services import BasisInput, StepInput

pytestmark = pytest.mark.django_db


def _content(version):
    return {
        "posts": list(version.posts.all()),
        "legal_bases": [BasisInput(b.law, b.articles) for b in version.legal_bases.all()],
        "steps": [
            StepInput(s.key, s.name, s.post, s.time_limit_days, s.checks, [n.key for n in s.next_steps.all()])
            for s in version.steps.all()
        ],
    }


def test_create_publish_revise_keeps_every_version(org, make_power):
    staff = org.users["discipline"]
    v1 = make_power()
    assert v1.status == VersionStatus.DRAFT and v1.steps.count() == 4
    services.draft_publish(user=staff, version=v1)
    # revising copies the published content into a new draft; v1 stays in force
    v2 = services.power_revise(user=staff, power=v1.power)
    assert v2.number == 2 and v2.is_draft
    assert sorted(s.key for s in v2.steps.all()) == ["S1", "S2", "S3", "S4"]
    assert set(v2.steps.get(key="S2").next_steps.values_list("key", flat=True)) == {"S3", "S4"}
    assert services.power_revise(user=staff, power=v1.power) == v2  # one draft at a time
    content = _content(v2)
    services.draft_update(user=staff, version=v2, name="排污许可证核发（简化）", time_limit_days=15, **content)
    services.draft_publish(user=staff, version=v2)
    v1.refresh_from_db()
    assert v1.status == VersionStatus.SUPERSEDED and v1.ended_at == PowerVersion.objects.get(pk=v2.pk).published_at


def test_inventory_on_a_date(org, make_power):
    staff = org.users["discipline"]
    v1 = make_power()
    services.draft_publish(user=staff, version=v1)
    v2 = services.power_revise(user=staff, power=v1.power)
    services.draft_update(user=staff, version=v2, name="新名称", **_content(v2))
    services.draft_publish(user=staff, version=v2)
    # move v1's life into the past: published 2026-01-10, superseded 2026-03-15
    tz = timezone.get_current_timezone()
    PowerVersion.objects.filter(pk=v1.pk).update(
        published_at=dt.datetime(2026, 1, 10, 9, tzinfo=tz), ended_at=dt.datetime(2026, 3, 15, 9, tzinfo=tz)
    )
    PowerVersion.objects.filter(pk=v2.pk).update(published_at=dt.datetime(2026, 3, 15, 9, tzinfo=tz))
    assert [v.name for v in selectors.inventory_on(unit=org.unit_a, day=dt.date(2026, 3, 1))] == ["排污许可证核发"]
    assert [v.name for v in selectors.inventory_on(unit=org.unit_a, day=dt.date(2026, 3, 15))] == ["新名称"]
    assert list(selectors.inventory_on(unit=org.unit_a, day=dt.date(2025, 12, 31))) == []


def test_published_versions_do_not_change(org, make_power):
    staff = org.users["discipline"]
    v1 = make_power()
    services.draft_publish(user=staff, version=v1)
    with pytest.raises(ValidationError):
        services.draft_update(user=staff, version=v1, name="改", **_content(v1))
    v1.refresh_from_db()
    assert v1.name == "排污许可证核发"


@pytest.mark.parametrize(
    ("steps", "words"),
    [
        ([StepInput("S1", "受理", next_keys=["S2"]), StepInput("S2", "审查", next_keys=["S1"])], "loops back"),
        ([StepInput("S1", "受理"), StepInput("S2", "孤立步骤")], "cannot be reached"),
        ([StepInput("S1", "受理", next_keys=["S9"])], "unknown steps"),
        ([StepInput("S1", "受理"), StepInput("S1", "重复")], "unique"),
    ],
)
def test_bad_processes_are_refused_and_nothing_is_saved(org, make_power, steps, words):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as exc:
        make_power(steps=steps)
    assert any(words in m for m in exc.value.message_dict["steps"])
    assert not Power.objects.exists() and not ProcessStep.objects.exists()


def test_step_post_must_be_in_the_unit(org, make_power):
    with pytest.raises(ValidationError) as exc:
        make_power(steps=[StepInput("S1", "受理", org.post_b1)])
    assert "steps" in exc.value.message_dict
    assert not Power.objects.exists()


def test_duplicate_code_and_missing_law(org, make_power, licensing):
    make_power(code="P001")
    with pytest.raises(ValidationError) as exc:
        make_power(code="P001")
    assert "code" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.power_create(
            user=org.users["discipline"],
            unit=org.unit_a,
            code="P002",
            name="x",
            power_type=licensing,
            power_class=1,
            department=org.dept_a1,
            legal_bases=[BasisInput("  ", "第一条")],
            steps=[StepInput("S1", "受理")],
        )
    assert "legal_bases" in exc.value.message_dict
    assert Power.objects.count() == 1


def test_who_may_edit_which_inventory(org, make_power):
    # department heads keep their own department's powers, not another's
    make_power(code="P-A1", user=org.users[Role.DEPARTMENT_HEAD])
    with pytest.raises(PermissionDenied):
        make_power(code="P-A2", user=org.users[Role.DEPARTMENT_HEAD], department=org.dept_a2)
    # leaders and cadres read but do not edit
    for role_name in (Role.UNIT_CHIEF, Role.CADRE, Role.LEADING_GROUP_OFFICE):
        with pytest.raises(PermissionDenied):
            make_power(code=f"P-{role_name}", user=org.users[role_name])
    # another unit's staff cannot publish unit A's power
    version = PowerVersion.objects.get()
    outsider = org.users["outsider"]
    with pytest.raises(PermissionDenied):
        services.draft_publish(user=outsider, version=version)


def test_publishing_needs_basis_and_process(org, make_power, licensing):
    staff = org.users["discipline"]
    bare = services.power_create(
        user=staff,
        unit=org.unit_a,
        code="P9",
        name="空事项",
        power_type=licensing,
        power_class=1,
        department=org.dept_a1,
    )
    with pytest.raises(ValidationError):
        services.draft_publish(user=staff, version=bare)


def test_retire_needs_a_reason(org, make_power):
    staff = org.users["discipline"]
    v1 = make_power()
    services.draft_publish(user=staff, version=v1)
    with pytest.raises(ValidationError):
        services.power_retire(user=staff, power=v1.power, reason="")
    services.power_retire(user=staff, power=v1.power, reason="职能取消")
    v1.refresh_from_db()
    assert v1.status == VersionStatus.RETIRED and v1.ended_at is not None
    assert not selectors.public_list().exists()


def test_flowchart_contains_every_step_and_edge(org, make_power):
    version = selectors.version_detail(make_power().pk)
    svg = selectors.flowchart_svg(version)
    for key, name in (("S1", "受理"), ("S2", "审查"), ("S3", "准予许可"), ("S4", "不予许可")):
        assert f'data-key="{key}"' in svg and name in svg
    edges = {("S1", "S2"), ("S2", "S3"), ("S2", "S4")}
    for a, b in edges:
        assert f'data-from="{a}" data-to="{b}"' in svg
    assert svg.count('class="edge"') == len(edges)
    assert "<script" not in svg


def test_risk_nodes_are_filled_by_their_highest_grade(org, make_power):
    from powers import risk_nodes

    version = selectors.version_detail(make_power().pk)
    review = version.steps.get(key="S2")
    asked = []

    def provider(step_ids):  # what the risk register will register
        asked.append(sorted(step_ids))
        return {review.pk: 1}

    installed = risk_nodes.register(provider)
    try:
        svg = selectors.flowchart_svg(version)
        risk_nodes.register(None)
        unmarked = selectors.flowchart_svg(version)
    finally:
        risk_nodes.register(installed)  # the risk register's own provider
    assert asked == [sorted(version.steps.values_list("pk", flat=True))]  # one call for all steps
    s2 = svg[svg.index('data-key="S2"') : svg.index("</g>", svg.index('data-key="S2"'))]
    s1 = svg[svg.index('data-key="S1"') : svg.index("</g>", svg.index('data-key="S1"'))]
    assert risk_nodes.GRADE_FILLS[1] in s2 and risk_nodes.GRADE_FILLS[1] not in s1
    assert risk_nodes.GRADE_FILLS[1] not in unmarked  # no provider, no marks
