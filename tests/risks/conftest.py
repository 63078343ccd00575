from __future__ import annotations

import pytest

from powers.models import PowerClass, PowerType
from powers.services import BasisInput, StepInput, power_create


@pytest.fixture
def licensing(db) -> PowerType:
    return PowerType.objects.get(name="行政许可")


@pytest.fixture
def make_power(org, licensing):
    """A draft power of unit A's 公诉科 with a three-step process (S2 branches to S3, S4)."""

    def make(code="P001", *, user=None, steps=None, **fields):
        steps = steps or [
            StepInput("S1", "受理", org.post_a1, 1, "材料是否齐全", ["S2"]),
            StepInput("S2", "审查", org.post_a1_head, 5, "是否符合法定条件", ["S3", "S4"]),
            StepInput("S3", "准予许可", org.post_a1_head, 2),
            StepInput("S4", "不予许可", org.post_a1_head, 2),
        ]
        values = {
            "name": "排污许可证核发",
            "power_type": licensing,
            "power_class": PowerClass.EXTERNAL,
            "department": org.dept_a1,
            "time_limit_days": 20,
            **fields,
        }
        return power_create(
            user=user or org.users["discipline"],
            unit=org.unit_a,
            code=code,
            posts=[org.post_a1],
            legal_bases=[BasisInput("中华人民共和国行政许可法", "第四十二条")],
            steps=steps,
            **values,
        )

    return make
