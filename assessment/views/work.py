"""The unit's work of the year: self-inspections, the education ledger, heart-to-heart
talks, and the district's spot checks."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import authority, selectors, services
from assessment.forms import (
    CARRIED_CHOICES,
    EducationFormForm,
    InspectionReportForm,
    RectifiedForm,
    ReviewForm,
    SpotCheckForm,
    TalkForm,
)
from assessment.models import (
    Checkpoint,
    CycleUnit,
    EducationSession,
    InspectionItem,
    InspectionStatus,
    SelfInspection,
    SpotCheck,
)
from assessment.services.inspections import EDITABLE
from assessment.views import put_errors
from assessment.views.cycles import cycle_unit_or_404
from core.paging import keyset_page
from org.models import Person
from org.permissions import require

# --- self-inspections --------------------------------------------------------------------------


@login_required
@require_POST
def inspection_start(request, pk: int, half: int):
    cu = cycle_unit_or_404(request, pk, "assessment.unit")
    checkpoint = get_object_or_404(Checkpoint, cycle=cu.cycle, half=half)
    try:
        inspection = services.inspection_start(user=request.user, cycle_unit=cu, checkpoint=checkpoint)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("assessment:unit", pk=pk)
    return redirect("assessment:inspection", pk=inspection.pk)


def _inspection(request, pk: int) -> SelfInspection:
    inspection = get_object_or_404(
        SelfInspection.objects.select_related("cycle_unit__unit", "cycle_unit__cycle", "checkpoint", "submitted_by"),
        pk=pk,
    )
    require(request.user, "assessment.view", inspection)
    return inspection


def _answers(request, items: list[InspectionItem]) -> dict[int, dict]:
    answers = {}
    for item in items:
        prefix = f"item-{item.pk}-"
        if prefix + "carried_out" not in request.POST:
            continue
        answers[item.pk] = {
            "carried_out": request.POST.get(prefix + "carried_out", ""),
            "evidence_note": request.POST.get(prefix + "evidence_note", ""),
            "evidence": request.FILES.get(prefix + "evidence"),
        }
    return answers


@login_required
def inspection_detail(request, pk: int):
    inspection = _inspection(request, pk)
    items = list(inspection.items.select_related("measure__owner"))
    office = authority.is_unit_office(request.user, inspection.cycle_unit)
    editable = office and inspection.status in EDITABLE
    form = InspectionReportForm(
        request.POST or None,
        initial={
            "report_measures": inspection.report_measures,
            "report_conduct": inspection.report_conduct,
            "report_weaknesses": inspection.report_weaknesses,
        },
    )
    errors: list[str] = []
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        answers = _answers(request, items)
        if form.is_valid():
            try:
                services.inspection_save(
                    user=request.user,
                    inspection=inspection,
                    answers=answers,
                    report=form.cleaned_data,
                    submit="submit" in request.POST,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    errors = exc.message_dict.get("items", [])
                    exc = ValidationError({k: v for k, v in exc.message_dict.items() if k != "items"} or {})
                put_errors(form, exc)
                for item in items:  # show what was typed, not what is stored
                    if item.pk in answers:
                        item.carried_out = answers[item.pk]["carried_out"]
                        item.evidence_note = answers[item.pk]["evidence_note"]
            else:
                if "submit" in request.POST:
                    messages.success(request, _("The self-inspection was submitted to the district."))
                else:
                    messages.success(request, _("Saved."))
                return redirect("assessment:inspection", pk=pk)
    district = authority.is_district(request.user, inspection.cycle_unit)
    return render(
        request,
        "assessment/inspection.html",
        {
            "inspection": inspection,
            "cu": inspection.cycle_unit,
            "items": items,
            "form": form,
            "editable": editable,
            "item_errors": errors,
            "carried_choices": CARRIED_CHOICES,
            "review_form": ReviewForm() if district and inspection.status == InspectionStatus.SUBMITTED else None,
            "overdue": inspection.status in EDITABLE and inspection.checkpoint.due_on < timezone.localdate(),
        },
    )


@login_required
@require_POST
def inspection_review(request, pk: int):
    inspection = _inspection(request, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.inspection_review(user=request.user, inspection=inspection, **form.cleaned_data)
            messages.success(request, _("Your decision was recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose accept or return."))
    return redirect("assessment:inspection", pk=pk)


@login_required
def evidence(request, pk: int):
    item = get_object_or_404(InspectionItem.objects.select_related("inspection__cycle_unit__unit"), pk=pk)
    require(request.user, "assessment.view", item.inspection)
    if not item.evidence:
        raise Http404
    return FileResponse(item.evidence.open("rb"), as_attachment=True)


# --- the education ledger and talks ----------------------------------------------------------------


@login_required
def education(request, pk: int):
    cu = cycle_unit_or_404(request, pk)
    qs = selectors.education_list(user=request.user, unit=cu.unit, year=cu.cycle.year).prefetch_related()
    rows, next_url, prev_url = keyset_page(request, qs)
    today = timezone.localdate()
    covered = selectors.covered_months([cu.unit_id], cu.cycle.year, today).get(cu.unit_id, set())
    due = selectors.months_due(cu.cycle.year, today)
    months = [(m, m in covered, m <= due) for m in range(1, 13)]
    return render(
        request,
        "assessment/education.html",
        {
            "cu": cu,
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "months": months,
            "office": authority.is_unit_office(request.user, cu),
        },
    )


@login_required
def education_new(request, pk: int):
    cu = cycle_unit_or_404(request, pk, "assessment.unit")
    form = EducationFormForm(
        request.POST or None, request.FILES or None, unit=cu.unit, initial={"held_on": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.education_record(user=request.user, unit=cu.unit, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The session is in the ledger."))
            return redirect("assessment:education", pk=pk)
    title = _("Integrity education session of %(unit)s") % {"unit": cu.unit.name}
    return render(request, "assessment/form.html", {"form": form, "title": title})


@login_required
def materials(request, pk: int):
    session = get_object_or_404(EducationSession.objects.select_related("unit"), pk=pk)
    require(request.user, "assessment.view", session)
    if not session.materials:
        raise Http404
    return FileResponse(session.materials.open("rb"), as_attachment=True)


@login_required
def talks(request, pk: int):
    cu = cycle_unit_or_404(request, pk)
    qs = selectors.talk_list(user=request.user, unit=cu.unit, year=cu.cycle.year)
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request,
        "assessment/talks.html",
        {
            "cu": cu,
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "missing": selectors.missing_talks(cu),
            "life_events": selectors.missing_life_event_talks(cu),
            "office": authority.is_unit_office(request.user, cu),
        },
    )


@login_required
def talk_new(request, pk: int):
    """The unit's office records any talk; a leader of the unit records their own."""
    cu = get_object_or_404(CycleUnit.objects.select_related("cycle", "unit"), pk=pk)
    office = authority.is_unit_office(request.user, cu)
    me = getattr(request.user, "person", None)
    if not office and (me is None or me.unit_id != cu.unit_id):
        raise PermissionDenied
    leaders = None if office else Person.objects.filter(pk=me.pk)
    initial = {"held_on": timezone.localdate(), "leader": None if office else me}
    form = TalkForm(request.POST or None, unit=cu.unit, leaders=leaders, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.talk_record(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The talk is recorded."))
            return redirect("assessment:talks", pk=pk) if office else redirect("assessment:mine")
    title = _("Record a heart-to-heart talk (%(unit)s)") % {"unit": cu.unit.name}
    return render(request, "assessment/form.html", {"form": form, "title": title})


# --- spot checks ----------------------------------------------------------------------------------


@login_required
def spotcheck_new(request, pk: int):
    cu = cycle_unit_or_404(request, pk, "assessment.manage")
    form = SpotCheckForm(request.POST or None, initial={"checked_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            check = services.spotcheck_record(user=request.user, unit=cu.unit, cycle=cu.cycle, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The spot check is recorded."))
            return redirect("assessment:spotcheck", pk=check.pk)
    title = _("Record a spot check of %(unit)s") % {"unit": cu.unit.name}
    return render(request, "assessment/form.html", {"form": form, "title": title})


@login_required
def spotcheck_detail(request, pk: int):
    check = get_object_or_404(SpotCheck.objects.select_related("unit", "cycle", "recorded_by__person"), pk=pk)
    require(request.user, "assessment.view", check)
    office = authority.is_unit_office(request.user, check)
    form = RectifiedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.spotcheck_rectified(user=request.user, spot_check=check, **form.cleaned_data)
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            messages.success(request, _("The rectification is recorded."))
            return redirect("assessment:spotcheck", pk=pk)
    return render(
        request,
        "assessment/spotcheck.html",
        {"check": check, "form": form if office and check.rectification_open else None},
    )
