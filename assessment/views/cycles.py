"""Cycle pages: the list, opening a cycle, the cycle with each unit's stage and what blocks
it, a unit's page through the cycle, ranking, export and the assessment report."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import authority, selectors, services
from assessment.forms import AdvanceForm, CycleForm, DecisionForm, IndicatorsForm, MarkForm, RulesForm
from assessment.models import (
    STAGE_ORDER,
    Cycle,
    CycleUnit,
    DecisionKind,
    IndicatorSource,
    Stage,
    next_stage,
)
from assessment.views import put_errors
from core.paging import keyset_page
from core.params import int_param
from org.models import OrgNode
from org.permissions import require, user_perms


def _cycle(request, pk: int) -> Cycle:
    cycle = get_object_or_404(Cycle.objects.select_related("area", "previous"), pk=pk)
    if not selectors.may_see_cycle(request.user, cycle):
        raise PermissionDenied
    return cycle


def cycle_unit_or_404(request, pk: int, perm: str = "assessment.view") -> CycleUnit:
    cu = get_object_or_404(CycleUnit.objects.select_related("cycle__area", "unit", "previous__cycle"), pk=pk)
    require(request.user, perm, cu)
    return cu


@login_required
def cycle_list(request):
    if "assessment.view" not in user_perms(request.user):
        raise PermissionDenied
    rows, next_url, prev_url = keyset_page(request, selectors.cycle_list(user=request.user))
    areas = []
    if "assessment.manage" in user_perms(request.user):
        from org.permissions import scope_roots

        areas = list(scope_roots(request.user, "assessment.manage"))
    return render(
        request,
        "assessment/cycles.html",
        {"rows": rows, "next_url": next_url, "prev_url": prev_url, "areas": areas},
    )


@login_required
def cycle_new(request):
    area = get_object_or_404(OrgNode, pk=int_param(request.GET.get("area")) or 0)
    require(request.user, "assessment.manage", area)
    year = timezone.localdate().year
    form = CycleForm(request.POST or None, initial=CycleForm.defaults(year))
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_open(user=request.user, area=area, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The cycle is open; the units are in Plan."))
            return redirect("assessment:cycle", pk=cycle.pk)
    title = _("Open an assessment cycle for %(area)s") % {"area": area.name}
    return render(request, "assessment/form.html", {"form": form, "title": title})


@login_required
def cycle_detail(request, pk: int):
    cycle = _cycle(request, pk)
    stage = request.GET.get("stage", "")
    qs = selectors.cycle_units(user=request.user, cycle=cycle, stage=stage if stage in Stage.values else "")
    rows, next_url, prev_url = keyset_page(request, qs, ordering="id")
    for cu in rows:
        cu.cycle = cycle
    today = timezone.localdate()
    blockers = selectors.blockers_for(rows, today)
    progress = selectors.progress_for(rows, today)
    for cu in rows:
        cu.blockers, cu.progress = blockers[cu.pk], progress[cu.pk]
    counts = selectors.stage_counts(selectors.cycle_units(user=request.user, cycle=cycle))
    return render(
        request,
        "assessment/cycle.html",
        {
            "cycle": cycle,
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "stages": [(s, Stage(s).label, counts.get(s, 0)) for s in STAGE_ORDER],
            "stage": stage,
            "checkpoints": list(cycle.checkpoints.all()),
            "district": authority.is_district(request.user, cycle),
        },
    )


@login_required
def unit_detail(request, pk: int):
    """A unit's way through the cycle: its stage and blockers, Plan, Do (commitments,
    education, talks, evaluations, self-inspections), Check (scores), Act."""
    cu = cycle_unit_or_404(request, pk)
    cycle, user, today = cu.cycle, request.user, timezone.localdate()
    blockers = selectors.blockers_for([cu], today)[cu.pk]
    progress = selectors.progress_for([cu], today)[cu.pk]
    checkpoints = list(cycle.checkpoints.all())
    inspections = {i.checkpoint_id: i for i in cu.inspections.all()}
    indicators = list(cycle.indicators.all())
    scores = selectors.score_table([cu]).get(cu.pk, {})
    district, office = authority.is_district(user, cu), authority.is_unit_office(user, cu)
    upcoming = next_stage(cu.stage)
    may_move = upcoming is not None and services.may_advance(user, cu, upcoming) and upcoming != Stage.DONE
    manual = [i for i in indicators if i.source == IndicatorSource.MANUAL]
    return render(
        request,
        "assessment/unit.html",
        {
            "cu": cu,
            "cycle": cycle,
            "stages": [(s, Stage(s).label) for s in STAGE_ORDER],
            "stage_index": STAGE_ORDER.index(cu.stage),
            "blockers": blockers,
            "progress": progress,
            "next_stage": upcoming,
            "next_label": Stage(upcoming).label if upcoming else "",
            "may_move": may_move,
            "may_archive": upcoming == Stage.DONE and district,
            "checkpoints": [(cp, inspections.get(cp.pk)) for cp in checkpoints],
            "missed": selectors.missed_months([cu.unit_id], cycle.year, today)[cu.unit_id],
            "carryover": [
                {**c, "label": DecisionKind(c["kind"]).label}
                for c in cu.carryover
                if c.get("kind") in DecisionKind.values
            ],
            "decisions": cu.decisions.select_related("risk_point", "decided_by"),
            "events": cu.events.select_related("actor__person"),
            "indicator_rows": [(i, scores.get(i.pk)) for i in indicators],
            "evaluations": selectors.evaluation_list(user=user, unit=cu.unit, cycle=cycle),
            "spot_checks": selectors.spot_checks(user=user, unit=cu.unit, cycle=cycle),
            "years": selectors.unit_years(user=user, unit=cu.unit)[:6],
            "district": district,
            "office": office,
            "rules_form": RulesForm() if office and cu.stage == Stage.PLAN else None,
            "decision_form": DecisionForm(unit=cu.unit) if district and cu.stage == Stage.ACT else None,
            "mark_form": MarkForm(indicators=manual) if district and manual and cu.stage == Stage.CHECK else None,
        },
    )


@login_required
@require_POST
def advance(request, pk: int):
    cu = cycle_unit_or_404(request, pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the next stage."))
        return redirect("assessment:unit", pk=pk)
    try:
        services.stage_advance(
            user=request.user, cycle_unit=cu, to_stage=form.cleaned_data["stage"], note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        if form.cleaned_data["stage"] == Stage.DONE:
            messages.success(request, _("Archived; the unit is in Plan of the next cycle with what Act decided."))
        else:
            messages.success(
                request, _("The unit moved to %(stage)s.") % {"stage": Stage(form.cleaned_data["stage"]).label}
            )
    return redirect("assessment:unit", pk=pk)


@login_required
def rules(request, pk: int):
    cu = cycle_unit_or_404(request, pk, "assessment.unit")
    form = RulesForm(request.POST or None, request.FILES or None, initial={"note": cu.rules_note})
    if request.method == "POST" and form.is_valid():
        try:
            services.rules_file(user=request.user, cycle_unit=cu, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The implementation rules are filed."))
            return redirect("assessment:unit", pk=pk)
    return render(request, "assessment/form.html", {"form": form, "title": _("File the implementation rules")})


@login_required
@require_POST
def act(request, pk: int):
    cu = cycle_unit_or_404(request, pk)
    form = DecisionForm(request.POST, unit=cu.unit)
    if form.is_valid():
        try:
            services.act_decide(user=request.user, cycle_unit=cu, **form.cleaned_data)
            messages.success(request, _("The decision is recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("assessment:unit", pk=pk)


@login_required
@require_POST
def mark(request, pk: int):
    cu = cycle_unit_or_404(request, pk)
    indicators = list(cu.cycle.indicators.filter(source=IndicatorSource.MANUAL))
    form = MarkForm(request.POST, indicators=indicators)
    if form.is_valid():
        indicator = next(i for i in indicators if i.pk == form.cleaned_data["indicator"])
        try:
            services.mark_record(
                user=request.user,
                cycle_unit=cu,
                indicator=indicator,
                points=form.cleaned_data["points"],
                reason=form.cleaned_data["reason"],
            )
            messages.success(request, _("The mark is recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("assessment:unit", pk=pk)


@login_required
@require_POST
def talks_refresh(request, pk: int):
    cu = cycle_unit_or_404(request, pk, "assessment.unit")
    services.talk_duties_refresh(cycle_unit=cu)
    messages.success(request, _("Who must talk with whom was brought up to date."))
    return redirect("assessment:talks", pk=pk)


@login_required
def report_pdf(request, pk: int):
    from assessment.pdf import unit_report_pdf

    cu = cycle_unit_or_404(request, pk)
    data = unit_report_pdf(cu)
    filename = f"{cu.cycle.year}-{cu.unit.name}-考核报告.pdf"
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- scoring -----------------------------------------------------------------------------------


@login_required
def ranking(request, pk: int):
    cycle = _cycle(request, pk)
    qs = selectors.ranking(user=request.user, cycle=cycle).filter(score_rank__isnull=False)
    rows, next_url, prev_url = keyset_page(request, qs, ordering=("score_rank", "id"))
    indicators = list(cycle.indicators.all())
    table = selectors.score_table(rows)
    for cu in rows:
        cu.cells = [table.get(cu.pk, {}).get(i.pk) for i in indicators]
        previous = cu.previous
        cu.last_year = previous.score_total if previous is not None else None
        cu.change = cu.score_total - cu.last_year if cu.last_year is not None and cu.score_total is not None else None
    return render(
        request,
        "assessment/ranking.html",
        {
            "cycle": cycle,
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "indicators": indicators,
            "district": authority.is_district(request.user, cycle),
        },
    )


@login_required
@require_POST
def score(request, pk: int):
    cycle = _cycle(request, pk)
    try:
        n = services.scores_compute(user=request.user, cycle=cycle)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(n)d units scored.") % {"n": n})
    return redirect("assessment:ranking", pk=pk)


@login_required
def ranking_export(request, pk: int):
    from assessment.excel import ranking_workbook

    cycle = _cycle(request, pk)
    data = ranking_workbook(cycle, selectors.ranking(user=request.user, cycle=cycle))
    filename = f"{cycle.title}-考核结果.xlsx"
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def indicators(request, pk: int):
    cycle = _cycle(request, pk)
    if not authority.is_district(request.user, cycle):
        raise PermissionDenied
    items = list(cycle.indicators.all())
    form = IndicatorsForm(request.POST or None, indicators=items)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicators_configure(
                user=request.user, cycle=cycle, weights=form.weights(), new_manual=form.cleaned_data["new_manual"]
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The assessment scheme is saved."))
            return redirect("assessment:indicators", pk=pk)
    title = _("Assessment scheme of %(cycle)s") % {"cycle": cycle.title}
    return render(
        request, "assessment/form.html", {"form": form, "title": title, "total": sum(i.weight for i in items)}
    )
