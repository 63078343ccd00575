"""The province generator's assessment: two cycle years for every county of a small
generated province, counted by the dashboards' refresh as the raw tables say."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from django.utils import timezone

from assessment.models import Commitment, Cycle, CycleUnit, SelfInspection, TalkDuty
from dashboards.models import AssessmentTally
from dashboards.services import tallies_refresh
from org.models import NodeKind, OrgNode

pytestmark = pytest.mark.django_db


def test_a_generated_province_gets_two_years_of_assessment_the_dashboards_count(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    call_command(
        "generate_scale",
        units=4,
        posts_per_unit=6,
        units_per_county=2,
        counties_per_city=1,
        powers_per_unit=1,
        risks_per_post=0,
        infos_per_unit=0,
        warnings_per_unit=0,
        code="AS1",
        stdout=StringIO(),
    )
    out = StringIO()
    call_command("generate_scale_assessment", code="AS1", stdout=out)
    assert "Generated assessment for 4 units in 2 counties" in out.getvalue()
    year = timezone.localdate().year
    province = OrgNode.objects.get(code="AS1")
    # a cycle per county and year; last year's archived and scored with ranks 1..n
    assert Cycle.objects.filter(area__kind=NodeKind.COUNTY).count() == 4
    last = CycleUnit.objects.filter(cycle__year=year - 1)
    assert set(last.values_list("stage", flat=True)) == {"done"}
    for cycle in Cycle.objects.filter(year=year - 1):
        assert sorted(last.filter(cycle=cycle).values_list("score_rank", flat=True)) == [1, 2]
    assert Commitment.objects.filter(cycle__year=year - 1, status="rated").count() == 4 * 6
    assert TalkDuty.objects.exists()
    # the refresh counts it as the raw tables say
    tallies_refresh()
    row = AssessmentTally.objects.get(node=province, year=year)
    units = CycleUnit.objects.filter(cycle__year=year)
    assert row.units == units.count() == 4
    assert row.scored_units == units.exclude(score_total=None).count()
    assert row.score_sum == (units.aggregate(s=Sum("score_total"))["s"] or 0)
    stages = dict(units.values_list("stage").annotate(n=Count("pk")))
    assert {s: getattr(row, f"stage_{s}") for s in stages} == stages
    filed = Commitment.objects.filter(cycle__year=year, status__in=["submitted", "approved", "reported", "rated"])
    assert row.commitments_filed == filed.count()
    opened = SelfInspection.objects.filter(
        cycle_unit__cycle__year=year,
        checkpoint__opens_on__lte=timezone.localdate(),
        status__in=["submitted", "accepted"],
    )
    assert row.inspections_submitted == opened.count()
    # and it refuses a second run
    with pytest.raises(CommandError):
        call_command("generate_scale_assessment", code="AS1", stdout=StringIO())
    # and the dashboards' benchmark runs over it: a row per page, beside the minimal view
    out = StringIO()
    call_command("bench_dashboards", over="AS1", n=2, stdout=out)
    rows = [line.rsplit(None, 6) for line in out.getvalue().splitlines()[2:]]
    labels = {r[0].split("  ")[0] for r in rows}
    assert {"dashboard province, built", "dashboard county", "tiles API county", "workbench"} <= labels
    for _label, floor, page, ratio, p50, p95, queries in rows:
        assert float(floor) > 0 and float(page) > 0 and 0 < float(p50) <= float(p95)
        assert abs(float(ratio) - float(page) / float(floor)) < 0.01
        assert int(queries) <= 20
