"""Dashboard pages: thin, they parse, check the scope and render what the selectors built.
The board itself (tiles, charts, tables) is rendered once per reader and figures version
and kept in the cache (dashboards.cache); only the page around it is rendered each time."""

from __future__ import annotations

import csv
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from core.exports import export_request
from core.params import int_param
from dashboards import cache, selectors
from dashboards import workbench as workbench_selectors
from dashboards.report import PERIODS, REPORT
from org.models import NodeKind, OrgNode
from org.permissions import require, scope_roots, user_perms

COCKPIT_POLL_SECONDS = 60


def node_for(request) -> OrgNode:
    """The node named by ?node=, else the first root of the reader's dashboard scope; 403
    out of scope, 404 for a department or no such node."""
    if "dashboard.view" not in user_perms(request.user):
        raise PermissionDenied
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


AS_DATA = {"data": selectors.Dashboard.as_data, "tiles": selectors.Dashboard.as_tiles}


def board_data(request, variant: str = "data") -> tuple[dict, cache.Entry]:
    """The reader's dashboard as data ("data": everything, "tiles": the headline figures),
    from the cache or built after the scope check."""
    year = int_param(request.GET.get("year"))
    entry = cache.entry(variant, request.user, int_param(request.GET.get("node")), year)
    data = entry.get_or_build(lambda: AS_DATA[variant](selectors.build(request.user, node_for(request), year=year)))
    return data, entry


@dataclass(frozen=True)
class RenderedBoard:
    """What the page around the board needs, and the board's HTML (kept in the cache)."""

    node_id: int
    node_name: str
    kind_label: str
    ancestors: tuple[tuple[int, str], ...]
    year: int
    html: str


def _rendered(request, cockpit: bool) -> tuple[RenderedBoard, cache.Entry]:
    year = int_param(request.GET.get("year"))
    entry = cache.entry("cockpit" if cockpit else "page", request.user, int_param(request.GET.get("node")), year)

    def render_board() -> RenderedBoard:
        board = selectors.build(request.user, node_for(request), year=year)
        return RenderedBoard(
            board.node.pk,
            board.node.name,
            str(board.node.get_kind_display()),
            tuple((a.pk, a.name) for a in board.ancestors),
            board.assessment.year,
            render_to_string("dashboards/_board.html", {"board": board, "cockpit": cockpit}),
        )

    return entry.get_or_build(render_board), entry


@login_required
def dashboard(request):
    if "dashboard.view" not in user_perms(request.user):
        raise PermissionDenied
    if request.GET.get("format") == "csv":
        data, _entry = board_data(request)
        return _csv(data, request.GET.get("chart", ""))
    cockpit = request.GET.get("cockpit") == "1"
    page, entry = _rendered(request, cockpit)
    return render(
        request,
        "dashboards/cockpit.html" if cockpit else "dashboards/dashboard.html",
        {
            "page": page,
            "board_html": mark_safe(page.html),  # noqa: S308 - rendered by our own template, escaped there
            "run": entry.run,
            "cockpit": cockpit,
            "poll_seconds": COCKPIT_POLL_SECONDS,
        },
    )


def _csv(data: dict, name: str) -> HttpResponse:
    chart = data["charts"].get(name)
    if chart is None:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dashboard-{data["node"]["id"]}-{name}.csv"'
    response.write("\ufeff")  # Excel opens UTF-8 Chinese correctly only with the BOM
    writer = csv.writer(response)
    writer.writerow(chart["columns"])
    writer.writerows(chart["rows"])
    return response


@login_required
def workbench(request):
    if "petition.manage" not in user_perms(request.user):
        raise PermissionDenied
    sections = workbench_selectors.build(request.user)
    counted_at = next((s.counted_at for s in sections if s.counted_at), None)
    return render(request, "dashboards/workbench.html", {"sections": sections, "counted_at": counted_at})


@login_required
@require_POST
def report(request):
    """Have the monthly or annual report of a node built in the background."""
    node = node_for(request)
    period = request.POST.get("period", "month")
    if period not in PERIODS:
        raise Http404
    job = export_request(user=request.user, kind=REPORT, params={"node": node.pk, "period": period})
    return redirect("core:export_job", pk=job.pk)
