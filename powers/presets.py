"""The preset power types (the office can add and retire types later), in one place: the
data migration installs them, and seed_demo makes sure they are there."""

from __future__ import annotations

TYPES = [
    ("行政许可", 1),
    ("行政处罚", 1),
    ("行政强制", 1),
    ("行政征收", 1),
    ("行政给付", 1),
    ("行政检查", 1),
    ("行政确认", 1),
    ("行政奖励", 1),
    ("行政裁决", 1),
    ("其他行政权力", 1),
    ("重大事项决策", 2),
    ("人事管理", 2),
    ("财务管理", 2),
    ("资产管理", 2),
    ("内部管理", 2),
]


def ensure_presets(type_model) -> None:
    for order, (name, power_class) in enumerate(TYPES):
        type_model.objects.get_or_create(name=name, defaults={"default_class": power_class, "sort_order": order})
