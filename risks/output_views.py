"""The risk register's printed and spreadsheet outputs for one unit (`?unit=<id>`).

- the risk-control system table (《廉政风险防控体系表》) as a PDF: built in the request for a
  unit with up to DIRECT_LIMIT approved points, else as a background export (core.exports)
  whose page the user is sent to;
- the unit's points and measures as .xlsx, and the all-or-nothing import of such a workbook.

The background builder is registered when this module is imported: RisksConfig.ready()
imports it, so the web process and the Celery worker both know it.
"""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.exports import export_request, register
from core.forms import StyledFormMixin
from core.models import ExportJob
from core.params import int_param
from core.uploads import MAX_UPLOAD_BYTES
from org.models import NodeKind, OrgNode
from org.permissions import has_perm, require
from risks import excel, pdf
from risks.models import RiskPoint, RiskStatus

SYSTEM_TABLE = "risks.system_table"
DIRECT_LIMIT = 300  # approved points up to which the PDF is built within the request
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(request, perm: str) -> OrgNode:
    unit = get_object_or_404(OrgNode, pk=int_param(request.GET.get("unit")) or 0, kind=NodeKind.UNIT)
    require(request.user, perm, unit)
    return unit


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def system_table_filename(unit: OrgNode) -> str:
    return f"《{unit.name}》{pdf.TITLE}.pdf"


@login_required
def system_table(request):
    """The unit's 《廉政风险防控体系表》: the PDF itself, or the page of its background export."""
    unit = _unit(request, "risk.view")
    if RiskPoint.objects.filter(unit=unit, status=RiskStatus.APPROVED).count() > DIRECT_LIMIT:
        job = export_request(user=request.user, kind=SYSTEM_TABLE, params={"unit": unit.pk})
        return redirect("core:export_job", pk=job.pk)
    return _attachment(pdf.system_table_pdf(unit), "application/pdf", system_table_filename(unit))


def build_system_table(job: ExportJob, progress) -> tuple[str, bytes]:
    """The background builder: checks the requester's access again (it may have changed
    since the request), then builds the PDF with progress reports."""
    unit = OrgNode.objects.get(pk=job.params["unit"], kind=NodeKind.UNIT)
    if not has_perm(job.requested_by, "risk.view", unit):
        raise PermissionDenied(_("You may no longer see the risk points of %(unit)s.") % {"unit": unit.name})
    return system_table_filename(unit), pdf.system_table_pdf(unit, progress=progress)


register(SYSTEM_TABLE, build_system_table, label=gettext_lazy("Risk-control system table"))


@login_required
def export(request):
    """The unit's points and measures as .xlsx. Approved points only (`approved=1`) for
    anyone who may read the unit's register; with drafts and points under review for those
    who manage it."""
    approved_only = request.GET.get("approved") == "1"
    unit = _unit(request, "risk.view" if approved_only else "risk.manage")
    suffix = "已审定风险点" if approved_only else "风险点"
    return _attachment(excel.export_unit(unit, approved_only=approved_only), XLSX, f"{unit.name}-{suffix}.xlsx")


class ImportForm(StyledFormMixin, forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Workbook (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"})
    )


@login_required
def import_points(request):
    """Upload a workbook: all rows are imported, or none and a per-row error report (400)."""
    unit = _unit(request, "risk.manage")
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, result = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("workbook", _("The workbook is larger than 20 MB."))
        else:
            try:
                result = excel.import_unit(user=request.user, unit=unit, data=upload.read())
            except excel.ImportFailed as exc:
                errors = exc.errors
    status = 400 if errors or (request.method == "POST" and form.errors) else 200
    context = {"unit": unit, "form": form, "errors": errors, "result": result}
    return render(request, "risks/import.html", context, status=status)
