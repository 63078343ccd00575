"""Dashboard pages: thin, they parse, check the scope and render what the selectors built."""

from __future__ import annotations

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.exports import export_request
from core.params import int_param
from dashboards import selectors
from dashboards import workbench as workbench_selectors
from dashboards.report import PERIODS, REPORT
from org.models import NodeKind, OrgNode
from org.permissions import require, scope_roots, user_perms

COCKPIT_REFRESH_SECONDS = 60


def _node(request) -> OrgNode:
    """The node named by ?node=, else the first root of the reader's dashboard scope."""
    pk = int_param(request.GET.get("node"))
    if pk:
        node = get_object_or_404(OrgNode, pk=pk)
        if node.kind == NodeKind.DEPARTMENT:
            raise Http404
        require(request.user, "dashboard.view", node)
        return node
    root = scope_roots(request.user, "dashboard.view").exclude(kind=NodeKind.DEPARTMENT).first()
    if root is None:
        raise PermissionDenied
    return root


@login_required
def dashboard(request):
    if "dashboard.view" not in user_perms(request.user):
        raise PermissionDenied
    board = selectors.build(request.user, _node(request))
    if request.GET.get("format") == "csv":
        return _csv(board, request.GET.get("chart", ""))
    cockpit = request.GET.get("cockpit") == "1"
    return render(
        request,
        "dashboards/cockpit.html" if cockpit else "dashboards/dashboard.html",
        {"board": board, "cockpit": cockpit, "refresh_seconds": COCKPIT_REFRESH_SECONDS},
    )


def _csv(board: selectors.Dashboard, name: str) -> HttpResponse:
    chart = board.charts.get(name)
    if chart is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{board.node.pk}-{chart.name}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly only with the BOM
    writer = csv.writer(response)
    writer.writerow(chart.columns)
    writer.writerows(chart.rows)
    return response


@login_required
def workbench(request):
    if "petition.manage" not in user_perms(request.user):
        raise PermissionDenied
    sections = workbench_selectors.build(request.user)
    return render(request, "dashboards/workbench.html", {"sections": sections})


@login_required
@require_POST
def report(request):
    """Have the monthly or annual report of a node built in the background."""
    if "dashboard.view" not in user_perms(request.user):
        raise PermissionDenied
    node = _node(request)
    period = request.POST.get("period", "month")
    if period not in PERIODS:
        raise Http404
    job = export_request(user=request.user, kind=REPORT, params={"node": node.pk, "period": period})
    return redirect("core:export_job", pk=job.pk)
