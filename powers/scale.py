"""Bulk generation of power items and processes for benchmarks (used by generate_scale)."""

from __future__ import annotations

from django.utils import timezone

from org.models import OrgNode, Post
from powers.models import LegalBasis, Power, PowerClass, PowerType, PowerVersion, ProcessStep, VersionStatus

STEP_NAMES = ["受理", "审查", "核查", "决定", "送达"]


def generate_powers(units: list[OrgNode], departments: list[OrgNode], posts: list[Post], per_unit: int, bulk) -> int:
    """`per_unit` published powers for each unit, each with a legal basis and a five-step
    process (审查 branches to 核查 or straight to 决定); `bulk(rows, label)` inserts."""
    types = list(PowerType.objects.order_by("sort_order"))
    first_dept = {d.path[: -OrgNode.steplen]: d for d in reversed(departments)}
    first_post = {p.department.path: p for p in reversed(posts)}
    now = timezone.now()
    powers = bulk([Power(unit=u, code=f"{u.code}-Q{i}") for u in units for i in range(1, per_unit + 1)], "权力 powers")
    versions = []
    for power in powers:
        dept = first_dept[power.unit.path]
        kind = types[hash(power.code) % len(types)]
        versions.append(
            PowerVersion(
                power=power,
                number=1,
                status=VersionStatus.PUBLISHED,
                name=f"{kind.name}事项{power.code}",
                power_type=kind,
                power_class=kind.default_class or PowerClass.EXTERNAL,
                department=dept,
                time_limit_days=20,
                published_at=now,
            )
        )
    versions = bulk(versions, "版本 versions")
    bulk([LegalBasis(version=v, law="中华人民共和国行政许可法", articles="第四十二条") for v in versions], "依据 bases")
    steps = bulk(
        [
            ProcessStep(
                version=v,
                key=f"S{i + 1}",
                name=name,
                order=i,
                post=first_post.get(v.department.path),
                time_limit_days=5,
            )
            for v in versions
            for i, name in enumerate(STEP_NAMES)
        ],
        "环节 steps",
    )
    through = ProcessStep.next_steps.through
    edges = []
    for i in range(0, len(steps), len(STEP_NAMES)):
        s = steps[i : i + len(STEP_NAMES)]
        for a, b in ((0, 1), (1, 2), (1, 3), (2, 3), (3, 4)):
            edges.append(through(from_processstep=s[a], to_processstep=s[b]))
    bulk(edges, "流向 edges")
    return len(versions)
