"""Public commitments: my commitment, filing and changing it, the leader's approval and
rating, the unit's published commitments and the public portal page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessment import authority, presets, selectors, services
from assessment.forms import CommitmentForm, DecideForm, RateForm, ReportForm
from assessment.models import (
    EDITABLE_COMMITMENT,
    Commitment,
    CommitmentItem,
    CommitmentStatus,
    Cycle,
    CycleStatus,
    CycleUnit,
)
from assessment.views import put_errors
from assessment.views.cycles import cycle_unit_or_404
from core.paging import keyset_page
from core.params import int_param
from org.permissions import has_perm


@login_required
def mine(request):
    """My commitments in the open cycles, and my unit's deadlines."""
    rows = selectors.my_commitment_cycles(request.user)
    person = getattr(request.user, "person", None)
    units = {}
    if person is not None:
        units = {
            cu.cycle_id: cu
            for cu in CycleUnit.objects.filter(cycle__in=[c for c, _m in rows], unit=person.unit_id).prefetch_related(
                "cycle__checkpoints"
            )
        }
    return render(
        request,
        "assessment/mine.html",
        {
            "rows": [(c, m, units.get(c.pk)) for c, m in rows],
            "to_approve": selectors.commitments_to_approve(request.user).count(),
            "to_rate": selectors.commitments_to_approve(request.user, CommitmentStatus.REPORTED).count(),
            "person": person,
        },
    )


@login_required
def commitment_edit(request, cycle: int):
    cycle = get_object_or_404(Cycle, pk=cycle, status=CycleStatus.OPEN)
    person = getattr(request.user, "person", None)
    if person is None:
        raise PermissionDenied
    existing = Commitment.objects.filter(cycle=cycle, person=person).first()
    own = ""
    if existing is not None:
        own = "\n".join(existing.items.filter(standard_key="").values_list("text", flat=True))
    form = CommitmentForm(request.POST or None, initial={"own_items": own})
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.commitment_save(
                user=request.user, cycle=cycle, own_items=form.items(), submit="submit" in request.POST
            )
        except ValidationError as exc:
            put_errors(form, exc)
        else:
            if commitment.status == CommitmentStatus.SUBMITTED:
                messages.success(request, _("Your commitment was sent to the leader in charge for approval."))
            else:
                messages.success(request, _("Your commitment is saved as a draft."))
            return redirect("assessment:commitment", pk=commitment.pk)
    return render(
        request,
        "assessment/commitment_form.html",
        {
            "form": form,
            "cycle": cycle,
            "standard": presets.COMMITMENT_ITEMS,
            "existing": existing,
            "locked": existing is not None and existing.status not in EDITABLE_COMMITMENT,
        },
    )


def _commitment(request, pk: int) -> Commitment:
    commitment = get_object_or_404(
        Commitment.objects.select_related("person", "unit", "post__department", "cycle", "decided_by__person"), pk=pk
    )
    if not selectors.may_see_commitment(request.user, commitment):
        raise PermissionDenied
    return commitment


@login_required
def commitment_detail(request, pk: int):
    commitment = _commitment(request, pk)
    user = request.user
    mine = commitment.person.user_id == user.pk
    approver = authority.may_approve(user, commitment)
    status = commitment.status
    return render(
        request,
        "assessment/commitment.html",
        {
            "c": commitment,
            "items": commitment.items.all(),
            "mine": mine,
            "editable": mine and status in EDITABLE_COMMITMENT,
            "decide_form": DecideForm() if approver and status == CommitmentStatus.SUBMITTED else None,
            "report_form": ReportForm() if mine and status == CommitmentStatus.APPROVED else None,
            "rate_form": RateForm() if approver and status == CommitmentStatus.REPORTED else None,
        },
    )


def _act(request, pk: int, form_class, call, success: str):
    commitment = _commitment(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(commitment, form.cleaned_data)
            messages.success(request, success)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("assessment:commitment", pk=pk)


@login_required
@require_POST
def commitment_submit(request, pk: int):
    commitment = _commitment(request, pk)
    try:
        services.commitment_submit(user=request.user, commitment=commitment)
        messages.success(request, _("Your commitment was sent to the leader in charge for approval."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessment:commitment", pk=pk)


@login_required
@require_POST
def commitment_decide(request, pk: int):
    return _act(
        request,
        pk,
        DecideForm,
        lambda c, d: services.commitment_decide(user=request.user, commitment=c, **d),
        _("Your decision was recorded."),
    )


@login_required
@require_POST
def commitment_report(request, pk: int):
    return _act(
        request,
        pk,
        ReportForm,
        lambda c, d: services.commitment_report(user=request.user, commitment=c, **d),
        _("Your report was sent for rating."),
    )


@login_required
@require_POST
def commitment_rate(request, pk: int):
    return _act(
        request,
        pk,
        RateForm,
        lambda c, d: services.commitment_rate(user=request.user, commitment=c, **d),
        _("The rating was recorded."),
    )


@login_required
def approvals(request):
    status = request.GET.get("status", CommitmentStatus.SUBMITTED)
    if status not in (CommitmentStatus.SUBMITTED, CommitmentStatus.REPORTED):
        status = CommitmentStatus.SUBMITTED
    rows, next_url, prev_url = keyset_page(request, selectors.commitments_to_approve(request.user, status))
    return render(
        request,
        "assessment/approvals.html",
        {"rows": rows, "next_url": next_url, "prev_url": prev_url, "status": status},
    )


@login_required
def unit_commitments(request, pk: int):
    cu = cycle_unit_or_404(request, pk, "org.view")
    full = has_perm(request.user, "assessment.view", cu)
    qs = selectors.unit_commitments(user=request.user, cycle_unit=cu, published_only=not full)
    status = request.GET.get("status", "")
    if status in CommitmentStatus.values:
        qs = qs.filter(status=status)
    qs = qs.prefetch_related(Prefetch("items", queryset=CommitmentItem.objects.filter(standard_key="")))
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request,
        "assessment/unit_commitments.html",
        {
            "cu": cu,
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "statuses": CommitmentStatus.choices if full else [],
            "status": status,
            "standard": presets.COMMITMENT_ITEMS,
            "office": authority.is_unit_office(request.user, cu),
        },
    )


@login_required
@require_POST
def publish(request, pk: int):
    cu = cycle_unit_or_404(request, pk)
    public = request.POST.get("public") == "1"
    services.commitments_publish(user=request.user, cycle_unit=cu, public=public)
    if public:
        messages.success(request, _("The approved commitments are published on the public portal."))
    else:
        messages.success(request, _("The commitments are no longer on the public portal."))
    return redirect("assessment:unit_commitments", pk=pk)


# --- the public portal --------------------------------------------------------------------------


def public_commitments(request):
    """Approved commitments of the units that chose to publish them (no sign-in)."""
    unit_id = int_param(request.GET.get("unit"))
    qs = selectors.public_commitments(unit_id).prefetch_related("items")
    rows, next_url, prev_url = keyset_page(request, qs)
    units = (
        CycleUnit.objects.filter(commitments_public=True, cycle__status=CycleStatus.OPEN)
        .select_related("unit")
        .order_by("unit__path")
    )
    return render(
        request,
        "public/assessment_commitments.html",
        {"rows": rows, "next_url": next_url, "prev_url": prev_url, "units": units, "unit_id": unit_id},
    )
