"""The leading group's monthly and annual summary report (PDF): the dashboard's figures and
tables for a node, with charts drawn in the PDF, built in the background (core.exports)
and kept as the requester's export (the archive of reports).

Data in (a built Dashboard), bytes out; the Chinese font is embedded.
"""

from __future__ import annotations

import datetime as dt
from io import BytesIO
from xml.sax.saxutils import escape

from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.exports import register
from core.pdf import register_font
from dashboards import selectors
from org.models import OrgNode
from org.permissions import has_perm

REPORT = "dashboards.report"
PERIODS = ("month", "year")
RED = colors.HexColor("#b71c1c")


def period_label(period: str, today: dt.date) -> str:
    return f"{today:%Y}年{today.month}月" if period == "month" else f"{today:%Y}年度"


def _bar(title: str, labels: list[str], values: list[int], font: str, colour=RED) -> Drawing:
    drawing = Drawing(160 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 10 * mm, 140 * mm, 44 * mm
    chart.data = [values or [0]]
    chart.categoryAxis.categoryNames = labels or [""]
    chart.categoryAxis.labels.fontName = font
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.bars[0].fillColor = colour
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = font
    chart.barLabels.fontSize = 7
    drawing.add(chart)
    drawing.add(String(14 * mm, 58 * mm, title, fontName=font, fontSize=9))
    return drawing


def _table(chart: selectors.Chart, font: str, width: float) -> Table:
    data = [[str(c) for c in chart.columns], *[["—" if c is None else str(c) for c in row] for row in chart.rows]]
    if len(data) == 1:
        data.append(["—"] + [""] * (len(chart.columns) - 1))
    table = Table(data, colWidths=[width / len(chart.columns)] * len(chart.columns), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f9e5e4")),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def report_pdf(board: selectors.Dashboard, *, period: str, today: dt.date | None = None) -> bytes:
    """The report of `board`'s node for the month or year of `today`, in Chinese."""
    today = today or timezone.localdate()
    with translation.override("zh-hans"):
        return _pdf(board, period, today)


def _pdf(board: selectors.Dashboard, period: str, today: dt.date) -> bytes:
    font = register_font()
    title = ParagraphStyle("t", fontName=font, fontSize=18, leading=26, alignment=1, textColor=RED)
    sub = ParagraphStyle("s", fontName=font, fontSize=9, leading=14, alignment=1, textColor="#555555")
    head = ParagraphStyle("h", fontName=font, fontSize=12, leading=18, spaceBefore=8, spaceAfter=4)
    node = board.node
    kind = "月度" if period == "month" else "年度"
    refreshed = board.refreshed.finished_at if board.refreshed else None
    story = [
        Paragraph(escape(f"{node.name}廉政风险防控工作{kind}报告"), title),
        Paragraph(
            escape(
                f"{period_label(period, today)} · 生成于 {timezone.localtime():%Y-%m-%d %H:%M}"
                + (f" · 数据更新于 {timezone.localtime(refreshed):%Y-%m-%d %H:%M}" if refreshed else "")
            ),
            sub,
        ),
        Spacer(1, 6 * mm),
    ]
    width = A4[0] - 40 * mm
    labels = {
        "approved": _("Approved risk points"),
        "risk_posts": _("Risk posts"),
        "risk_nodes": _("Risk nodes"),
        "measures_overdue": _("Overdue prevention measures"),
        "replies_overdue": _("Written replies overdue"),
        "petitions_overdue": _("Petitions past their answer date"),
        "warnings_open": _("Open warnings"),
    }
    figures = {"approved": board.total_points, **board.figures}
    rows = [[str(labels[k]), str(figures.get(k, 0))] for k in labels]
    key = Table(rows, colWidths=[width * 0.7, width * 0.3])
    key.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 10),
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#999999")),
                ("ALIGN", (1, 0), (1, -1), "RIGHT"),
            ]
        )
    )
    story += [Paragraph("一、主要指标", head), key]
    grade = board.charts["grade"]
    story += [
        Paragraph("二、风险点", head),
        _bar(str(grade.title), [str(r[0]) for r in grade.rows], [int(r[1]) for r in grade.rows], font),
    ]
    for name in ("grade", "category", "kind", "status"):
        story += [Spacer(1, 2 * mm), _table(board.charts[name], font, width)]
    trend = board.charts["trend"]
    prefix = f"{today:%Y}" if period == "year" else f"{today:%Y-%m}"
    months = [r for r in trend.rows if str(r[0]).startswith(prefix)]  # issued in the period
    story += [
        Paragraph("三、预警", head),
        _bar(str(trend.title), [str(r[0])[2:] for r in trend.rows], [int(r[-1]) for r in trend.rows], font),
        _table(board.charts["warnings"], font, width),
        Spacer(1, 2 * mm),
        _table(selectors.Chart(trend.name, trend.title, trend.columns, months), font, width),
        Paragraph("四、信访举报", head),
        _table(board.charts["petitions"], font, width),
    ]
    if board.children:
        story += [Paragraph("五、下级单位", head), _table(board.charts["units"], font, width)]
    story += _assessment(board, font, width, head)
    out = BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{node.name}{kind}报告",
    ).build(story)
    return out.getvalue()


def _assessment(board: selectors.Dashboard, font: str, width: float, head: ParagraphStyle) -> list:
    """The cycle year's assessment: stages, completion rates, and the units below ranked."""
    a = board.assessment
    if not a.figures.get("units"):
        return []
    parts = [f"参加考核单位 {a.figures['units']} 个"]
    if a.average is not None:
        parts.append(f"平均得分 {a.average}")
    if a.change is not None:
        parts.append(f"比上年 {'+' if a.change >= 0 else ''}{a.change}")
    if a.own is not None and a.own.rank is not None:
        parts.append(f"在 {a.own.of} 个单位中排名第 {a.own.rank}")
    body = ParagraphStyle("b", fontName=font, fontSize=9, leading=14)
    completion = board.charts["completion"]
    story = [
        Paragraph(f"六、考核评价（{a.year}年）", head),
        Paragraph(escape("，".join(parts) + "。"), body),
        Spacer(1, 2 * mm),
        _bar(
            str(completion.title),
            [str(r[0])[:6] for r in completion.rows],
            [int(r[3] or 0) for r in completion.rows],
            font,
            colour=colors.HexColor("#0f766e"),
        ),
        _table(completion, font, width),
        Spacer(1, 2 * mm),
        _table(board.charts["stages"], font, width),
    ]
    if board.children:
        story += [Spacer(1, 2 * mm), _table(board.charts["scores"], font, width)]
    return story


def build_report(job, progress) -> tuple[str, bytes]:
    """The background builder: the requester must still see the node's dashboard."""
    node = OrgNode.objects.get(pk=job.params["node"])
    if not has_perm(job.requested_by, "dashboard.view", node):
        raise PermissionDenied(_("You may no longer see this dashboard."))
    progress(1, 3)
    board = selectors.build(job.requested_by, node)
    progress(2, 3)
    period = job.params.get("period", "month")
    today = timezone.localdate()
    data = report_pdf(board, period=period, today=today)
    progress(3, 3)
    return f"{node.name}-{period_label(period, today)}-廉政风险防控工作报告.pdf", data


register(REPORT, build_report, label=gettext_lazy("Leading-group report"))
