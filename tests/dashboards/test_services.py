"""The refresh: summary rows equal counts taken straight from the raw tables, and a second
run changes nothing."""

from __future__ import annotations

import pytest
from django.db.models import Count
from django.utils import timezone

from alerts.models import Petition, RiskWarning, WarningLevel
from dashboards import selectors
from dashboards.models import NodeTally, PetitionTally, RiskTally, TallyRun, WarningTally
from dashboards.services import tallies_refresh
from risks.models import Grade, Measure, RiskKind, RiskPoint, RiskStatus
from tests.risks.test_approval import record

pytestmark = pytest.mark.django_db


def _independent(node):
    """Counts under `node` taken from the raw registers, the slow way."""
    today = timezone.localdate()
    points = RiskPoint.objects.filter(unit__path__startswith=node.path)
    approved = points.filter(status="approved")
    warnings = RiskWarning.objects.filter(unit__path__startswith=node.path)
    petitions = Petition.objects.filter(node__path__startswith=node.path)
    measures = Measure.objects.filter(point__unit__path__startswith=node.path, status__in=["planned", "in_progress"])
    return {
        "grade": dict(approved.values_list("grade").annotate(n=Count("pk"))),
        "kind": dict(approved.values_list("kind").annotate(n=Count("pk"))),
        "category": dict(approved.values_list("category__name").annotate(n=Count("pk"))),
        "status": dict(points.values_list("status").annotate(n=Count("pk"))),
        "warnings": dict(warnings.values_list("level").annotate(n=Count("pk"))),
        "petitions": dict(petitions.values_list("status").annotate(n=Count("pk"))),
        "risk_posts": approved.exclude(post=None).values("post").distinct().count(),
        "measures_open": measures.count(),
        "measures_overdue": measures.filter(deadline__lt=today).count(),
        "replies_overdue": warnings.filter(status="issued", reply_due__lt=today).count(),
        "petitions_overdue": petitions.filter(status__in=["received", "assigned"], due_on__lt=today).count(),
    }


def _nonzero(rows) -> dict:
    return {label: n for label, n in rows if n}


@pytest.mark.parametrize("where", ["province", "county", "unit_a", "sub_unit", "unit_b", "other_county"])
def test_dashboard_numbers_equal_counts_from_the_raw_tables(org, known, where):
    # given the known fixture, counted
    tallies_refresh()
    node = getattr(org, where)
    # when the superuser's dashboard of the node is built
    board = selectors.build(known.superuser, node)
    # then every figure equals the count taken straight from the raw tables
    raw = _independent(node)

    assert _nonzero(board.charts["grade"].rows) == {str(Grade(g).label): n for g, n in raw["grade"].items()}
    assert _nonzero(board.charts["kind"].rows) == {str(RiskKind(k).label): n for k, n in raw["kind"].items()}
    assert _nonzero(board.charts["category"].rows) == raw["category"]
    assert _nonzero(board.charts["status"].rows) == {str(RiskStatus(s).label): n for s, n in raw["status"].items()}
    assert board.total_points == sum(raw["grade"].values())
    assert [r[-1] for r in board.charts["warnings"].rows] == [raw["warnings"].get(lv, 0) for lv in WarningLevel.values]
    assert sum(r[-1] for r in board.charts["trend"].rows) == sum(raw["warnings"].values())
    assert sum(r[1] for r in board.charts["petitions"].rows) == sum(raw["petitions"].values())
    for field in ("risk_posts", "measures_open", "measures_overdue", "replies_overdue", "petitions_overdue"):
        assert board.figures[field] == raw[field], field


def test_known_fixture_figures(org, known):
    # a few figures spelt out, so the fixture itself is checked
    tallies_refresh()
    county = selectors.build(known.superuser, org.county)
    assert county.total_points == 5  # 2 in A, 2 in B, 1 in the sub-unit
    assert county.figures["measures_overdue"] == 3  # A1 -3 days, B -10 days, sub-unit -1 day
    assert county.figures["replies_overdue"] == 1
    assert county.figures["warnings_open"] == 2
    assert county.figures["petitions_overdue"] == 2  # received 20 and 40 days ago, 15 days to answer
    assert {r[0]: r[1] for r in county.charts["units"].rows} == {"甲县检察院": 3, "甲县环保局": 2}


def _snapshot():
    return [
        sorted(model.objects.values_list(*[f.attname for f in model._meta.concrete_fields]))
        for model in (RiskTally, WarningTally, PetitionTally, NodeTally)
    ]


def test_the_refresh_is_idempotent(org, known):
    # given one refresh
    first = tallies_refresh()
    before = _snapshot()
    # when it runs again with nothing new
    second = tallies_refresh()
    # then not a row changed (not even its id), and the run says so
    assert first.nodes_changed > 0
    assert second.nodes_changed == 0
    assert _snapshot() == before
    assert TallyRun.objects.count() == 2


def test_only_the_nodes_whose_figures_changed_are_rewritten(org, known):
    tallies_refresh()
    untouched = set(RiskTally.objects.filter(node=org.unit_a).values_list("pk", flat=True))
    # when a point is recorded in the other county
    record(known.superuser, post=org.post_c1, description="新增风险")
    run = tallies_refresh()
    # then the unit, its county and the province are recounted, nothing else
    assert run.nodes_changed == 3
    assert set(RiskTally.objects.filter(node=org.unit_a).values_list("pk", flat=True)) == untouched


def test_the_beat_job_refreshes(org, known, settings):
    from dashboards.tasks import refresh_tallies

    assert settings.CELERY_BEAT_SCHEDULE["dashboards.refresh_tallies"]["schedule"] == 300.0
    assert refresh_tallies() > 0
    assert refresh_tallies() == 0
