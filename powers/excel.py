"""Excel import and export of a unit's power inventory and processes.

One workbook, three sheets: 权力事项 (one row a power), 法律依据 (one row a law), 业务流程
(one row a step). Export writes each power's working copy (its draft, else its published
version). Import checks every row first and writes nothing if any row is wrong; a power
whose content is unchanged is left alone (so re-importing an export changes nothing), a
changed draft is updated, and a changed published power gets a revision draft — import
never publishes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from io import BytesIO
from zipfile import BadZipFile

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from core.uploads import ImportFailed, RowError
from org.models import NodeKind, OrgNode, Post
from org.permissions import has_perm
from powers import services
from powers.models import PowerType, PowerVersion, VersionStatus
from powers.services import BasisInput, StepInput

POWER_SHEET, BASIS_SHEET, STEP_SHEET = "权力事项", "法律依据", "业务流程"
POWER_COLUMNS = [
    "编码",
    "名称",
    "权力类型",
    "权力类别",
    "责任科室",
    "行使岗位",
    "办理时限（工作日）",
    "时限说明",
    "收费标准",
]
BASIS_COLUMNS = ["权力编码", "法律法规", "条款"]
STEP_COLUMNS = ["权力编码", "环节编号", "环节名称", "责任岗位", "时限（工作日）", "审查要点", "下一环节"]
SEP = "；"


@dataclass
class ImportResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def _post_label(post: Post) -> str:
    return f"{post.department.name}/{post.name}"


def _working_versions(unit: OrgNode):
    """Each power's draft, else its published version, with everything the sheets need."""
    versions = (
        PowerVersion.objects.filter(power__unit=unit, status__in=[VersionStatus.DRAFT, VersionStatus.PUBLISHED])
        .select_related("power", "power_type", "department")
        .prefetch_related("posts__department", "legal_bases", "steps__post__department", "steps__next_steps")
        .order_by("power__code", "-number")
    )
    seen, result = set(), []
    for v in versions:  # the draft has the higher number and comes first
        if v.power_id not in seen:
            seen.add(v.power_id)
            result.append(v)
    return result


def _book(rows_by_sheet: dict[str, tuple[list[str], list[list]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    header_fill = PatternFill("solid", fgColor="F9E5E4")
    for title, (columns, rows) in rows_by_sheet.items():
        sheet = book.create_sheet(title)
        sheet.append(columns)
        for cell in sheet[1]:
            cell.font, cell.fill = Font(bold=True), header_fill
        for row in rows:
            sheet.append(row)
        for i, name in enumerate(columns):
            sheet.column_dimensions[chr(ord("A") + i)].width = max(12, len(name) * 2 + 4)
        sheet.freeze_panes = "A2"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def export_unit(unit: OrgNode) -> bytes:
    powers, bases, steps = [], [], []
    for v in _working_versions(unit):
        code = v.power.code
        powers.append(
            [
                code,
                v.name,
                v.power_type.name,
                v.power_class,
                v.department.name,
                SEP.join(_post_label(p) for p in sorted(v.posts.all(), key=lambda p: p.pk)),
                v.time_limit_days,
                v.time_limit_note,
                v.fees,
            ]
        )
        bases += [[code, b.law, b.articles] for b in v.legal_bases.all()]
        steps += [
            [
                code,
                s.key,
                s.name,
                _post_label(s.post) if s.post else "",
                s.time_limit_days,
                s.checks,
                ",".join(n.key for n in sorted(s.next_steps.all(), key=lambda n: n.order)),
            ]
            for s in v.steps.all()
        ]
    return _book(
        {POWER_SHEET: (POWER_COLUMNS, powers), BASIS_SHEET: (BASIS_COLUMNS, bases), STEP_SHEET: (STEP_COLUMNS, steps)}
    )


def template() -> bytes:
    """An empty workbook with the three sheets and one example row each."""
    return _book(
        {
            POWER_SHEET: (
                POWER_COLUMNS,
                [["示例-001", "排污许可证核发", "行政许可", 1, "行政审批科", "行政审批科/审批员", 20, "", "不收费"]],
            ),
            BASIS_SHEET: (BASIS_COLUMNS, [["示例-001", "排污许可管理条例", "第十一条"]]),
            STEP_SHEET: (
                STEP_COLUMNS,
                [
                    ["示例-001", "S1", "受理", "行政审批科/窗口受理员", 1, "材料是否齐全", "S2"],
                    ["示例-001", "S2", "审查决定", "行政审批科/审批员", 15, "是否符合条件", ""],
                ],
            ),
        }
    )


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(book, title: str, columns: list[str], errors: list[RowError]) -> list[tuple[int, dict]]:
    if title not in book.sheetnames:
        errors.append(RowError(title, 1, "", _("The sheet %(sheet)s is missing.") % {"sheet": title}))
        return []
    sheet = book[title]
    header = [_text(c) for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())]
    missing = [c for c in columns if c not in header]
    if missing:
        errors.append(RowError(title, 1, "、".join(missing), _("Columns missing from the header row.")))
        return []
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        row = {c: _text(values[header.index(c)]) if header.index(c) < len(values) else "" for c in columns}
        if any(row.values()):
            rows.append((number, row))
    return rows


def _number(row: dict, column: str, sheet: str, number: int, errors: list[RowError]) -> int | None:
    raw = row[column]
    if not raw:
        return None
    if not raw.isdigit():
        errors.append(RowError(sheet, number, column, _("Enter a whole number of days.")))
        return None
    return int(raw)


class _Resolver:
    """Names in the workbook to rows in the database, within one unit."""

    def __init__(self, unit: OrgNode):
        self.departments = {
            d.name: d
            for d in OrgNode.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, kind=NodeKind.DEPARTMENT)
        }
        self.posts = {
            _post_label(p): p
            for p in Post.objects.filter(department__path__startswith=unit.path, is_active=True).select_related(
                "department"
            )
        }
        self.types = {t.name: t for t in PowerType.objects.filter(is_active=True)}


def _parse(user, unit: OrgNode, book, errors: list[RowError]) -> dict[str, dict]:
    """Every power of the workbook as service arguments, or errors for what is wrong."""
    names = _Resolver(unit)
    parsed: dict[str, dict] = {}
    for number, row in _rows(book, POWER_SHEET, POWER_COLUMNS, errors):
        code, err = row["编码"], len(errors)
        if not code:
            errors.append(RowError(POWER_SHEET, number, "编码", _("A code is required.")))
            continue
        if code in parsed:
            errors.append(RowError(POWER_SHEET, number, "编码", _("The code %(code)s appears twice.") % {"code": code}))
            continue
        if not row["名称"]:
            errors.append(RowError(POWER_SHEET, number, "名称", _("A name is required.")))
        power_type = names.types.get(row["权力类型"])
        if power_type is None:
            errors.append(
                RowError(
                    POWER_SHEET,
                    number,
                    "权力类型",
                    _("Unknown power type %(name)s.") % {"name": row["权力类型"] or "—"},
                )
            )
        power_class = int(row["权力类别"]) if row["权力类别"] in {"1", "2", "3"} else None
        if power_class is None:
            errors.append(RowError(POWER_SHEET, number, "权力类别", _("Enter 1, 2 or 3.")))
        department = names.departments.get(row["责任科室"])
        if department is None:
            errors.append(
                RowError(
                    POWER_SHEET,
                    number,
                    "责任科室",
                    _("%(unit)s has no department %(name)s.") % {"unit": unit.name, "name": row["责任科室"] or "—"},
                )
            )
        elif not has_perm(user, "power.manage", department):
            errors.append(
                RowError(
                    POWER_SHEET,
                    number,
                    "责任科室",
                    _("You may not manage %(name)s's powers.") % {"name": department.name},
                )
            )
        posts = []
        for label in filter(None, (p.strip() for p in row["行使岗位"].split(SEP))):
            if label in names.posts:
                posts.append(names.posts[label])
            else:
                errors.append(RowError(POWER_SHEET, number, "行使岗位", _("Unknown post %(post)s.") % {"post": label}))
        days = _number(row, "办理时限（工作日）", POWER_SHEET, number, errors)
        if len(errors) == err:
            parsed[code] = {
                "row": number,
                "posts": posts,
                "legal_bases": [],
                "steps": [],
                "fields": {
                    "name": row["名称"],
                    "power_type": power_type,
                    "power_class": power_class,
                    "department": department,
                    "time_limit_days": days,
                    "time_limit_note": row["时限说明"],
                    "fees": row["收费标准"],
                },
            }
        else:
            parsed[code] = {"row": number, "invalid": True}
    for number, row in _rows(book, BASIS_SHEET, BASIS_COLUMNS, errors):
        target = parsed.get(row["权力编码"])
        if target is None:
            errors.append(RowError(BASIS_SHEET, number, "权力编码", _("No power with this code on the first sheet.")))
        elif not row["法律法规"]:
            errors.append(RowError(BASIS_SHEET, number, "法律法规", _("A law or regulation is required.")))
        elif not target.get("invalid"):
            target["legal_bases"].append(BasisInput(row["法律法规"], row["条款"]))
    for number, row in _rows(book, STEP_SHEET, STEP_COLUMNS, errors):
        target = parsed.get(row["权力编码"])
        if target is None:
            errors.append(RowError(STEP_SHEET, number, "权力编码", _("No power with this code on the first sheet.")))
            continue
        if not row["环节编号"] or not row["环节名称"]:
            errors.append(RowError(STEP_SHEET, number, "环节编号", _("A step needs a key and a name.")))
            continue
        post = names.posts.get(row["责任岗位"]) if row["责任岗位"] else None
        if row["责任岗位"] and post is None:
            errors.append(
                RowError(STEP_SHEET, number, "责任岗位", _("Unknown post %(post)s.") % {"post": row["责任岗位"]})
            )
        days = _number(row, "时限（工作日）", STEP_SHEET, number, errors)
        if not target.get("invalid"):
            target["steps"].append(
                (
                    number,
                    StepInput(
                        row["环节编号"],
                        row["环节名称"],
                        post,
                        days,
                        row["审查要点"],
                        [k for k in row["下一环节"].replace("，", ",").split(",") if k.strip()],
                    ),
                )
            )
    for code, target in parsed.items():
        if target.get("invalid"):
            continue
        steps = [s for _n, s in target["steps"]]
        for s in steps:
            s.next_keys = [k.strip() for k in s.next_keys]
        for problem in services.check_process(steps, unit):
            first_row = target["steps"][0][0] if target["steps"] else target["row"]
            errors.append(RowError(STEP_SHEET, first_row, "下一环节", f"{code}：{problem}"))
        target["steps"] = steps
    return parsed


def _same(version: PowerVersion, target: dict) -> bool:
    f = target["fields"]
    if any(getattr(version, k) != v for k, v in f.items()):
        return False
    if sorted(p.pk for p in version.posts.all()) != sorted(p.pk for p in target["posts"]):
        return False
    if [(b.law, b.articles) for b in version.legal_bases.all()] != [(b.law, b.articles) for b in target["legal_bases"]]:
        return False
    mine = [
        (s.key, s.name, s.post_id, s.time_limit_days, s.checks, sorted(n.key for n in s.next_steps.all()))
        for s in version.steps.all()
    ]
    theirs = [
        (s.key, s.name, s.post.pk if s.post else None, s.time_limit_days, s.checks, sorted(s.next_keys))
        for s in target["steps"]
    ]
    return mine == theirs


def import_unit(*, user, unit: OrgNode, data: bytes) -> ImportResult:
    """Import a workbook into `unit`'s inventory: all rows or none."""
    errors: list[RowError] = []
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFailed([RowError("", 0, "", _("This is not an Excel (.xlsx) workbook."))]) from exc
    parsed = _parse(user, unit, book, errors)
    if errors:
        raise ImportFailed(errors)
    current = {v.power.code: v for v in _working_versions(unit)}
    result = ImportResult()
    try:
        with transaction.atomic():
            for code, target in parsed.items():
                content = {"posts": target["posts"], "legal_bases": target["legal_bases"], "steps": target["steps"]}
                version = current.get(code)
                if version is None:
                    services.power_create(user=user, unit=unit, code=code, **target["fields"], **content)
                    result.created.append(code)
                elif _same(version, target):
                    result.unchanged.append(code)
                else:
                    if not version.is_draft:
                        version = services.power_revise(user=user, power=version.power)
                    services.draft_update(
                        user=user, version=version, reason=_("Excel import"), **target["fields"], **content
                    )
                    result.updated.append(code)
    except (ValidationError, PermissionDenied) as exc:  # checked above; a safety net, still all-or-nothing
        messages = exc.messages if isinstance(exc, ValidationError) else [_("Not allowed.")]
        raise ImportFailed([RowError(POWER_SHEET, 0, "", m) for m in messages]) from exc
    return result
