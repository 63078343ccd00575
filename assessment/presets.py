"""The assessment area's standard texts and defaults, in one place (seed 002, 000, 004).

The texts are the documents' own words (Chinese, not translated): they are what a cadre
signs and what an evaluation asks.
"""

from __future__ import annotations

from decimal import Decimal

# Seed 002, 公开承诺: the five standard items every cadre's commitment starts from.
COMMITMENT_ITEMS: list[tuple[str, str]] = [
    ("duty", "认真履行职责，严格遵守各项规章制度，公开、公平、公正，依法高效办事。"),
    ("two_duties", "认真履行“一岗双责”，自觉遵守领导干部廉洁自律的相关规定。"),
    ("conduct", "按照中央和区、市要求，加强思想作风、学风、工作作风、领导作风、生活作风建设。"),
    ("first_contact", "严格执行首问责任制，以及一次性告知和限时服务的规定。"),
    ("supervision", "自觉主动地接受社会各界监督。"),
]
COMMITMENT_TEXTS = dict(COMMITMENT_ITEMS)

# Seed 002, 民主测评: what the confidential survey asks about.
EVALUATION_QUESTIONS: list[str] = [
    "落实廉政风险防范措施情况",
    "落实各项管理制度、监督措施情况",
    "党员干部个人申报事项的准确度和公开承诺履行情况",
    "参与廉政教育学习、谈心、互帮互助等活动情况",
    "依据规定参与述职述廉、民主生活会、职代会情况",
]

# Seed 002, 定期自查: the three things a half-year self-inspection reports on.
INSPECTION_SECTIONS: list[tuple[str, str]] = [
    ("report_measures", "风险防范措施的制定是否具有针对性，措施的落实是否取得积极效果"),
    ("report_conduct", "党员干部廉洁自律、履职尽责情况"),
    ("report_weaknesses", "制度机制中的薄弱环节"),
]

# The default assessment scheme of a cycle (weights add up to 100). System indicators are
# computed from the platform's own data; manual ones are the assessors' marks.
# key, name, source, weight
INDICATORS: list[tuple[str, str, str, Decimal]] = [
    ("measures_on_time", "防控措施按期落实", "system", Decimal("20")),
    ("inspection_on_time", "定期自查按时报送", "system", Decimal("10")),
    ("warnings_closed", "预警处置办结", "system", Decimal("10")),
    ("education_months", "廉政教育月度覆盖", "system", Decimal("10")),
    ("talks_done", "谈心谈话完成", "system", Decimal("10")),
    ("commitments_kept", "公开承诺践诺", "system", Decimal("10")),
    ("satisfaction", "民主测评满意率", "system", Decimal("10")),
    ("supervision", "垂直抽查与日常监督（考核组评分）", "manual", Decimal("20")),
]
SYSTEM_INDICATORS = {key for key, _name, source, _w in INDICATORS if source == "system"}

# Seed 002: 每月开展一次廉政教育，每次不得少于一个小时; 主要领导每年谈心不少于两次.
EDUCATION_MIN_MINUTES = 60
TALKS_PER_YEAR = 2
SATISFACTION_THRESHOLD = 80  # percent; a cycle sets its own
REMIND_WORKDAYS = 3  # working days before a due date; a cycle sets its own
