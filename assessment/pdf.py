"""The assessment report of a unit (廉政风险防控考核报告) as a PDF: stage, scores by
indicator with their basis, rank and last year's score, the year's work (commitments,
education, talks, self-inspections, evaluations, spot checks) and what Act decided. Data in,
bytes out; always in Chinese, the font embedded."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from core.pdf import register_font


def unit_report_pdf(cycle_unit) -> bytes:
    with translation.override("zh-hans"):
        return _report(cycle_unit)


def _figures(cu) -> dict:
    from assessment import selectors

    today = timezone.localdate()
    progress = selectors.progress_for([cu], today)[cu.pk]
    return {
        "progress": progress,
        "missed": selectors.missed_months([cu.unit_id], cu.cycle.year, today)[cu.unit_id],
        "missing_talks": len(selectors.missing_talks(cu)),
        "scores": selectors.score_table([cu]).get(cu.pk, {}),
        "blockers": selectors.blockers_for([cu], today)[cu.pk],
    }


def _report(cu) -> bytes:
    from assessment.models import Evaluation, SelfInspection, SpotCheck

    font = register_font()
    cycle = cu.cycle
    data = _figures(cu)
    body = ParagraphStyle("body", fontName=font, fontSize=10.5, leading=17)
    small = ParagraphStyle("small", parent=body, fontSize=9, leading=13)
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER)
    head = ParagraphStyle("head", fontName=font, fontSize=13, leading=20, spaceBefore=8, spaceAfter=4)
    para = lambda text, style=body: Paragraph(escape(str(text)), style)  # noqa: E731
    story = [
        para(f"{cu.unit.name}{cycle.year}年度廉政风险防控考核报告", title),
        Spacer(1, 3 * mm),
        para(
            f"{cycle.title}　·　当前阶段：{cu.get_stage_display()}　·　生成日期：{timezone.localdate():%Y年%m月%d日}",
            small,
        ),
        Spacer(1, 4 * mm),
        para("一、考核得分", head),
    ]
    rows = [["考核指标", "权重", "依据", "得分"]]
    for indicator in cycle.indicators.all():
        score = data["scores"].get(indicator.pk)
        basis = score.basis if score else ""
        if score and score.reason:
            basis = f"{basis}（{score.reason}）"
        rows.append(
            [
                para(indicator.name, small),
                f"{indicator.weight.normalize()}",
                para(basis, small),
                f"{score.points}" if score else "—",
            ]
        )
    last = cu.previous.score_total if cu.previous_id and cu.previous else None
    rows.append(
        [
            "合计",
            "100",
            para(f"排名：{cu.score_rank or '—'}　上年：{last if last is not None else '—'}", small),
            f"{cu.score_total if cu.score_total is not None else '—'}",
        ]
    )
    table = Table(rows, colWidths=[58 * mm, 16 * mm, 70 * mm, 18 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9.5),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f4f6")),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#9ca3af")),
                ("ALIGN", (1, 1), (1, -1), "CENTER"),
                ("ALIGN", (3, 1), (3, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("FONT", (0, -1), (-1, -1), font, 10),
            ]
        )
    )
    story += [table, para("二、年度工作情况", head)]
    p = data["progress"]
    missed = "、".join(f"{m}月" for m in data["missed"]) or "无"
    story += [
        para(f"公开承诺：干部{p['cadres']}人，已报送{p['filed']}份，已审核公开{p['approved']}份。"),
        para(f"廉政教育：应开展{p['months_due']}个月，已开展{p['months']}个月；缺漏月份：{missed}。"),
        para(f"谈心谈话：尚未达到每年两次的谈话对象{data['missing_talks']}对。"),
    ]
    for inspection in SelfInspection.objects.filter(cycle_unit=cu).select_related("checkpoint"):
        late = "（逾期报送）" if inspection.on_time is False else ""
        story.append(
            para(f"定期自查（{inspection.checkpoint.get_half_display()}）：{inspection.get_status_display()}{late}。")
        )
    for e in Evaluation.objects.filter(cycle=cycle, unit=cu.unit, status="closed"):
        story.append(para(f"民主测评《{e.title}》：参评率{e.response_rate}%，满意率{e.satisfaction}%。"))
    for s in SpotCheck.objects.filter(unit=cu.unit, cycle=cycle):
        state = "已整改" if s.rectified_on else ("整改中" if s.rectification_required else "无需整改")
        story.append(para(f"垂直抽查（{s.get_kind_display()}，{s.checked_on:%Y-%m-%d}）：{s.findings}（{state}）"))
    story.append(para("三、修正（奖惩、问责与改进）", head))
    decisions = list(cu.decisions.all())
    story += [para(f"{d.get_kind_display()}：{d.text}") for d in decisions] or [para("尚未作出决定。")]
    if data["blockers"]:
        story.append(para("四、进入下一阶段前尚需完成", head))
        story += [para(f"· {b}") for b in data["blockers"]]
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=22 * mm,
        rightMargin=22 * mm,
        topMargin=22 * mm,
        bottomMargin=20 * mm,
        title=f"{cu.unit.name}{cycle.year}年度廉政风险防控考核报告",
        author=cycle.area.name,
    )
    doc.build(story, onFirstPage=_page_number(font), onLaterPages=_page_number(font))
    return out.getvalue()


def _page_number(font: str):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(font, 9)
        canvas.drawCentredString(A4[0] / 2, 12 * mm, f"第{doc.page}页")
        canvas.restoreState()

    return draw
