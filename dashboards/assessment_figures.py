"""The assessment part of a dashboard (PDCA stages, self-inspection and commitment
completion, education and talk coverage, scores, ranking and year-over-year change), read
from AssessmentTally in one query for the node, its children and the hidden children,
all years at once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from assessment.models import CycleUnit, Stage
from dashboards.charts import Chart
from dashboards.models import AssessmentTally
from org.models import NodeKind, OrgNode

ONE = Decimal("0.1")
TWO = Decimal("0.01")
Row = dict[str, int | Decimal]

# (figure done, figure due, label): each a line of the completion chart.
COMPLETION = [
    ("inspections_submitted", "inspections_due", gettext_lazy("Self-inspections submitted")),
    ("inspections_accepted", "inspections_due", gettext_lazy("Self-inspections accepted")),
    ("commitments_filed", "cadres", gettext_lazy("Commitments filed")),
    ("commitments_approved", "cadres", gettext_lazy("Commitments approved")),
    ("commitments_kept", "cadres", gettext_lazy("Commitments rated kept")),
    ("education_held", "education_due", gettext_lazy("Months with integrity education")),
    ("talks_held", "talks_due", gettext_lazy("Talk duties met (twice a year)")),
]


def percent(done, due) -> Decimal | None:
    return (Decimal(100) * done / due).quantize(ONE, ROUND_HALF_UP) if due else None


def average(row: Row | None) -> Decimal | None:
    if not row or not row.get("scored_units"):
        return None
    return (Decimal(row["score_sum"]) / row["scored_units"]).quantize(TWO, ROUND_HALF_UP)


@dataclass
class UnitScore:
    """A unit node's own place in its cycle."""

    score: Decimal | None
    rank: int | None
    of: int


@dataclass
class AssessmentBoard:
    year: int
    years: list[int]
    figures: Row
    last: Row
    own: UnitScore | None

    @property
    def average(self) -> Decimal | None:
        return average(self.figures)

    @property
    def last_average(self) -> Decimal | None:
        return average(self.last)

    @property
    def change(self) -> Decimal | None:
        now, before = self.average, self.last_average
        return None if now is None or before is None else now - before

    def rate(self, done: str, due: str) -> Decimal | None:
        return percent(self.figures.get(done, 0), self.figures.get(due, 0))

    @property
    def inspection_rate(self) -> Decimal | None:
        return self.rate("inspections_submitted", "inspections_due")

    @property
    def commitment_rate(self) -> Decimal | None:
        return self.rate("commitments_approved", "cadres")

    @property
    def education_rate(self) -> Decimal | None:
        return self.rate("education_held", "education_due")

    @property
    def talk_rate(self) -> Decimal | None:
        return self.rate("talks_held", "talks_due")


def _rows(ids: list[int]) -> dict[int, dict[int, Row]]:
    """{node id: {year: figures}} (one query)."""
    found: dict[int, dict[int, Row]] = defaultdict(dict)
    fields = AssessmentTally.FIELDS
    for node_id, year, *values in AssessmentTally.objects.filter(node_id__in=ids).values_list(
        "node_id", "year", *fields
    ):
        found[node_id][year] = dict(zip(fields, values, strict=True))
    return found


def _net(rows: dict[int, dict[int, Row]], node_id: int, hidden: set[int], year: int) -> Row:
    out: Row = dict.fromkeys(AssessmentTally.FIELDS, 0)
    for f in AssessmentTally.FIELDS:
        out[f] = rows.get(node_id, {}).get(year, {}).get(f, 0) - sum(
            rows.get(h, {}).get(year, {}).get(f, 0) for h in hidden
        )
    return out


def _pick_year(years: list[int], wanted: int | None, today: dt.date) -> int:
    if wanted in years:
        return wanted
    past = [y for y in years if y <= today.year]
    return max(past) if past else today.year


def _own_score(node: OrgNode, year: int) -> UnitScore | None:
    if node.kind != NodeKind.UNIT:
        return None
    size = CycleUnit.objects.filter(cycle=OuterRef("cycle")).order_by().values("cycle").annotate(n=Count("pk"))
    row = (
        CycleUnit.objects.filter(unit=node, cycle__year=year)
        .annotate(of=Subquery(size.values("n")))
        .values_list("score_total", "score_rank", "of")
        .first()
    )
    return UnitScore(*row) if row else None


def build(
    node: OrgNode, children: list[OrgNode], hidden: set[int], year: int | None = None
) -> tuple[AssessmentBoard, list[Chart]]:
    """The assessment figures of `node` (minus its `hidden` children) for `year` (default:
    the latest cycle year up to this one), and its charts."""
    today = timezone.localdate()
    rows = _rows([node.pk, *(c.pk for c in children), *hidden])
    years = sorted(rows.get(node.pk, {}))
    year = _pick_year(years, year, today)
    board = AssessmentBoard(
        year=year,
        years=years,
        figures=_net(rows, node.pk, hidden, year),
        last=_net(rows, node.pk, hidden, year - 1),
        own=_own_score(node, year),
    )
    return board, [_stage_chart(board), _completion_chart(board), _score_chart(children, rows, year)]


def _stage_chart(board: AssessmentBoard) -> Chart:
    rows = [[str(s.label), board.figures.get(f"stage_{s.value}", 0)] for s in Stage]
    return Chart(
        "stages",
        _("Units by PDCA stage (%(year)s)") % {"year": board.year},
        [_("Stage"), _("Units")],
        rows,
        spec={"type": "bar"},
    )


def _completion_chart(board: AssessmentBoard) -> Chart:
    rows = []
    for done, due, label in COMPLETION:
        d, n = board.figures.get(done, 0), board.figures.get(due, 0)
        rate = percent(d, n)
        rows.append([str(label), d, n, float(rate) if rate is not None else None])
    return Chart(
        "completion",
        _("Completion (%(year)s)") % {"year": board.year},
        [_("Item"), _("Done"), _("Due"), _("Per cent")],
        rows,
        spec={"type": "percent"},
    )


def _score_chart(children: list[OrgNode], rows: dict[int, dict[int, Row]], year: int) -> Chart:
    """The children ranked by their (average) score, with last year's and the change."""
    scored = []
    for child in children:
        now = average(rows.get(child.pk, {}).get(year))
        before = average(rows.get(child.pk, {}).get(year - 1))
        units = rows.get(child.pk, {}).get(year, {}).get("scored_units", 0)
        scored.append((child, now, before, units))
    scored.sort(key=lambda r: (r[1] is None, -(r[1] or 0), r[0].path))
    table, rank, previous = [], 0, None
    for i, (child, now, before, units) in enumerate(scored, start=1):
        if now != previous:
            rank, previous = i, now
        change = None if now is None or before is None else float(now - before)
        table.append(
            [
                child.name,
                rank if now is not None else None,
                float(now) if now is not None else None,
                float(before) if before is not None else None,
                change,
                units,
            ]
        )
    return Chart(
        "scores",
        _("Assessment scores and ranking (%(year)s)") % {"year": year},
        [
            _("Unit or area"),
            pgettext("ranking", "Rank"),
            _("Score"),
            _("Last year"),
            pgettext("score", "Change"),
            _("Units scored"),
        ],
        table,
        links=[r[0].pk for r in scored],
        spec={"type": "grouped", "series": [2, 3], "names": [str(year), str(year - 1)]},
    )
