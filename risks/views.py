"""Risk register pages: thin views over risks.selectors and risks.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.paging import keyset_page
from core.params import int_param
from org.models import NodeKind, OrgNode, Post
from org.permissions import require, user_perms
from org.views import form_errors, under_param
from risks import approval, selectors, services
from risks.forms import DecisionForm, ReopenForm, RiskForm
from risks.models import Grade, ReviewStatus, RiskCategory, RiskKind, RiskPoint, RiskScope, RiskStatus


@login_required
def mine(request):
    """我的岗位风险: the user's current posts and their risk points."""
    posts = selectors.current_posts(request.user)
    points = RiskPoint.objects.filter(post__in=posts).select_related("category").order_by("-id")
    by_post = {p.pk: [] for p in posts}
    for point in points:
        by_post[point.post_id].append(point)
    return render(request, "risks/mine.html", {"rows": [(p, by_post[p.pk]) for p in posts]})


@login_required
def risk_list(request):
    if "risk.view" not in user_perms(request.user):
        raise PermissionDenied
    under = under_param(request, "risk.view")
    qs = selectors.risk_list(
        user=request.user,
        under=under,
        text=request.GET.get("q", "").strip(),
        grade=int_param(request.GET.get("grade")),
        category=int_param(request.GET.get("category")),
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
    )
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request,
        "risks/list.html",
        {
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "under": under,
            "grades": Grade.choices,
            "categories": RiskCategory.objects.all(),
            "kinds": RiskKind.choices,
            "statuses": RiskStatus.choices,
        },
    )


def _target(request):
    """The scope and object a new point is for, from the query string, and where it sits."""
    scope = request.GET.get("scope", RiskScope.POST)
    if scope == RiskScope.POST:
        post = get_object_or_404(Post.objects.select_related("department"), pk=int_param(request.GET.get("post")) or 0)
        where, label = {"post": post}, f"{post.department.name} · {post.name}"
    elif scope == RiskScope.DEPARTMENT:
        dept = get_object_or_404(OrgNode, pk=int_param(request.GET.get("department")) or 0, kind=NodeKind.DEPARTMENT)
        where, label = {"department": dept}, dept.name
    else:
        scope = RiskScope.UNIT
        unit = get_object_or_404(OrgNode, pk=int_param(request.GET.get("unit")) or 0, kind=NodeKind.UNIT)
        where, label = {"unit": unit}, unit.name
    node, unit, post = services.locate_point(scope, **where)
    return scope, where, node, unit, label


@login_required
def risk_new(request):
    scope, where, node, unit, label = _target(request)
    form = RiskForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        try:
            point = services.risk_create(user=request.user, scope=scope, **where, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The risk point was recorded as a draft."))
            return redirect("risks:detail", pk=point.pk)
    elif not services.may_record(request.user, scope=scope, node=node, post=where.get("post")):
        raise PermissionDenied
    title = _("New %(scope)s risk point: %(where)s") % {"scope": RiskScope(scope).label, "where": label}
    return render(request, "risks/form.html", {"form": form, "title": title})


@login_required
def risk_detail(request, pk: int):
    point = get_object_or_404(RiskPoint.objects.select_related("unit", "node", "post", "category", "power"), pk=pk)
    require(request.user, "risk.view", point)
    grades = point.history.select_related("history_user").order_by("history_date")
    trail, last = [], None
    for rec in grades:  # every change of grade, with who set it and why
        if rec.grade != last:
            trail.append(rec)
            last = rec.grade
    recorder = services.may_record(request.user, scope=point.scope, node=point.node, post=point.post)
    reviews = list(
        point.reviews.select_related("at_node", "decided_by__person", "submitted_by").order_by("-round", "order")
    )
    pending = next((r for r in reviews if r.status == ReviewStatus.PENDING), None)
    may_decide = pending is not None and approval.may_decide(request.user, pending)
    measures = point.measures.select_related("type", "owner")
    from alerts.authority import levels_for
    from alerts.models import WarningColour
    from alerts.selectors import warnings_touching

    colours = {c.level: c for c in WarningColour.objects.all()}
    warnings = [(w, colours.get(w.level)) for w in warnings_touching(point)]
    department = point.node if point.scope != RiskScope.UNIT else None
    may_warn = bool(levels_for(request.user, unit=point.unit, department=department))
    return render(
        request,
        "risks/detail.html",
        {
            "point": point,
            "trail": trail,
            "can_edit": point.is_editable and recorder,
            "can_reopen": recorder and point.status in (RiskStatus.APPROVED, RiskStatus.REJECTED),
            "can_add_measure": recorder,
            "reviews": reviews,
            "pending": pending,
            "decision_form": DecisionForm() if may_decide else None,
            "reopen_form": ReopenForm(),
            "measures": measures,
            "today": timezone.localdate(),
            "user_person_id": getattr(getattr(request.user, "person", None), "pk", None),
            "warnings": warnings,
            "may_warn": may_warn,
        },
    )


@login_required
def risk_edit(request, pk: int):
    point = get_object_or_404(RiskPoint.objects.select_related("unit", "node", "post"), pk=pk)
    if not services.may_record(request.user, scope=point.scope, node=point.node, post=point.post):
        raise PermissionDenied
    if not point.is_editable:
        messages.info(request, _("This risk point is locked while it is under review or after a decision."))
        return redirect("risks:detail", pk=pk)
    form = RiskForm(
        request.POST or None,
        instance=RiskPoint.objects.get(pk=pk),
        unit=point.unit,
        initial={"grade": point.grade if point.grade != point.suggested_grade else None},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_update(user=request.user, point=point, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("risks:detail", pk=pk)
    return render(request, "risks/form.html", {"form": form, "title": _("Edit risk point")})


@login_required
@require_POST
def risk_submit(request, pk: int):
    point = get_object_or_404(RiskPoint, pk=pk)
    try:
        approval.risk_submit(user=request.user, point=point)
        messages.success(request, _("Submitted for review; the risk point is locked until it is decided."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("risks:detail", pk=pk)
