"""Preset colours (seed 000) and entry deadlines (seed 004), in one place: the data
migration installs them and seed_demo makes sure they are there."""

from __future__ import annotations

# level, name, colour, what it means, written reply within (working days)
COLOURS = [
    (1, "红色预警", "#c62828", "亮红灯", 5),
    (2, "橙色预警", "#ef6c00", "设警线", 10),
    (3, "黄色预警", "#f9a825", "敲警钟", 15),
]
# Seed 004: 警示类 within 7 working days of the conclusion, 提示类 within 3; 提醒类 "within a
# few working days" (the number is lost in the source: 5 until the office sets it);
# 学习类 any time.
ENTRY_DAYS = {"warning": 7, "reminder": 5, "tip": 3, "learning": None}


def ensure_presets(colour_model, rule_model) -> None:
    for level, name, colour, action, days in COLOURS:
        colour_model.objects.get_or_create(
            level=level, defaults={"name": name, "colour": colour, "action": action, "reply_days": days}
        )
    for kind, days in ENTRY_DAYS.items():
        rule_model.objects.get_or_create(kind=kind, defaults={"entry_days": days})
