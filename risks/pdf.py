"""The unit's risk-control system table (《廉政风险防控体系表》, seed 001) as a PDF.

Data in, bytes out. One row per approved risk point, grouped as the table is read on
paper: the unit's own points first (单位风险), then each department with its department
points and then its posts' points. Memory stays bounded for a unit with many thousands
of points: the points are read in chunks (each chunk's measures with one query), every
point is a small one-row table, and platypus is fed the rows as it consumes them instead
of a whole story built up front.

The Chinese font is a TrueType font registered with reportlab, which embeds the subset of
glyphs used: reportlab cannot use CFF-based fonts (Noto/Source Han), and its built-in CID
font STSong-Light is not embedded, so a reader without that font would show nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.db.models import Count, F, Prefetch
from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Frame, NextPageTemplate, PageTemplate, Paragraph, Spacer, Table

from core.pdf import FONT_NAME, register_font
from org.models import NodeKind, OrgNode, PostHolding, Role, RoleAssignment
from risks.models import Measure, MeasureStatus, RiskPoint, RiskScope, RiskStatus

CHUNK = 500  # points read (and their measures prefetched) per query
TITLE = "廉政风险防控体系表"
COLUMNS = ["序号", "岗位/科室", "风险点描述", "风险类别", "风险类型", "等级", "防控措施", "责任人"]
COLUMN_SHARES = [4, 10, 25, 7, 7, 5, 33, 9]  # relative widths, landscape A4
GRADE_FILLS = {1: colors.HexColor("#F8D0CF"), 2: colors.HexColor("#FFE0BF"), 3: colors.HexColor("#FFF3B0")}
HEADER_FILL = colors.HexColor("#F9E5E4")
GROUP_FILL = colors.HexColor("#EEEEEE")
TOTAL_PAGES_FORM = "lianzheng_total_pages"
FOOTER_SIZE = 8
FOOTER_COLOUR = colors.HexColor("#555555")

# --- reads ------------------------------------------------------------------------------


def _approved(unit: OrgNode):
    return RiskPoint.objects.filter(unit=unit, status=RiskStatus.APPROVED)


def _points(unit: OrgNode) -> Iterator[RiskPoint]:
    """The unit's approved points in table order, CHUNK at a time with their measures.
    The unit's path is a prefix of its departments' paths, so ordering by the node's path
    puts the unit's own points first, then each department in tree order."""
    measures = Measure.objects.exclude(status=MeasureStatus.CANCELLED).select_related("type", "owner")
    return (
        _approved(unit)
        .select_related("node", "post", "category")
        .prefetch_related(Prefetch("measures", queryset=measures.order_by("deadline", "id")))
        .order_by("node__path", F("post__rank").desc(nulls_first=True), "post__name", "post_id", "grade", "id")
        .iterator(chunk_size=CHUNK)
    )


def _responsible(unit: OrgNode) -> dict[tuple[str, int], list[str]]:
    """Who answers for a point: the current holders of a post point's post, the head of a
    department point's department, the chief of a unit point's unit. Three queries for the
    whole unit, whatever the number of points."""
    today = timezone.localdate()
    departments = OrgNode.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, kind=NodeKind.DEPARTMENT)
    found: dict[tuple[str, int], list[str]] = defaultdict(list)
    holders = (
        PostHolding.objects.on(today)
        .filter(post__department__in=departments)
        .order_by("person__name")
        .values_list("post_id", "person__name")
    )
    for post_id, name in holders:
        found[("post", post_id)].append(name)
    heads = RoleAssignment.objects.filter(role=Role.DEPARTMENT_HEAD, node__in=departments)
    chiefs = RoleAssignment.objects.filter(role=Role.UNIT_CHIEF, node=unit)
    leaders = (heads | chiefs).order_by("id").values_list("node_id", "user__username", "user__person__name")
    for node_id, username, name in leaders:
        found[("node", node_id)].append(name or username)
    return found


def grade_counts(unit: OrgNode) -> dict[int, int]:
    rows = _approved(unit).values("grade").annotate(n=Count("id")).order_by()
    return {row["grade"]: row["n"] for row in rows}


# --- layout -----------------------------------------------------------------------------


class _Styles:
    def __init__(self, font: str):
        self.body = ParagraphStyle("body", fontName=font, fontSize=8.5, leading=11.5, wordWrap="CJK")
        self.center = ParagraphStyle("center", parent=self.body, alignment=TA_CENTER)
        self.muted = ParagraphStyle("muted", parent=self.body, textColor=colors.HexColor("#555555"))
        self.head = ParagraphStyle("head", parent=self.center, fontSize=9, leading=12)
        self.group = ParagraphStyle("group", parent=self.body, fontSize=9.5, leading=13)
        self.title = ParagraphStyle("title", parent=self.center, fontSize=17, leading=24, spaceAfter=4)
        self.subtitle = ParagraphStyle("subtitle", parent=self.center, fontSize=9.5, leading=14, spaceAfter=8)


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), style)


def _cell_style(font: str, fill=None) -> list[tuple]:
    style = [
        ("FONT", (0, 0), (-1, -1), font),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#808080")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if fill is not None:
        style.append(("BACKGROUND", (0, 0), (-1, -1), fill))
    return style


class _Table:
    """Builds the flowables of the table: a header row, group rows and point rows."""

    def __init__(self, font: str, width: float, responsible: dict[tuple[str, int], list[str]]):
        self.font, self.styles, self.responsible = font, _Styles(font), responsible
        total = sum(COLUMN_SHARES)
        self.widths = [width * share / total for share in COLUMN_SHARES]
        self.width = width
        body = self.styles.body
        self.row_style = _cell_style(font) + [
            ("FONTSIZE", (0, 0), (-1, -1), body.fontSize),
            ("LEADING", (0, 0), (-1, -1), body.leading),
            ("ALIGN", (0, 0), (0, 0), "CENTER"),
            ("ALIGN", (4, 0), (5, 0), "CENTER"),
        ]

    def header(self) -> Table:
        table = Table([[_p(c, self.styles.head) for c in COLUMNS]], colWidths=self.widths)
        table.setStyle(_cell_style(self.font, HEADER_FILL) + [("VALIGN", (0, 0), (-1, -1), "MIDDLE")])
        return table

    def group(self, title: str) -> Table:
        table = Table([[_p(title, self.styles.group)]], colWidths=[self.width])
        table.setStyle(_cell_style(self.font, GROUP_FILL))
        table.keepWithNext = True  # never a department's name alone at the foot of a page
        return table

    def _measures(self, point: RiskPoint) -> Paragraph:
        lines = []
        for i, m in enumerate(point.measures.all(), start=1):
            lines.append(
                f"{i}. {escape(m.type.name)}：{escape(m.description)}<br/>"
                f'<font color="#555555">责任人：{escape(m.owner.name)}；'
                f"完成期限：{m.deadline:%Y-%m-%d}；检查方式：{escape(m.check_method)}</font>"
            )
        return Paragraph("<br/>".join(lines) or "—", self.styles.body)

    def _where(self, point: RiskPoint) -> str:
        if point.scope == RiskScope.POST:
            return point.post.name
        if point.scope == RiskScope.DEPARTMENT:
            return f"{point.node.name}（科室）"
        return "本单位"

    def _risk(self, point: RiskPoint) -> Paragraph:
        text = escape(point.description).replace("\n", "<br/>")
        if point.manifestation:
            shows = escape(point.manifestation).replace("\n", "<br/>")
            text += f'<br/><font color="#555555">表现形式：{shows}</font>'
        return Paragraph(text, self.styles.body)

    def row(self, number: int, point: RiskPoint) -> Table:
        key = ("post", point.post_id) if point.scope == RiskScope.POST else ("node", point.node_id)
        # Short fixed texts are plain strings: laying out a Paragraph costs far more.
        cells = [
            str(number),
            _p(self._where(point), self.styles.body),
            self._risk(point),
            _p(point.category.name, self.styles.center),
            str(point.get_kind_display()),
            str(point.get_grade_display()),
            self._measures(point),
            _p("、".join(self.responsible.get(key, [])) or "—", self.styles.center),
        ]
        # splitInRow: a point with very many measures may run over a page break.
        table = Table([cells], colWidths=self.widths, splitInRow=1)
        table.setStyle(self.row_style + [("BACKGROUND", (5, 0), (5, 0), GRADE_FILLS.get(point.grade))])
        return table


class _Feed(list):
    """The story, filled from a generator as platypus consumes it.

    BaseDocTemplate.build() loops `while len(story)` and takes flowables off the front, so
    asking for the length is the moment to top the buffer up; only a window of rows is
    ever alive instead of one flowable per point of the whole unit.
    """

    def __init__(self, flowables: Iterator, window: int = 50):
        super().__init__()
        self._source, self._window = flowables, window

    def __len__(self) -> int:
        while self._source is not None and super().__len__() < self._window:
            try:
                self.append(next(self._source))
            except StopIteration:
                self._source = None
        return super().__len__()


class _Canvas(Canvas):
    """Defines the "total pages" form, used in every footer, once the page count is known."""

    def save(self) -> None:
        total = self.getPageNumber() - (0 if self._code else 1)  # showPage() moved past the last page
        self.beginForm(TOTAL_PAGES_FORM)
        self.setFont(FONT_NAME, FOOTER_SIZE)
        self.setFillColor(FOOTER_COLOUR)
        self.drawString(0, 0, f"{total} 页")
        self.endForm()
        super().save()


class _Document(BaseDocTemplate):
    def __init__(self, buffer: BytesIO, unit_name: str, generated: str, header: Table, **kwargs):
        super().__init__(buffer, **kwargs)
        self.unit_name, self.generated = unit_name, generated
        self.header_table = header
        _w, self.header_height = header.wrap(self.width, self.height)
        first = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="first")
        later = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height - self.header_height, id="later", topPadding=0
        )
        self.addPageTemplates(
            [
                PageTemplate(id="first", frames=[first], onPage=self._footer),
                PageTemplate(id="later", frames=[later], onPage=self._later_page),
            ]
        )

    def _later_page(self, canv: Canvas, doc) -> None:
        # The column headings repeat at the top of every page after the first.
        top = self.bottomMargin + self.height
        self.header_table.drawOn(canv, self.leftMargin, top - self.header_height)
        self._footer(canv, doc)

    def _footer(self, canv: Canvas, doc) -> None:
        canv.saveState()
        canv.setFont(FONT_NAME, FOOTER_SIZE)
        canv.setFillColor(FOOTER_COLOUR)
        y = self.bottomMargin - 9 * mm
        canv.drawString(self.leftMargin, y, f"{self.unit_name} · {TITLE} · 生成于 {self.generated}")
        # "第 x 页 / 共 " now, the total (a form defined when the last page is done) after it.
        start = self.leftMargin + self.width - pdfmetrics.stringWidth("第 9999 页 / 共 9999 页", FONT_NAME, FOOTER_SIZE)
        head = f"第 {canv.getPageNumber()} 页 / 共 "
        canv.drawString(start, y, head)
        canv.translate(start + pdfmetrics.stringWidth(head, FONT_NAME, FOOTER_SIZE), y)
        canv.doForm(TOTAL_PAGES_FORM)
        canv.restoreState()


def _heading(unit: OrgNode, generated: str, counts: dict[int, int], styles: _Styles) -> list:
    total = sum(counts.values())
    summary = (
        f"生成日期：{generated}　　已审定风险点 {total} 个：一级 {counts.get(1, 0)} 个、"
        f"二级 {counts.get(2, 0)} 个、三级 {counts.get(3, 0)} 个"
    )
    return [_p(f"{unit.name}{TITLE}", styles.title), _p(summary, styles.subtitle)]


def _rows(unit: OrgNode, table: _Table, total: int, progress: Callable[[int, int], None] | None) -> Iterator:
    group = None
    for number, point in enumerate(_points(unit), start=1):
        current = point.node_id
        if current != group:
            group = current
            yield table.group("单位风险" if point.node_id == unit.pk else point.node.name)
        yield table.row(number, point)
        if progress is not None and (number % 50 == 0 or number == total):
            progress(number, total)


def system_table_pdf(unit: OrgNode, *, progress: Callable[[int, int], None] | None = None) -> bytes:
    """The unit's 《廉政风险防控体系表》: approved points with their measures.
    `progress(done, total)` is called as rows are laid out."""
    font = register_font()
    with translation.override(settings.LANGUAGE_CODE):
        counts = grade_counts(unit)
        total = sum(counts.values())
        generated = timezone.localdate().isoformat()
        buffer = BytesIO()
        page = landscape(A4)
        margin = 12 * mm
        width = page[0] - 2 * margin
        table = _Table(font, width, _responsible(unit))
        doc = _Document(
            buffer,
            unit.name,
            generated,
            table.header(),
            pagesize=page,
            leftMargin=margin,
            rightMargin=margin,
            topMargin=margin,
            bottomMargin=16 * mm,
            title=f"{unit.name}{TITLE}",
            author=unit.name,
            subject=TITLE,
            initialFontName=font,  # every page starts in the CJK font: no unembedded base-14 font
        )

        def story() -> Iterator:
            yield NextPageTemplate("later")
            yield from _heading(unit, generated, counts, table.styles)
            yield table.header()
            if not total:
                yield Spacer(1, 6)
                yield _p("尚无已审定的风险点。", table.styles.muted)
            yield from _rows(unit, table, total, progress)

        doc.build(_Feed(story()), canvasmaker=_Canvas)
    return buffer.getvalue()
