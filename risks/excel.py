"""Excel export and import of a unit's risk points and their prevention measures.

One workbook, two sheets: 风险点 (one row a point) and 防控措施 (one row a measure). The
编号 column is the point's id, so a re-imported export finds its points again; a new point
has an empty 编号, or a label that is not a number (e.g. 新1) when rows of the measures
sheet refer to it. Choices are written as their Chinese labels and read as those labels or
their values.

Import follows the power inventory's (powers/excel.py): every row is checked first and
nothing is written if any row is wrong; an unchanged row is left alone (re-importing an
export changes nothing); new points are recorded as drafts through risk_create, changed
drafts and returned points are updated through risk_update, and a changed point under
review or decided is a row error. Measures are matched to a point's existing ones by their
text, so a measure is never recorded twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO
from zipfile import BadZipFile

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from core.uploads import ImportFailed, RowError
from org.models import NodeKind, OrgNode, Person, Post
from org.permissions import has_perm
from powers.models import Power, ProcessStep, VersionStatus
from risks import services
from risks.models import (
    Consequence,
    Grade,
    Likelihood,
    Measure,
    MeasureStatus,
    MeasureType,
    RiskCategory,
    RiskKind,
    RiskPoint,
    RiskScope,
    RiskStatus,
    Source,
)
from risks.selectors import suggested_grade

POINT_SHEET, MEASURE_SHEET = "风险点", "防控措施"
POINT_COLUMNS = [
    "编号",
    "风险范围",
    "科室",
    "岗位",
    "风险类别",
    "风险类型",
    "风险点描述",
    "表现形式",
    "权力编码",
    "流程环节",
    "查找方法",
    "发生可能性",
    "后果严重程度",
    "风险等级",
    "定级理由",
    "状态",
]
MEASURE_COLUMNS = ["风险点编号", "措施类型", "措施内容", "检查方式", "责任人", "完成期限", "状态"]
CHUNK = 500


@dataclass
class ImportResult:
    created: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    measures_created: list[int] = field(default_factory=list)
    measures_updated: list[int] = field(default_factory=list)
    measures_unchanged: list[int] = field(default_factory=list)


# --- labels -----------------------------------------------------------------------------


@cache
def _labels(choices) -> dict:
    """value -> Chinese label of a choices class (the workbook is Chinese whatever the
    page's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return {value: str(label) for value, label in choices.choices}


@cache
def _readings(choices) -> dict[str, object]:
    """What a cell may say for each value: its label, the label's part before a bracket
    (严重 for 严重（追究刑事责任…）), or the value itself."""
    found = {}
    for value, label in _labels(choices).items():
        for text in (str(value), label, re.split(r"[（(]", label)[0].strip()):
            found.setdefault(text, value)
    return found


def _label(choices, value) -> str:
    return _labels(choices)[value]


def _choice(choices, raw: str):
    return _readings(choices).get(raw) if raw else None


# --- export -----------------------------------------------------------------------------


def _header(sheet, columns: list[str]) -> None:
    fill, bold = PatternFill("solid", fgColor="F9E5E4"), Font(bold=True)
    cells = []
    for i, name in enumerate(columns, start=1):
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.fill = bold, fill
        cells.append(cell)
        sheet.column_dimensions[get_column_letter(i)].width = max(10, len(name) * 2 + 4)
    sheet.freeze_panes = "A2"
    sheet.append(cells)


def _points(unit: OrgNode, approved_only: bool):
    qs = RiskPoint.objects.filter(unit=unit)
    qs = qs.filter(status=RiskStatus.APPROVED) if approved_only else qs.exclude(status=RiskStatus.REJECTED)
    return (
        qs.select_related("node", "post__department", "category", "power")
        .prefetch_related(Prefetch("measures", queryset=Measure.objects.select_related("type", "owner").order_by("id")))
        .order_by("node__path", F("post__name").asc(nulls_first=True), "post_id", "id")
        .iterator(chunk_size=CHUNK)
    )


def _point_row(point: RiskPoint) -> list:
    post = point.post
    return [
        point.pk,
        _label(RiskScope, point.scope),
        post.department.name if post else (point.node.name if point.scope == RiskScope.DEPARTMENT else ""),
        post.name if post else "",
        point.category.name,
        _label(RiskKind, point.kind),
        point.description,
        point.manifestation,
        point.power.code if point.power else "",
        point.step_key,
        _label(Source, point.source),
        _label(Likelihood, point.likelihood),
        _label(Consequence, point.consequence),
        _label(Grade, point.grade),
        point.grade_reason,
        _label(RiskStatus, point.status),
    ]


def _measure_row(point: RiskPoint, m: Measure) -> list:
    return [
        point.pk,
        m.type.name,
        m.description,
        m.check_method,
        m.owner.name,
        m.deadline,
        _label(MeasureStatus, m.status),
    ]


def export_unit(unit: OrgNode, *, approved_only: bool = False) -> bytes:
    """The unit's points (all but rejected ones, or only approved ones) and their measures.
    A write-only workbook and chunked reads keep memory flat for a big unit."""
    book = Workbook(write_only=True)
    points, measures = book.create_sheet(POINT_SHEET), book.create_sheet(MEASURE_SHEET)
    _header(points, POINT_COLUMNS)
    _header(measures, MEASURE_COLUMNS)
    for point in _points(unit, approved_only):
        points.append(_point_row(point))
        for m in point.measures.all():
            row = _measure_row(point, m)
            cell = WriteOnlyCell(measures, value=row[5])
            cell.number_format = "yyyy-mm-dd"
            measures.append([*row[:5], cell, row[6]])
    out = BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading ----------------------------------------------------------------------------


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _rows(book, title: str, columns: list[str], errors: list[RowError]) -> list[tuple[int, dict]]:
    if title not in book.sheetnames:
        errors.append(RowError(title, 1, "", _("The sheet %(sheet)s is missing.") % {"sheet": title}))
        return []
    sheet = book[title]
    header = [_text(c) for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True), ())]
    # 状态 is written for the reader and ignored on import: a workbook may leave it out.
    missing = [c for c in columns if c not in header and c != "状态"]
    if missing:
        errors.append(RowError(title, 1, "、".join(missing), _("Columns missing from the header row.")))
        return []
    index = {c: header.index(c) for c in columns if c in header}
    rows = []
    for number, values in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        row = {c: _text(values[i]) if i < len(values) else "" for c, i in index.items()}
        if any(row.values()):
            rows.append((number, row))
    return rows


def _date(raw: str) -> dt.date | None:
    parts = re.split(r"[-/.年月日]", raw.strip().rstrip("日"))
    try:
        return dt.date(*(int(p) for p in parts)) if len(parts) == 3 else None
    except ValueError:
        return None


class _Names:
    """Names in the workbook to rows of the database, within one unit (a few queries)."""

    def __init__(self, unit: OrgNode):
        self.unit = unit
        self.departments = {
            d.name: d
            for d in OrgNode.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, kind=NodeKind.DEPARTMENT)
        }
        self.posts = {
            (p.department.name, p.name): p
            for p in Post.objects.filter(department__in=self.departments.values(), is_active=True).select_related(
                "department"
            )
        }
        self.categories = {c.name: c for c in RiskCategory.objects.filter(is_active=True)}
        self.measure_types = {t.name: t for t in MeasureType.objects.filter(is_active=True)}
        self.powers = {p.code: p for p in Power.objects.filter(unit=unit)}
        self.steps = set(
            ProcessStep.objects.filter(
                version__power__unit=unit, version__status__in=[VersionStatus.PUBLISHED, VersionStatus.DRAFT]
            ).values_list("version__power_id", "key")
        )
        self.people: dict[str, list[Person]] = defaultdict(list)
        for person in Person.objects.filter(unit=unit, is_active=True).order_by("id"):
            self.people[person.name].append(person)
        self._grades: dict[tuple[int, int], int] = {}

    def suggested(self, likelihood: int, consequence: int) -> int:
        key = (likelihood, consequence)
        if key not in self._grades:
            self._grades[key] = suggested_grade(unit=self.unit, likelihood=likelihood, consequence=consequence)
        return self._grades[key]


@dataclass
class _PointRow:
    number: int
    key: str
    point: RiskPoint | None
    scope: str
    node: OrgNode
    post: Post | None
    fields: dict
    grade: int
    grade_reason: str
    valid: bool = True

    def location(self) -> dict:
        if self.scope == RiskScope.POST:
            return {"post": self.post}
        if self.scope == RiskScope.DEPARTMENT:
            return {"department": self.node}
        return {"unit": self.node}


def _same_point(point: RiskPoint, row: _PointRow) -> bool:
    f = row.fields
    return (
        point.category_id == f["category"].pk
        and point.power_id == (f["power"].pk if f["power"] else None)
        and all(getattr(point, name) == f[name] for name in f if name not in ("category", "power"))
        and point.grade == row.grade
        and point.grade_reason == row.grade_reason
    )


class _Checker:
    """Every row of the workbook checked against the unit, with an error for each problem."""

    def __init__(self, user, unit: OrgNode):
        self.user, self.unit = user, unit
        self.names = _Names(unit)
        self.errors: list[RowError] = []
        self.existing = {
            p.pk: p
            for p in RiskPoint.objects.filter(unit=unit).exclude(status=RiskStatus.REJECTED).select_related("node")
        }
        self.by_content = {(p.node_id, p.post_id, p.description.strip()): p for p in self.existing.values()}

    def error(self, sheet: str, number: int, column: str, message: str) -> None:
        self.errors.append(RowError(sheet, number, column, message))

    # -- the 风险点 sheet --

    def _where(self, number: int, row: dict) -> tuple[str, OrgNode, Post | None] | None:
        scope = _choice(RiskScope, row["风险范围"])
        if scope is None:
            self.error(POINT_SHEET, number, "风险范围", _("Enter 岗位, 科室 or 单位."))
            return None
        department = self.names.departments.get(row["科室"]) if row["科室"] else None
        if row["科室"] and department is None:
            self.error(
                POINT_SHEET,
                number,
                "科室",
                _("%(unit)s has no department %(name)s.") % {"unit": self.unit.name, "name": row["科室"]},
            )
            return None
        if scope == RiskScope.UNIT:
            if row["科室"] or row["岗位"]:
                self.error(POINT_SHEET, number, "科室", _("A unit point names no department or post."))
                return None
            return scope, self.unit, None
        if department is None:
            self.error(POINT_SHEET, number, "科室", _("Choose the department this risk belongs to."))
            return None
        if scope == RiskScope.DEPARTMENT:
            if row["岗位"]:
                self.error(POINT_SHEET, number, "岗位", _("A department point names no post."))
                return None
            return scope, department, None
        post = self.names.posts.get((department.name, row["岗位"]))
        if post is None:
            self.error(
                POINT_SHEET, number, "岗位", _("Unknown post %(post)s.") % {"post": f"{department.name}/{row['岗位']}"}
            )
            return None
        return scope, department, post

    def _fields(self, number: int, row: dict) -> dict | None:
        before = len(self.errors)
        category = self.names.categories.get(row["风险类别"])
        if category is None:
            self.error(
                POINT_SHEET, number, "风险类别", _("Unknown risk category %(name)s.") % {"name": row["风险类别"] or "—"}
            )
        kind = _choice(RiskKind, row["风险类型"])
        if kind is None:
            self.error(POINT_SHEET, number, "风险类型", _("Enter 廉政风险 or 效能风险."))
        if not row["风险点描述"]:
            self.error(POINT_SHEET, number, "风险点描述", _("Describe the risk."))
        power = self.names.powers.get(row["权力编码"]) if row["权力编码"] else None
        if row["权力编码"] and power is None:
            self.error(
                POINT_SHEET,
                number,
                "权力编码",
                _("%(unit)s has no power with the code %(code)s.") % {"unit": self.unit.name, "code": row["权力编码"]},
            )
        step_key = row["流程环节"]
        if step_key and not row["权力编码"]:
            self.error(POINT_SHEET, number, "流程环节", _("Choose the power the step belongs to."))
        elif step_key and power is not None and (power.pk, step_key) not in self.names.steps:
            self.error(
                POINT_SHEET, number, "流程环节", _("The power's process has no step %(key)s.") % {"key": step_key}
            )
        source = _choice(Source, row["查找方法"])
        if source is None:
            self.error(
                POINT_SHEET,
                number,
                "查找方法",
                _("Unknown way of finding the risk: %(v)s.") % {"v": row["查找方法"] or "—"},
            )
        likelihood = _choice(Likelihood, row["发生可能性"])
        if likelihood is None:
            self.error(POINT_SHEET, number, "发生可能性", _("Enter 1 (likely) or 2 (unlikely)."))
        consequence = _choice(Consequence, row["后果严重程度"])
        if consequence is None:
            self.error(POINT_SHEET, number, "后果严重程度", _("Enter 1 (severe), 2 (fairly severe) or 3 (minor)."))
        if len(self.errors) > before:
            return None
        return {
            "category": category,
            "kind": kind,
            "description": row["风险点描述"],
            "manifestation": row["表现形式"],
            "power": power,
            "step_key": step_key,
            "source": source,
            "likelihood": likelihood,
            "consequence": consequence,
        }

    def _grade(self, number: int, row: dict, fields: dict) -> tuple[int, str] | None:
        suggested = self.names.suggested(fields["likelihood"], fields["consequence"])
        grade = _choice(Grade, row["风险等级"]) if row["风险等级"] else suggested
        if grade is None:
            self.error(POINT_SHEET, number, "风险等级", _("Enter 1, 2 or 3."))
            return None
        if grade == suggested:
            return grade, ""
        if not row["定级理由"]:
            self.error(
                POINT_SHEET,
                number,
                "定级理由",
                _("The matrix suggests %(suggested)s; say why you choose another grade.")
                % {"suggested": _label(Grade, suggested)},
            )
            return None
        return grade, row["定级理由"]

    def point_row(self, number: int, row: dict) -> _PointRow | None:
        key = row["编号"]
        point = None
        if key.isdigit():
            point = self.existing.get(int(key))
            if point is None:
                self.error(POINT_SHEET, number, "编号", _("This unit has no risk point numbered %(n)s.") % {"n": key})
                return None
        where = self._where(number, row)
        fields = self._fields(number, row)
        graded = self._grade(number, row, fields) if fields else None
        if where is None or graded is None:
            return None
        scope, node, post = where
        if not has_perm(self.user, "risk.manage", node):
            self.error(
                POINT_SHEET, number, "科室", _("You may not record risk points of %(name)s.") % {"name": node.name}
            )
            return None
        parsed = _PointRow(number, key, point, scope, node, post, fields, *graded)
        if point is not None:
            if (point.scope, point.node_id, point.post_id) != (scope, node.pk, post.pk if post else None):
                self.error(
                    POINT_SHEET,
                    number,
                    "风险范围",
                    _("A recorded point cannot move to another post, department or scope; record a new one."),
                )
                return None
            if not point.is_editable and not _same_point(point, parsed):
                self.error(
                    POINT_SHEET,
                    number,
                    "编号",
                    _("Risk point %(n)s is locked while it is under review or after a decision (%(status)s).")
                    % {"n": point.pk, "status": _label(RiskStatus, point.status)},
                )
                return None
        else:
            twin = self.by_content.get((node.pk, post.pk if post else None, fields["description"]))
            if twin is not None:
                self.error(
                    POINT_SHEET,
                    number,
                    "风险点描述",
                    _("This risk point is already recorded (number %(n)s); put its number in 编号 to change it.")
                    % {"n": twin.pk},
                )
                return None
        return parsed

    def points(self, book) -> dict[str, _PointRow]:
        """Rows of the 风险点 sheet by 编号 (or by row number for rows without one)."""
        parsed: dict[str, _PointRow] = {}
        seen: dict[tuple, int] = {}
        for number, row in _rows(book, POINT_SHEET, POINT_COLUMNS, self.errors):
            key = row["编号"]
            if key and key in parsed:
                self.error(POINT_SHEET, number, "编号", _("The number %(n)s appears twice.") % {"n": key})
                continue
            target = self.point_row(number, row)
            if target is None:
                if key:
                    parsed[key] = _PointRow(number, key, None, "", self.unit, None, {}, 0, "", valid=False)
                continue
            content = (target.node.pk, target.post.pk if target.post else None, target.fields["description"])
            if content in seen:
                self.error(
                    POINT_SHEET,
                    number,
                    "风险点描述",
                    _("The same risk point appears twice (row %(row)s).") % {"row": seen[content]},
                )
                continue
            seen[content] = number
            parsed[key or f"#row{number}"] = target
        return parsed

    # -- the 防控措施 sheet --

    def _owner(self, number: int, name: str, existing: Measure | None) -> Person | None:
        if existing is not None and existing.owner.name == name:
            return existing.owner
        people = self.names.people.get(name, [])
        if len(people) == 1:
            return people[0]
        if not name:
            message = _("Name the cadre responsible for the measure.")
        elif not people:
            message = _("%(unit)s has no cadre called %(name)s.") % {"unit": self.unit.name, "name": name}
        else:
            message = _("%(unit)s has more than one cadre called %(name)s.") % {"unit": self.unit.name, "name": name}
        self.error(MEASURE_SHEET, number, "责任人", message)
        return None

    def measures(self, book, points: dict[str, _PointRow]) -> list[dict]:
        existing: dict[tuple[int, str], list[Measure]] = defaultdict(list)
        rows = list(_rows(book, MEASURE_SHEET, MEASURE_COLUMNS, self.errors))
        wanted = {int(r["风险点编号"]) for _n, r in rows if r["风险点编号"].isdigit()}
        for m in Measure.objects.filter(point_id__in=wanted).select_related("type", "owner").order_by("id"):
            existing[(m.point_id, m.description.strip())].append(m)
        parsed, seen = [], Counter()
        for number, row in rows:
            ref = row["风险点编号"]
            target = points.get(ref)
            point = target.point if target else (self.existing.get(int(ref)) if ref.isdigit() else None)
            if target is None and point is None:
                self.error(
                    MEASURE_SHEET,
                    number,
                    "风险点编号",
                    _("No risk point numbered %(n)s on the 风险点 sheet or in this unit.") % {"n": ref or "—"},
                )
                continue
            if target is not None and not target.valid:
                continue  # its point's row is wrong and already reported
            before = len(self.errors)
            measure_type = self._measure_type(number, row["措施类型"])
            if not row["措施内容"]:
                self.error(MEASURE_SHEET, number, "措施内容", _("Describe the measure."))
            if not row["检查方式"]:
                self.error(
                    MEASURE_SHEET,
                    number,
                    "检查方式",
                    _("Say how the measure will be checked; a measure that cannot be checked is not a measure."),
                )
            deadline = _date(row["完成期限"])
            if deadline is None:
                self.error(MEASURE_SHEET, number, "完成期限", _("Enter a date such as 2026-06-30."))
            key = (point.pk if point else ref, row["措施内容"])
            matches = existing.get(key, []) if point is not None else []
            match = matches[seen[key]] if seen[key] < len(matches) else None
            if match is None and seen[key]:
                self.error(MEASURE_SHEET, number, "措施内容", _("The same measure appears twice for this risk point."))
            seen[key] += 1
            owner = self._owner(number, row["责任人"], match)
            node = point.node if point else target.node
            if not has_perm(self.user, "risk.manage", node):
                self.error(
                    MEASURE_SHEET,
                    number,
                    "风险点编号",
                    _("You may not record risk points of %(name)s.") % {"name": node.name},
                )
            if len(self.errors) == before:
                parsed.append(
                    {
                        "row": number,
                        "ref": ref,
                        "point": point,
                        "existing": match,
                        "fields": {
                            "type": measure_type,
                            "description": row["措施内容"],
                            "check_method": row["检查方式"],
                            "owner": owner,
                            "deadline": deadline,
                        },
                    }
                )
        return parsed

    def _measure_type(self, number: int, name: str) -> MeasureType | None:
        found = self.names.measure_types.get(name)
        if found is None:
            self.error(MEASURE_SHEET, number, "措施类型", _("Unknown measure type %(name)s.") % {"name": name or "—"})
        return found


def _same_measure(measure: Measure, fields: dict) -> bool:
    return (
        measure.type_id == fields["type"].pk
        and measure.check_method == fields["check_method"]
        and measure.owner_id == fields["owner"].pk
        and measure.deadline == fields["deadline"]
    )


class _RowFailed(Exception):
    """A service refused a row the checks let through: the row, to report it."""

    def __init__(self, sheet: str, row: int, exc: ValidationError | PermissionDenied):
        super().__init__(sheet, row)
        self.sheet, self.row, self.exc = sheet, row, exc


def _write(user, points: dict[str, _PointRow], measures: list[dict]) -> ImportResult:
    result, created = ImportResult(), {}
    for key, row in points.items():
        try:
            if row.point is None:
                point = services.risk_create(
                    user=user,
                    scope=row.scope,
                    **row.location(),
                    **row.fields,
                    grade=row.grade,
                    grade_reason=row.grade_reason,
                )
                created[key] = point
                result.created.append(point.pk)
            elif _same_point(row.point, row):
                result.unchanged.append(row.point.pk)
            else:
                services.risk_update(
                    user=user, point=row.point, grade=row.grade, grade_reason=row.grade_reason, **row.fields
                )
                result.updated.append(row.point.pk)
        except (ValidationError, PermissionDenied) as exc:
            raise _RowFailed(POINT_SHEET, row.number, exc) from exc
    for m in measures:
        existing, fields = m["existing"], m["fields"]
        try:
            if existing is None:
                point = m["point"] or created[m["ref"]]
                result.measures_created.append(services.measure_create(user=user, point=point, **fields).pk)
            elif _same_measure(existing, fields):
                result.measures_unchanged.append(existing.pk)
            else:
                changed = {k: v for k, v in fields.items() if k != "description"}
                services.measure_update(user=user, measure=existing, **changed)
                result.measures_updated.append(existing.pk)
        except (ValidationError, PermissionDenied) as exc:
            raise _RowFailed(MEASURE_SHEET, m["row"], exc) from exc
    return result


def import_unit(*, user, unit: OrgNode, data: bytes) -> ImportResult:
    """Import a workbook into `unit`'s risk register: all rows or none."""
    try:
        book = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFailed([RowError("", 0, "", _("This is not an Excel (.xlsx) workbook."))]) from exc
    checker = _Checker(user, unit)
    points = checker.points(book)
    measures = checker.measures(book, points)
    if checker.errors:
        raise ImportFailed(checker.errors)
    try:
        with transaction.atomic():
            return _write(user, points, measures)
    except _RowFailed as failed:  # checked above; a safety net, still all-or-nothing
        exc = failed.exc
        messages = exc.messages if isinstance(exc, ValidationError) else [_("Not allowed.")]
        raise ImportFailed([RowError(failed.sheet, failed.row, "", m) for m in messages]) from exc
