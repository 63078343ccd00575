"""Reads of the dashboards: every figure comes from the summary tables, never the raw
registers, in a fixed number of queries whatever the number of child nodes.

A node's rows count its whole subtree. When the reader may not open some child of the
node (a unit chief whose role does not reach the unit's sub-units), those children's rows
are subtracted, so each reader sees only the figures of what they may see.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from alerts.models import PetitionStatus, WarningColour, WarningLevel, WarningStatus
from dashboards import assessment_figures
from dashboards.cache import RunInfo, latest_run
from dashboards.charts import Chart
from dashboards.models import NodeTally, PetitionTally, RiskTally, WarningTally
from org.models import NodeKind, OrgNode
from org.permissions import has_perm
from risks.models import Grade, RiskKind, RiskStatus

GRADE_COLOURS = {1: "#c0392b", 2: "#e67e22", 3: "#f1c40f"}
TREND_MONTHS = 12


@dataclass
class Dashboard:
    node: OrgNode
    ancestors: list[OrgNode]
    children: list[OrgNode]
    figures: dict[str, int]
    total_points: int
    charts: dict[str, Chart]
    refreshed: RunInfo | None
    assessment: assessment_figures.AssessmentBoard

    @property
    def stale(self) -> bool:
        """Older than three refresh periods (or never counted): the scheduled job is not running."""
        return self.refreshed is None or self.refreshed.stale

    def chart_data(self) -> dict:
        return {name: chart.data() for name, chart in self.charts.items()}

    def as_tiles(self) -> dict:
        """The headline figures (the tiles) as JSON-ready data: small enough to poll."""
        a = self.assessment
        return {
            "node": {"id": self.node.pk, "name": self.node.name, "kind": self.node.kind},
            "figures": {"approved_points": self.total_points, **self.figures},
            "assessment": {
                "year": a.year,
                "inspections_submitted": _plain(a.inspection_rate),
                "commitments_approved": _plain(a.commitment_rate),
                "education_coverage": _plain(a.education_rate),
                "talk_coverage": _plain(a.talk_rate),
                "average_score": _plain(a.average),
                "change": _plain(a.change),
            },
        }

    def as_data(self) -> dict:
        """Everything the page shows, as JSON-ready data (the API): figures, the assessment
        and every chart's numbers. Rates are per cent; None where nothing was due."""
        a = self.assessment
        return {
            "node": {"id": self.node.pk, "name": self.node.name, "kind": self.node.kind},
            "ancestors": [{"id": n.pk, "name": n.name} for n in self.ancestors],
            "children": [{"id": n.pk, "name": n.name, "kind": n.kind} for n in self.children],
            "figures": {"approved_points": self.total_points, **self.figures},
            "assessment": {
                "year": a.year,
                "years": a.years,
                "figures": _plain(a.figures),
                "last_year": _plain(a.last),
                "average_score": _plain(a.average),
                "last_average_score": _plain(a.last_average),
                "change": _plain(a.change),
                "rank": {"score": _plain(a.own.score), "rank": a.own.rank, "of": a.own.of} if a.own else None,
            },
            "charts": {name: {"title": str(c.title), **_plain(c.data())} for name, c in self.charts.items()},
        }


def _plain(value):
    """Decimals as numbers, lazy strings as strings, all the way down."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def dashboard_nodes(user, node: OrgNode) -> tuple[list[OrgNode], list[OrgNode], list[OrgNode]]:
    """(the node's ancestors the user may open, its children they may open, those they may not)."""
    prefixes = node.path_prefixes()[:-1]
    below = Q(path__startswith=node.path, depth=node.depth + 1) & ~Q(kind=NodeKind.DEPARTMENT)
    everyone = list(OrgNode.objects.filter(Q(path__in=prefixes) | below).order_by("path"))
    ancestors = sorted((n for n in everyone if n.depth < node.depth), key=lambda n: n.depth)
    children = sorted((n for n in everyone if n.depth > node.depth), key=lambda n: n.path)
    shown = [c for c in children if has_perm(user, "dashboard.view", c)]
    hidden = [c for c in children if c not in shown]
    return [a for a in ancestors if has_perm(user, "dashboard.view", a)], shown, hidden


def _net(rows, node_id: int, hidden: set[int]) -> dict:
    """{key: count} of the node minus its hidden children, from (node id, key, count) rows."""
    out: dict = defaultdict(int)
    for where, key, n in rows:
        if where == node_id:
            out[key] += n
        elif where in hidden:
            out[key] -= n
    return out


def build(user, node: OrgNode, *, year: int | None = None) -> Dashboard:
    """The dashboard of `node` for `user` (who may view it: the view checks); the
    assessment figures are those of the cycle `year` (default: the latest)."""
    ancestors, children, hidden_nodes = dashboard_nodes(user, node)
    hidden = {c.pk for c in hidden_nodes}
    ids = [node.pk, *(c.pk for c in children), *hidden]
    child_ids = {c.pk for c in children}

    # the node's (and hidden children's) rows in full; the children's only as the heat map
    # needs them, summed in the database (a county's 60 units have ~10,000 rows in full)
    risk_rows = list(
        RiskTally.objects.filter(node_id__in=[node.pk, *hidden]).values_list(
            "node_id", "category_id", "category__name", "category__sort_order", "kind", "grade", "status", "count"
        )
    )
    heat: dict[tuple[int, int], int] = defaultdict(int)
    for n, cid, c in (
        RiskTally.objects.filter(node_id__in=child_ids, status=RiskStatus.APPROVED)
        .values_list("node_id", "category_id")
        .annotate(n=Sum("count"))
        .order_by()
    ):
        heat[(n, cid)] = c
    categories = sorted({(order, cid, name) for _n, cid, name, order, *_rest in risk_rows})
    mine = _net(
        ((n, (cid, kind, grade, status), c) for n, cid, _nm, _o, kind, grade, status, c in risk_rows), node.pk, hidden
    )
    approved = {k: v for k, v in mine.items() if k[3] == RiskStatus.APPROVED}
    by_grade = _sum_by(approved, lambda k: k[2])
    by_kind = _sum_by(approved, lambda k: k[1])
    by_category = _sum_by(approved, lambda k: k[0])
    by_status = _sum_by(mine, lambda k: k[3])

    node_rows = {
        row[0]: dict(zip(NodeTally.FIELDS, row[1:], strict=True))
        for row in NodeTally.objects.filter(node_id__in=ids).values_list("node_id", *NodeTally.FIELDS)
    }
    figures = dict.fromkeys(NodeTally.FIELDS, 0)
    for f in NodeTally.FIELDS:
        figures[f] = node_rows.get(node.pk, {}).get(f, 0) - sum(node_rows.get(h, {}).get(f, 0) for h in hidden)

    warn_rows = list(
        WarningTally.objects.filter(node_id__in=ids)
        .values_list("node_id", "level", "status")
        .annotate(n=Sum("count"))
        .order_by()
    )
    warnings = _net(((n, (lv, st), c) for n, lv, st, c in warn_rows), node.pk, hidden)
    open_by_child: dict[int, int] = defaultdict(int)
    for n, _lv, st, c in warn_rows:
        if n in child_ids and st != WarningStatus.CLOSED:
            open_by_child[n] += c
    months = _last_months(TREND_MONTHS)
    trend_rows = (
        WarningTally.objects.filter(node_id__in=[node.pk, *hidden], month__gte=months[0])
        .values_list("node_id", "month", "level")
        .annotate(n=Sum("count"))
        .order_by()
    )
    trend = _net(((n, (m, lv), c) for n, m, lv, c in trend_rows), node.pk, hidden)
    petitions = _net(
        PetitionTally.objects.filter(node_id__in=ids).values_list("node_id", "status", "count"), node.pk, hidden
    )
    figures["warnings_open"] = sum(n for (_lv, st), n in warnings.items() if st != WarningStatus.CLOSED)
    colours = {lv: (name, colour) for lv, name, colour in WarningColour.objects.values_list("level", "name", "colour")}

    charts = [
        _grade_chart(by_grade),
        _category_chart(by_category, categories),
        _kind_chart(by_kind),
        _status_chart(by_status),
        _heat_chart(children, categories, heat),
        _units_chart(children, heat, node_rows, open_by_child),
        _warning_chart(warnings, colours),
        _trend_chart(trend, months, colours),
        _petition_chart(petitions),
    ]
    assessment, assessment_charts = assessment_figures.build(node, children, hidden, year)
    charts += assessment_charts
    return Dashboard(
        node=node,
        ancestors=ancestors,
        children=children,
        figures=figures,
        total_points=sum(by_grade.values()),
        charts={c.name: c for c in charts},
        refreshed=latest_run(),
        assessment=assessment,
    )


def _sum_by(counts: dict, key) -> dict:
    out: dict = defaultdict(int)
    for k, n in counts.items():
        out[key(k)] += n
    return out


def _last_months(n: int, today: dt.date | None = None) -> list[dt.date]:
    from django.utils import timezone

    first = (today or timezone.localdate()).replace(day=1)
    months = [first]
    for _i in range(n - 1):
        months.append((months[-1] - dt.timedelta(days=1)).replace(day=1))
    return months[::-1]


def _grade_chart(by_grade) -> Chart:
    rows = [[str(Grade(g).label), by_grade.get(g, 0)] for g in Grade.values]
    colours = [GRADE_COLOURS[g] for g in Grade.values]
    return Chart(
        "grade",
        _("Risk points by grade"),
        [_("Grade"), _("Risk points")],
        rows,
        spec={"type": "pie", "colours": colours},
    )


def _category_chart(by_category, categories) -> Chart:
    rows = [[name, by_category.get(cid, 0)] for _o, cid, name in categories]
    return Chart(
        "category", _("Risk points by category"), [_("Category"), _("Risk points")], rows, spec={"type": "bar"}
    )


def _kind_chart(by_kind) -> Chart:
    rows = [[str(k.label), by_kind.get(k.value, 0)] for k in RiskKind]
    return Chart("kind", _("Risk points by kind"), [_("Kind"), _("Risk points")], rows, spec={"type": "pie"})


def _status_chart(by_status) -> Chart:
    rows = [[str(s.label), by_status.get(s.value, 0)] for s in RiskStatus]
    return Chart("status", _("Risk points by status"), [_("Status"), _("Risk points")], rows, spec={"type": "bar"})


def _heat_chart(children, categories, heat) -> Chart:
    columns = [_("Unit or area"), *(name for _o, _cid, name in categories), _("Total")]
    rows = []
    for child in children:
        cells = [heat.get((child.pk, cid), 0) for _o, cid, _name in categories]
        rows.append([child.name, *cells, sum(cells)])
    return Chart(
        "heatmap",
        _("Approved risk points: units by category"),
        columns,
        rows,
        links=[c.pk for c in children],
        spec={"type": "heatmap"},
    )


def _units_chart(children, heat, node_rows, open_by_child) -> Chart:
    columns = [
        _("Unit or area"),
        _("Risk points"),
        _("Risk posts"),
        _("Risk nodes"),
        _("Measures overdue"),
        _("Open warnings"),
        _("Replies overdue"),
        _("Petitions overdue"),
    ]
    points_of: dict[int, int] = defaultdict(int)
    for (where, _cid), n in heat.items():
        points_of[where] += n
    rows = []
    for child in children:
        f = node_rows.get(child.pk, {})
        points = points_of.get(child.pk, 0)
        rows.append(
            [
                child.name,
                points,
                f.get("risk_posts", 0),
                f.get("risk_nodes", 0),
                f.get("measures_overdue", 0),
                open_by_child.get(child.pk, 0),
                f.get("replies_overdue", 0),
                f.get("petitions_overdue", 0),
            ]
        )
    return Chart(
        "units", _("Units and areas below"), columns, rows, links=[c.pk for c in children], spec={"type": "table"}
    )


def _level_name(level: int, colours) -> str:
    return colours.get(level, (str(WarningLevel(level).label), ""))[0]


def _warning_chart(warnings, colours) -> Chart:
    statuses = list(WarningStatus)
    columns = [_("Warning level"), *(str(s.label) for s in statuses), _("Total")]
    rows = []
    for level in WarningLevel.values:
        cells = [warnings.get((level, s.value), 0) for s in statuses]
        rows.append([_level_name(level, colours), *cells, sum(cells)])
    return Chart(
        "warnings",
        _("Warnings by colour and status"),
        columns,
        rows,
        spec={"type": "stacked", "colours": [colours.get(lv, ("", "#888"))[1] for lv in WarningLevel.values]},
    )


def _trend_chart(trend, months, colours) -> Chart:
    columns = [_("Month"), *(_level_name(lv, colours) for lv in WarningLevel.values), _("Total")]
    rows = []
    for m in months:
        cells = [trend.get((m, lv), 0) for lv in WarningLevel.values]
        rows.append([m.strftime("%Y-%m"), *cells, sum(cells)])
    return Chart(
        "trend",
        _("Warnings issued by month"),
        columns,
        rows,
        spec={"type": "trend", "colours": [colours.get(lv, ("", "#888"))[1] for lv in WarningLevel.values]},
    )


def _petition_chart(petitions) -> Chart:
    rows = [[str(s.label), petitions.get(s.value, 0)] for s in PetitionStatus]
    return Chart(
        "petitions", _("Petitions and reports by status"), [_("Status"), _("Number")], rows, spec={"type": "bar"}
    )
