"""The one write of the dashboards: rebuild the summary tables from the raw registers.

Each raw table is read once, grouped by unit (the indexed foreign key every fact carries),
and the per-unit counts are added up the tree in Python along the materialised paths. Only
the nodes whose figures changed have their rows replaced, in one transaction, so a run with
nothing new writes nothing but its TallyRun row and a second run is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, ExtractMonth, ExtractYear, TruncMonth
from django.utils import timezone

from alerts.models import Petition, RiskWarning, WarningStatus
from assessment.models import (
    FILED_COMMITMENT,
    KEPT_RATINGS,
    LOCKED_COMMITMENT,
    Commitment,
    CycleUnit,
    EducationSession,
    InspectionStatus,
    SelfInspection,
    Talk,
    TalkDuty,
)
from assessment.presets import EDUCATION_MIN_MINUTES, TALKS_PER_YEAR
from assessment.selectors import months_due
from dashboards.cache import run_finished
from dashboards.models import AssessmentTally, NodeTally, PetitionTally, RiskTally, TallyRun, WarningTally
from org.models import NodeKind, OrgNode, Person
from risks.models import OPEN_MEASURE_STATUSES, Measure, Review, ReviewStatus, RiskPoint, RiskStatus

# Same key on every PostgreSQL connection: two refreshes never interleave their writes.
_LOCK_KEY = 7_020_001
OPEN_PETITION_STATUSES = ("received", "assigned")
WEEK = dt.timedelta(days=7)  # "due this week": from the day to seven days on (the workbench's)

Counts = dict[int, dict[tuple, int]]  # node id -> {row key: count}


class _Tree:
    """The area and unit nodes (departments count in their unit), by id and by path."""

    def __init__(self) -> None:
        rows = OrgNode.objects.exclude(kind=NodeKind.DEPARTMENT).order_by().values_list("pk", "path")
        self.path_of: dict[int, str] = dict(rows)
        self.id_of: dict[str, int] = {path: pk for pk, path in self.path_of.items()}

    def up_from_path(self, path: str) -> list[int]:
        """The tally nodes at and above the node with this path (a department's: its unit's)."""
        step = OrgNode.steplen
        prefixes = (path[:i] for i in range(step, len(path) + 1, step))
        return [self.id_of[p] for p in prefixes if p in self.id_of]

    def up(self, node_id: int) -> list[int]:
        path = self.path_of.get(node_id)
        return self.up_from_path(path) if path else []


def _add_up(tree: _Tree, rows: Iterable[tuple[int | str, tuple, int]], *, by_path: bool = False) -> Counts:
    out: Counts = defaultdict(lambda: defaultdict(int))
    for where, key, n in rows:
        for node_id in tree.up_from_path(where) if by_path else tree.up(where):
            out[node_id][key] += n
    return out


def _risk_counts(tree: _Tree) -> Counts:
    rows = (
        RiskPoint.objects.order_by()
        .values_list("unit_id", "category_id", "kind", "grade", "status")
        .annotate(n=Count("pk"))
    )
    return _add_up(tree, ((unit, (cat, kind, grade, status), n) for unit, cat, kind, grade, status, n in rows))


def _warning_counts(tree: _Tree) -> Counts:
    rows = (
        RiskWarning.objects.order_by()
        .annotate(month=TruncMonth("issued_on"))
        .values_list("unit_id", "level", "status", "month")
        .annotate(n=Count("pk"))
    )
    return _add_up(tree, ((unit, (level, status, _month(m)), n) for unit, level, status, m, n in rows))


def _month(value) -> dt.date:
    value = value.date() if isinstance(value, dt.datetime) else value
    return value.replace(day=1)


def _petition_counts(tree: _Tree) -> Counts:
    rows = Petition.objects.order_by().values_list("node__path", "status").annotate(n=Count("pk"))
    return _add_up(tree, ((path, (status,), n) for path, status, n in rows), by_path=True)


def _distinct_up(tree: _Tree, pairs: Iterable[tuple[int, object]]) -> Counts:
    """How many distinct things sit at and below each node, from (unit id, thing) pairs."""
    found: dict[int, set] = defaultdict(set)
    for unit, thing in pairs:
        for node_id in tree.up(unit):
            found[node_id].add(thing)
    return {node_id: {(): len(things)} for node_id, things in found.items()}


def _summed(tree: _Tree, rows, *, by_path: bool = False) -> Counts:
    """Per-unit (or per-path) counts added up the tree, from (where, n) rows."""
    return _add_up(tree, ((where, (), n) for where, n in rows), by_path=by_path)


def _as_rows(figures: dict[str, Counts], fields: tuple[str, ...]) -> Counts:
    """One row a node and sub-key from one Counts per field: the key of the row is the
    sub-key followed by the figures in field order, counted once (the tables whose rows are
    not a count of their key, like NodeTally and AssessmentTally)."""
    merged: dict[int, dict[tuple, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for name, counts in figures.items():
        for node_id, by_key in counts.items():
            for key, n in by_key.items():
                merged[node_id][key][name] = n
    return {
        node_id: {(*key, *(v.get(f, 0) for f in fields)): 1 for key, v in keys.items() if any(v.values())}
        for node_id, keys in merged.items()
    }


def _node_counts(tree: _Tree, today: dt.date) -> Counts:
    approved = RiskPoint.objects.filter(status=RiskStatus.APPROVED).order_by()
    posts = approved.filter(post__isnull=False).values_list("unit_id", "post_id").distinct()
    steps = (
        approved.exclude(step_key="")
        .values_list("unit_id", "power_id", "step_key")
        .distinct()
        .iterator(chunk_size=5000)
    )
    open_measures = Measure.objects.filter(status__in=OPEN_MEASURE_STATUSES).order_by()
    issued = RiskWarning.objects.filter(status=WarningStatus.ISSUED).order_by()
    open_petitions = Petition.objects.filter(status__in=OPEN_PETITION_STATUSES).order_by()
    pending = Review.objects.filter(status=ReviewStatus.PENDING).order_by()
    week = (today, today + WEEK)
    late = timezone.make_aware(dt.datetime.combine(today - WEEK, dt.time.min))
    figures: dict[str, Counts] = {
        "risk_posts": _distinct_up(tree, posts.iterator(chunk_size=5000)),
        "risk_nodes": _distinct_up(tree, ((unit, (power, key)) for unit, power, key in steps)),
        "measures_open": _summed(tree, open_measures.values_list("point__unit_id").annotate(n=Count("pk"))),
        "measures_overdue": _summed(
            tree, open_measures.filter(deadline__lt=today).values_list("point__unit_id").annotate(n=Count("pk"))
        ),
        "replies_overdue": _summed(
            tree, issued.filter(reply_due__lt=today).values_list("unit_id").annotate(n=Count("pk"))
        ),
        "petitions_overdue": _summed(
            tree,
            open_petitions.filter(due_on__lt=today).values_list("node__path").annotate(n=Count("pk")),
            by_path=True,
        ),
        "measures_due_week": _summed(
            tree, open_measures.filter(deadline__range=week).values_list("point__unit_id").annotate(n=Count("pk"))
        ),
        "replies_due_week": _summed(
            tree, issued.filter(reply_due__range=week).values_list("unit_id").annotate(n=Count("pk"))
        ),
        "petitions_due_week": _summed(
            tree,
            open_petitions.filter(due_on__range=week).values_list("node__path").annotate(n=Count("pk")),
            by_path=True,
        ),
        "reviews_pending": _summed(tree, pending.values_list("point__unit_id").annotate(n=Count("pk"))),
        "reviews_late": _summed(
            tree, pending.filter(submitted_at__lt=late).values_list("point__unit_id").annotate(n=Count("pk"))
        ),
    }
    return _as_rows(figures, NodeTally.FIELDS)


def _assessment_counts(tree: _Tree, today: dt.date) -> Counts:
    """Per unit and cycle year, added up the tree: the units in the year's cycle by stage,
    self-inspections of the checkpoints opened so far, commitments of the active cadres,
    months that are over with an hour of integrity education, talk duties met twice in the
    year, and the scores. The same rules as assessment.services.scoring."""
    year = "cycle__year"
    units = CycleUnit.objects.order_by()
    rows: dict[str, list] = defaultdict(list)
    in_cycle: set[tuple[int, int]] = set()
    for unit, y, stage, n in units.values_list("unit_id", year, "stage").annotate(n=Count("pk")):
        in_cycle.add((unit, y))
        rows["units"].append((unit, (y,), n))
        rows[f"stage_{stage}"].append((unit, (y,), n))
    for unit, y, n, total in (
        units.filter(score_total__isnull=False)
        .values_list("unit_id", year)
        .annotate(n=Count("pk"), total=Sum("score_total"))
    ):
        rows["scored_units"].append((unit, (y,), n))
        rows["score_sum"].append((unit, (y,), total))
    opened = Q(cycle__checkpoints__opens_on__lte=today)
    for unit, y, n in units.values_list("unit_id", year).annotate(n=Count("cycle__checkpoints", filter=opened)):
        rows["inspections_due"].append((unit, (y,), n))
    for unit, y, submitted, accepted in (
        SelfInspection.objects.filter(
            checkpoint__opens_on__lte=today, status__in=(InspectionStatus.SUBMITTED, InspectionStatus.ACCEPTED)
        )
        .order_by()
        .values_list("cycle_unit__unit_id", "cycle_unit__cycle__year")
        .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(status=InspectionStatus.ACCEPTED)))
    ):
        rows["inspections_submitted"].append((unit, (y,), submitted))
        rows["inspections_accepted"].append((unit, (y,), accepted))
    cadres = dict(Person.objects.filter(is_active=True).order_by().values_list("unit_id").annotate(n=Count("pk")))
    for unit, y in in_cycle:
        rows["cadres"].append((unit, (y,), cadres.get(unit, 0)))
        rows["education_due"].append((unit, (y,), months_due(y, today)))
    for unit, y, filed, approved, kept in (
        Commitment.objects.filter(person__is_active=True)
        .order_by()
        .values_list("unit_id", year)
        .annotate(
            filed=Count("pk", filter=Q(status__in=FILED_COMMITMENT)),
            approved=Count("pk", filter=Q(status__in=LOCKED_COMMITMENT)),
            kept=Count("pk", filter=Q(rating__in=KEPT_RATINGS)),
        )
    ):
        rows["commitments_filed"].append((unit, (y,), filed))
        rows["commitments_approved"].append((unit, (y,), approved))
        rows["commitments_kept"].append((unit, (y,), kept))
    held = (
        EducationSession.objects.filter(minutes__gte=EDUCATION_MIN_MINUTES, held_on__lt=today.replace(day=1))
        .order_by()
        .annotate(y=ExtractYear("held_on"), m=ExtractMonth("held_on"))
        .values_list("unit_id", "y")
        .annotate(n=Count("m", distinct=True))
    )
    rows["education_held"] = [(unit, (y,), n) for unit, y, n in held if (unit, y) in in_cycle]
    talks = (
        Talk.objects.filter(
            leader=OuterRef("leader"), cadre=OuterRef("cadre"), held_on__year=OuterRef("cycle_unit__cycle__year")
        )
        .order_by()
        .values("cadre")
        .annotate(n=Count("pk"))
        .values("n")
    )
    for unit, y, due, ok in (
        TalkDuty.objects.order_by()
        .annotate(held=Coalesce(Subquery(talks, output_field=IntegerField()), 0))
        .values_list("cycle_unit__unit_id", "cycle_unit__cycle__year")
        .annotate(due=Count("pk"), ok=Count("pk", filter=Q(held__gte=TALKS_PER_YEAR)))
    ):
        rows["talks_due"].append((unit, (y,), due))
        rows["talks_held"].append((unit, (y,), ok))
    return _as_rows({name: _add_up(tree, found) for name, found in rows.items()}, AssessmentTally.FIELDS)


# table -> (the key fields of a row, in order; how a key and count become a row)
def _risk_row(node_id, key, n):
    return RiskTally(node_id=node_id, category_id=key[0], kind=key[1], grade=key[2], status=key[3], count=n)


def _warning_row(node_id, key, n):
    return WarningTally(node_id=node_id, level=key[0], status=key[1], month=key[2], count=n)


def _petition_row(node_id, key, n):
    return PetitionTally(node_id=node_id, status=key[0], count=n)


def _node_row(node_id, key, _n):
    return NodeTally(node_id=node_id, **dict(zip(NodeTally.FIELDS, key, strict=True)))


def _assessment_row(node_id, key, _n):
    return AssessmentTally(node_id=node_id, year=key[0], **dict(zip(AssessmentTally.FIELDS, key[1:], strict=True)))


TABLES = [
    (RiskTally, ("category_id", "kind", "grade", "status"), "count", _risk_row),
    (WarningTally, ("level", "status", "month"), "count", _warning_row),
    (PetitionTally, ("status",), "count", _petition_row),
    (NodeTally, NodeTally.FIELDS, None, _node_row),
    (AssessmentTally, ("year", *AssessmentTally.FIELDS), None, _assessment_row),
]


def _stored(model, keys: tuple[str, ...], count_field: str | None) -> Counts:
    out: Counts = defaultdict(dict)
    fields = ("node_id", *keys, *((count_field,) if count_field else ()))
    for row in model.objects.order_by().values_list(*fields).iterator(chunk_size=5000):
        key = row[1 : 1 + len(keys)]
        out[row[0]][key] = row[-1] if count_field else 1
    return out


def _replace(model, make_row, wanted: Counts, stored: Counts) -> set[int]:
    changed = {n for n in wanted.keys() | stored.keys() if dict(wanted.get(n, {})) != stored.get(n, {})}
    ids = sorted(changed)
    for i in range(0, len(ids), 1000):
        model.objects.filter(node_id__in=ids[i : i + 1000]).delete()
    model.objects.bulk_create(
        (make_row(n, key, count) for n in ids for key, count in wanted.get(n, {}).items()), batch_size=2000
    )
    return changed


def tallies_refresh(*, today: dt.date | None = None) -> TallyRun:
    """Recount everything and replace the summary rows of the nodes whose figures changed.
    Idempotent: run twice, the second run changes no row. Overdue figures count as of
    `today` (default: the local date)."""
    started = timezone.now()
    today = today or timezone.localdate()
    tree = _Tree()
    wanted = [
        _risk_counts(tree),
        _warning_counts(tree),
        _petition_counts(tree),
        _node_counts(tree, today),
        _assessment_counts(tree, today),
    ]
    changed: set[int] = set()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        for (model, keys, count_field, make_row), counts in zip(TABLES, wanted, strict=True):
            changed |= _replace(model, make_row, counts, _stored(model, keys, count_field))
        run = TallyRun.objects.create(
            started_at=started, finished_at=timezone.now(), as_of=today, nodes_changed=len(changed)
        )
        run_finished(run)
        return run
