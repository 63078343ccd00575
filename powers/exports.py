"""Spreadsheet exports of the inventory: data in, bytes out."""

from __future__ import annotations

from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font


def catalogue_xlsx(post, rows) -> bytes:
    """The post-duty catalogue (岗位职权目录) of one post as an .xlsx workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Post-duty catalogue")[:31]
    sheet.append([f"{post.department.name} · {post.name} — {_('Post-duty catalogue')}"])
    sheet["A1"].font = Font(bold=True, size=13)
    headers = [
        _("Code"),
        _("Power item"),
        _("Type"),
        _("Owning department"),
        _("Time limit (working days)"),
        _("Legal basis"),
        _("Steps this post handles"),
    ]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for version, steps in rows:
        bases = "；".join(f"《{b.law}》{b.articles}" for b in version.legal_bases.all())
        handled = "；".join(
            f"{s.key} {s.name}" + (f"（{s.time_limit_days}）" if s.time_limit_days is not None else "") for s in steps
        )
        sheet.append(
            [
                version.power.code,
                version.name,
                version.power_type.name,
                version.department.name,
                version.time_limit_days,
                bases,
                handled,
            ]
        )
    for column, width in zip("ABCDEFG", (12, 28, 12, 16, 12, 48, 40), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = BytesIO()
    book.save(out)
    return out.getvalue()
