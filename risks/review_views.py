"""Pages of the approval flow, prevention measures, public comment, 二上二下 and roll-ups:
thin views over risks.approval, risks.services and risks.selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.paging import keyset_page
from core.params import int_param
from org.models import NodeKind, OrgNode, Post
from org.permissions import has_perm, require, scope_queryset, user_perms
from org.views import form_errors, under_param
from risks import approval, selectors, services
from risks.forms import (
    CommentPeriodForm,
    DecisionForm,
    MeasureForm,
    MeasureProgressForm,
    ReopenForm,
    SetDecideForm,
    SetSubmitForm,
)
from risks.models import CommentPeriod, Grade, Measure, Review, RiskPoint, RiskStatus, SetRound


def _point(request, pk: int, perm: str = "risk.view") -> RiskPoint:
    point = get_object_or_404(RiskPoint.objects.select_related("unit", "node", "post", "category"), pk=pk)
    require(request.user, perm, point)
    return point


@login_required
def queue(request):
    """审批待办: the stages awaiting the user's decision."""
    rows, next_url, prev_url = keyset_page(request, selectors.review_queue(request.user))
    counts = selectors.review_counts(request.user)
    return render(
        request,
        "risks/queue.html",
        {"rows": rows, "next_url": next_url, "prev_url": prev_url, "counts": counts, "total": sum(counts.values())},
    )


@login_required
@require_POST
def decide(request, pk: int):
    review = get_object_or_404(Review.objects.select_related("point"), pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            approval.review_decide(user=request.user, review=review, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your decision was recorded."))
            return redirect("risks:queue")
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label}: {' '.join(errors)}" if label else " ".join(errors))
    return redirect("risks:detail", pk=review.point_id)


@login_required
@require_POST
def reopen(request, pk: int):
    point = _point(request, pk)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            approval.risk_reopen(user=request.user, point=point, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The risk point is open for re-assessment; submit it again when done."))
            return redirect("risks:edit", pk=pk)
    else:
        messages.error(request, _("Say what changed."))
    return redirect("risks:detail", pk=pk)


# --- measures -----------------------------------------------------------------------------


@login_required
def measure_new(request, pk: int):
    point = _point(request, pk)
    if not services.may_manage_measures(request.user, point):
        raise PermissionDenied
    form = MeasureForm(request.POST or None, unit=point.unit)
    if request.method == "POST" and form.is_valid():
        try:
            services.measure_create(user=request.user, point=point, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The prevention measure was added."))
            return redirect("risks:detail", pk=pk)
    title = _("New prevention measure: %(point)s") % {"point": point}
    return render(request, "risks/form.html", {"form": form, "title": title})


def _measure(request, pk: int) -> Measure:
    qs = Measure.objects.select_related("point__node", "point__post", "point__unit", "owner")
    measure = get_object_or_404(qs, pk=pk)
    owner = measure.owner.user_id == request.user.pk
    if not owner and not has_perm(request.user, "risk.view", measure):
        raise PermissionDenied
    return measure


@login_required
def measure_edit(request, pk: int):
    measure = _measure(request, pk)
    manager = services.may_manage_measures(request.user, measure.point)
    if not manager and measure.owner.user_id != request.user.pk:
        raise PermissionDenied
    form_class = MeasureForm if manager and request.GET.get("what") != "progress" else MeasureProgressForm
    kwargs = {"unit": measure.point.unit} if form_class is MeasureForm else {}
    form = form_class(request.POST or None, request.FILES or None, instance=Measure.objects.get(pk=pk), **kwargs)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        try:
            services.measure_update(user=request.user, measure=measure, **fields)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("risks:detail", pk=measure.point_id)
    title = _("Prevention measure: %(measure)s") % {"measure": measure}
    return render(request, "risks/form.html", {"form": form, "title": title, "multipart": True})


@login_required
def measure_evidence(request, pk: int):
    """The evidence file, to those who may see the measure (never a public media URL)."""
    measure = _measure(request, pk)
    if not measure.evidence:
        raise Http404
    name = measure.evidence.name.rsplit("/", 1)[-1]
    return FileResponse(measure.evidence.open("rb"), as_attachment=True, filename=name)


@login_required
def my_measures(request):
    qs = selectors.my_measures(request.user, overdue_only=request.GET.get("overdue") == "1")
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request,
        "risks/my_measures.html",
        {"rows": rows, "next_url": next_url, "prev_url": prev_url, "today": timezone.localdate()},
    )


# --- public comment (公示) ----------------------------------------------------------------


def _unit_param(request, perm: str) -> OrgNode:
    unit = get_object_or_404(OrgNode, pk=int_param(request.GET.get("unit")) or 0, kind=NodeKind.UNIT)
    require(request.user, perm, unit)
    return unit


@login_required
def periods(request):
    if "risk.view" not in user_perms(request.user):
        raise PermissionDenied
    qs = scope_queryset(request.user, "risk.view", CommentPeriod.objects.select_related("unit")).annotate(
        n_comments=Count("comments")
    )
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(request, "risks/periods.html", {"rows": rows, "next_url": next_url, "prev_url": prev_url})


@login_required
def period_new(request):
    unit = _unit_param(request, "risk.manage")
    initial = {"title": _("%(unit)s risk points for public comment") % {"unit": unit.name}}
    form = CommentPeriodForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            period = approval.comment_period_open(user=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Published for comment until %(date)s.") % {"date": period.closes_on})
            return redirect("risks:period", pk=period.pk)
    pending = RiskPoint.objects.filter(unit=unit, status=RiskStatus.APPROVED, comment_periods__isnull=True).count()
    title = _("Publish %(unit)s's approved risk points for comment (%(n)s not yet published)") % {
        "unit": unit.name,
        "n": pending,
    }
    return render(request, "risks/form.html", {"form": form, "title": title})


@login_required
def period_detail(request, pk: int):
    period = get_object_or_404(CommentPeriod.objects.select_related("unit"), pk=pk)
    require(request.user, "risk.view", period)
    points = period.points.select_related("category", "node", "post").order_by("node__path", "grade", "pk")
    comments = period.comments.select_related("point").order_by("id")
    return render(request, "risks/period.html", {"period": period, "points": points, "comments": comments})


# --- two up, two down (二上二下) -----------------------------------------------------------


@login_required
def sets(request):
    """A unit's submissions to the level above, or (for the level above) those awaiting it."""
    unit_id = int_param(request.GET.get("unit"))
    if unit_id:
        unit = _unit_param(request, "risk.view")
        rounds = SetRound.objects.filter(unit=unit).select_related("submitted_by", "decided_by").order_by("-number")
        approved = RiskPoint.objects.filter(unit=unit, status=RiskStatus.APPROVED).count()
        context = {
            "unit": unit,
            "rounds": rounds,
            "approved": approved,
            "can_submit": has_perm(request.user, "risk.manage", unit),
            "can_decide": approval.may_decide_set(request.user, unit),
            "submit_form": SetSubmitForm(),
            "decide_form": SetDecideForm(),
        }
        return render(request, "risks/sets.html", context)
    if "risk.view" not in user_perms(request.user):
        raise PermissionDenied
    qs = scope_queryset(request.user, "risk.view", SetRound.objects.select_related("unit", "submitted_by"))
    if request.GET.get("status"):
        qs = qs.filter(status=request.GET["status"])
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(request, "risks/set_list.html", {"rows": rows, "next_url": next_url, "prev_url": prev_url})


@login_required
@require_POST
def set_submit(request):
    unit = _unit_param(request, "risk.view")
    form = SetSubmitForm(request.POST)
    form.is_valid()
    try:
        approval.set_submit(user=request.user, unit=unit, note=form.cleaned_data.get("note", ""))
        messages.success(request, _("The set was submitted to the level above."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect(f"{reverse('risks:sets')}?unit={unit.pk}")


@login_required
@require_POST
def set_decide(request, pk: int):
    set_round = get_object_or_404(SetRound.objects.select_related("unit"), pk=pk)
    form = SetDecideForm(request.POST)
    if form.is_valid():
        try:
            approval.set_decide(user=request.user, set_round=set_round, **form.cleaned_data)
            messages.success(request, _("Your decision was recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose accept or return."))
    return redirect(f"{reverse('risks:sets')}?unit={set_round.unit_id}")


# --- roll-ups -----------------------------------------------------------------------------


@login_required
def rollup(request):
    """Counts per post, department, unit or area: by grade, category and kind; risk posts
    and risk nodes."""
    if "risk.view" not in user_perms(request.user):
        raise PermissionDenied
    post = None
    if request.GET.get("post"):
        post = get_object_or_404(Post.objects.select_related("department"), pk=int_param(request.GET.get("post")) or 0)
        require(request.user, "org.view", post)
        node = None
    else:
        node = under_param(request, "risk.view")
    figures = selectors.rollup(user=request.user, node=node, post=post)
    context = {
        "figures": figures,
        "node": node,
        "post": post,
        "grades": Grade.choices,
        "can_manage": node is not None and has_perm(request.user, "risk.manage", node),
    }
    return render(request, "risks/rollup.html", context)
