"""The cycle's results as a workbook (考核结果): one row a unit, the points of every
indicator, total, rank, last year's total and the change — for the annual evaluation of
units and leaders. Written in write-only mode, in chunks of units."""

from __future__ import annotations

from io import BytesIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

CHUNK = 1000


def ranking_workbook(cycle, cycle_units) -> bytes:
    """`cycle_units`: the (scoped) CycleUnit queryset of the cycle."""
    from assessment.selectors import score_table

    indicators = list(cycle.indicators.all())
    book = Workbook(write_only=True)
    sheet = book.create_sheet("考核结果")
    bold = Font(bold=True)
    head = ["排名", "单位", "阶段", *[f"{i.name}（{i.weight.normalize()}）" for i in indicators]]
    head += ["总分", "上年总分", "增减"]
    cells = []
    for text in head:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    rows = cycle_units.select_related("unit", "previous").order_by("score_rank", "unit__path")
    ids = list(rows.values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = list(rows.filter(pk__in=ids[start : start + CHUNK]))
        table = score_table(chunk)
        for cu in chunk:
            last = cu.previous.score_total if cu.previous is not None else None
            total = cu.score_total
            points = [table.get(cu.pk, {}).get(i.pk) for i in indicators]
            sheet.append(
                [
                    cu.score_rank,
                    cu.unit.name,
                    cu.get_stage_display(),
                    *[float(s.points) if s else None for s in points],
                    float(total) if total is not None else None,
                    float(last) if last is not None else None,
                    float(total - last) if total is not None and last is not None else None,
                ]
            )
    out = BytesIO()
    book.save(out)
    return out.getvalue()
