"""The warning notice (预警通知书, 询问函, 提醒书) as a PDF in the shape of an official
document: issuing body, red title and rule, document number, addressee, body, disposal,
reply deadline, date and a seal placeholder. Data in, bytes out; the Chinese font is
embedded."""

from __future__ import annotations

from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import translation
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Paragraph, SimpleDocTemplate, Spacer

from core.pdf import register_font

DOCUMENT_TITLES = {
    "inquiry": "询问函",
    "reminder": "提醒书",
}


def document_title(warning) -> str:
    """A warning whose disposal is only an inquiry letter or a reminder notice is that
    document; anything else is a warning notice of its colour."""
    kinds = set(warning.disposals)
    if len(kinds) == 1 and next(iter(kinds)) in DOCUMENT_TITLES:
        return DOCUMENT_TITLES[next(iter(kinds))]
    return "廉政风险预警通知书"


class Seal(Flowable):
    """A round placeholder where the issuing body's seal goes."""

    def __init__(self, font: str, label: str):
        super().__init__()
        self.font, self.label = font, label
        self.width = self.height = 38 * mm

    def draw(self) -> None:
        c = self.canv
        c.setStrokeColor(colors.HexColor("#c62828"))
        c.setLineWidth(1.2)
        c.circle(self.width / 2, self.height / 2, self.width / 2 - 1, stroke=1, fill=0)
        c.setFillColor(colors.HexColor("#c62828"))
        c.setFont(self.font, 9)
        c.drawCentredString(self.width / 2, self.height / 2 + 4, self.label[:12])
        c.drawCentredString(self.width / 2, self.height / 2 - 10, "（印章）")


def warning_notice_pdf(warning) -> bytes:
    """The notice, always in Chinese (it is an official document)."""
    with translation.override("zh-hans"):
        return _notice(warning)


def _notice(warning) -> bytes:
    from alerts.models import WarningColour

    font = register_font()
    colour = WarningColour.objects.filter(level=warning.level).first()
    issuer = warning.issuer_name
    base = ParagraphStyle("body", fontName=font, fontSize=12, leading=22, firstLineIndent=24)
    plain = ParagraphStyle("plain", parent=base, firstLineIndent=0)
    head = ParagraphStyle("head", fontName=font, fontSize=22, leading=30, alignment=TA_CENTER, textColor="#c62828")
    title = ParagraphStyle("title", fontName=font, fontSize=18, leading=26, alignment=TA_CENTER)
    right = ParagraphStyle("right", parent=plain, alignment=TA_RIGHT)
    target = {
        "unit": warning.unit.name,
        "department": f"{warning.unit.name}{warning.node.name}",
        "post": f"{warning.unit.name}{warning.node.name}{warning.post.name if warning.post else ''}岗位",
        "person": f"{warning.person.name if warning.person else ''}同志",
    }[warning.target_kind]
    disposals = "；".join(warning.disposal_labels)
    story = [
        Paragraph(escape(issuer), head),
        Spacer(1, 4 * mm),
        Paragraph(escape(warning.number), ParagraphStyle("no", parent=plain, alignment=TA_CENTER)),
        HRFlowable(width="100%", thickness=2, color=colors.HexColor("#c62828"), spaceBefore=2, spaceAfter=10),
        Paragraph(escape(document_title(warning)), title),
        Spacer(1, 2 * mm),
        Paragraph(
            escape(f"（{colour.name if colour else ''} · {colour.action if colour else ''}）"),
            ParagraphStyle("c", parent=plain, alignment=TA_CENTER),
        ),
        Spacer(1, 6 * mm),
        Paragraph(escape(f"{target}："), plain),
        Paragraph(escape(warning.title), base),
    ]
    story += [Paragraph(escape(line), base) for line in warning.facts.splitlines() if line.strip()]
    story += [
        Paragraph(escape(f"根据有关规定，现作如下处置：{disposals}。"), base),
        Paragraph(
            escape(
                f"请于{warning.reply_due:%Y年%m月%d日}前，对照问题深入分析原因，制定整改措施，以书面形式报送{issuer}。"
            ),
            base,
        ),
        Spacer(1, 16 * mm),
        Paragraph(escape(issuer), right),
        Paragraph(escape(f"{warning.issued_on:%Y年%m月%d日}"), right),
        Seal(font, issuer),
    ]
    out = BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=30 * mm,
        bottomMargin=25 * mm,
        title=f"{warning.number} {document_title(warning)}",
        author=issuer,
    )
    seal = story[-1]
    seal.hAlign = "RIGHT"
    doc.build(story)
    return out.getvalue()
