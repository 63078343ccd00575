"""Warnings pages: thin views over alerts.selectors and alerts.services."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alerts import authority, selectors, services
from alerts.forms import AnswerForm, CloseForm, InfoForm, PetitionForm, ReplyForm, ReviewForm, WarningForm
from alerts.models import (
    InfoKind,
    Petition,
    PetitionStatus,
    ReplyDecision,
    RiskInfo,
    RiskWarning,
    TargetKind,
    WarningColour,
    WarningReply,
    WarningStatus,
)
from alerts.pdf import document_title
from core.paging import keyset_page
from core.params import int_param
from org.models import NodeKind, OrgNode, Person, Post
from org.permissions import require, user_perms
from org.views import form_errors, under_param


def _colours() -> dict[int, WarningColour]:
    return {c.level: c for c in WarningColour.objects.all()}


@login_required
def warning_list(request):
    if "alert.view" not in user_perms(request.user):
        raise PermissionDenied
    under = under_param(request, "alert.view")
    qs = selectors.warning_list(
        user=request.user,
        under=under,
        level=int_param(request.GET.get("level")),
        status=request.GET.get("status", ""),
        overdue=request.GET.get("overdue") == "1",
    )
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request,
        "alerts/list.html",
        {
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "under": under,
            "colours": _colours(),
            "statuses": WarningStatus.choices,
            "today": timezone.localdate(),
            "title": _("Warnings"),
        },
    )


@login_required
def my_warnings(request):
    rows, next_url, prev_url = keyset_page(request, selectors.my_warnings(request.user))
    return render(
        request,
        "alerts/list.html",
        {
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "colours": _colours(),
            "today": timezone.localdate(),
            "title": _("Warnings to me"),
            "mine": True,
        },
    )


def _target(request) -> tuple[str, dict, str]:
    """The target named in the query string: (kind, service kwargs, label)."""
    if request.GET.get("post"):
        post = get_object_or_404(Post.objects.select_related("department"), pk=int_param(request.GET["post"]) or 0)
        return TargetKind.POST, {"post": post}, f"{post.department.name} · {post.name}"
    if request.GET.get("person"):
        person = get_object_or_404(Person.objects.select_related("unit"), pk=int_param(request.GET["person"]) or 0)
        return TargetKind.PERSON, {"person": person}, f"{person.unit.name} · {person.name}"
    if request.GET.get("department"):
        dept = get_object_or_404(OrgNode, pk=int_param(request.GET["department"]) or 0, kind=NodeKind.DEPARTMENT)
        return TargetKind.DEPARTMENT, {"department": dept}, dept.name
    unit = get_object_or_404(OrgNode, pk=int_param(request.GET.get("unit")) or 0, kind=NodeKind.UNIT)
    return TargetKind.UNIT, {"unit": unit}, unit.name


@login_required
def warning_new(request):
    kind, where, label = _target(request)
    node, unit, _post, _person = services.locate_target(kind, **where)
    department = node if node.kind == NodeKind.DEPARTMENT else None
    levels = authority.levels_for(request.user, unit=unit, department=department)
    if not levels:
        raise PermissionDenied
    petition = None
    if request.GET.get("petition"):
        petition = get_object_or_404(Petition, pk=int_param(request.GET["petition"]) or 0)
        require(request.user, "petition.manage", petition)
    initial = {"level": levels[-1]}
    if request.GET.get("point"):
        initial["risk_points"] = [int_param(request.GET["point"])]
    if petition is not None:
        initial["title"] = petition.subject
    form = WarningForm(request.POST or None, levels=levels, unit=unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            warning = services.warning_issue(
                user=request.user,
                target_kind=kind,
                **where,
                level=data["level"],
                title=data["title"],
                facts=data["facts"],
                disposals=data["disposals"],
                reply_days=data["reply_days"],
                risk_points=data["risk_points"],
                petition=petition,
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The warning %(number)s was issued.") % {"number": warning.number})
            return redirect("alerts:detail", pk=warning.pk)
    title = _("Issue a warning to %(target)s") % {"target": label}
    return render(request, "alerts/form.html", {"form": form, "title": title})


def _warning(request, pk: int) -> RiskWarning:
    warning = get_object_or_404(
        RiskWarning.objects.select_related("unit", "node", "post", "person", "issued_by", "issuer_node"), pk=pk
    )
    if not selectors.may_see_warning(request.user, warning):
        raise PermissionDenied
    return warning


@login_required
def warning_detail(request, pk: int):
    warning = _warning(request, pk)
    replies = list(warning.replies.select_related("submitted_by", "decided_by"))
    pending = next((r for r in replies if r.decision == ReplyDecision.PENDING), None)
    responder = authority.is_responder(request.user, warning)
    reviewer = authority.may_review(request.user, warning)
    return render(
        request,
        "alerts/detail.html",
        {
            "warning": warning,
            "colour": _colours().get(warning.level),
            "document_title": document_title(warning),
            "disposals": warning.disposals,
            "points": warning.risk_points.select_related("category"),
            "infos": warning.infos.all(),
            "replies": replies,
            "events": warning.events.select_related("actor"),
            "reply_form": ReplyForm() if responder and warning.status == WarningStatus.ISSUED else None,
            "review_form": ReviewForm() if reviewer and pending is not None else None,
            "pending": pending,
            "close_form": CloseForm() if reviewer and warning.status == WarningStatus.ACCEPTED else None,
            "overdue": warning.status == WarningStatus.ISSUED and warning.reply_due < timezone.localdate(),
        },
    )


@login_required
def warning_notice(request, pk: int):
    warning = _warning(request, pk)
    if not warning.notice:
        raise Http404
    filename = f"{warning.number}-{document_title(warning)}.pdf"
    response = FileResponse(warning.notice.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_POST
def warning_reply(request, pk: int):
    warning = _warning(request, pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.warning_reply(user=request.user, warning=warning, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Your written reply was sent."))
            return redirect("alerts:detail", pk=pk)
    for errors in form.errors.values():
        messages.error(request, " ".join(errors))
    return redirect("alerts:detail", pk=pk)


@login_required
@require_POST
def reply_review(request, pk: int):
    reply = get_object_or_404(WarningReply.objects.select_related("warning"), pk=pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.reply_review(user=request.user, reply=reply, **form.cleaned_data)
            messages.success(request, _("Your decision was recorded."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose accept or return."))
    return redirect("alerts:detail", pk=reply.warning_id)


@login_required
@require_POST
def warning_close(request, pk: int):
    warning = _warning(request, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.warning_close(user=request.user, warning=warning, note=form.cleaned_data["note"])
            messages.success(request, _("The warning was closed."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Say how the rectification was verified."))
    return redirect("alerts:detail", pk=pk)


@login_required
def reply_attachment(request, pk: int):
    reply = get_object_or_404(WarningReply.objects.select_related("warning"), pk=pk)
    _warning(request, reply.warning_id)
    if not reply.attachment:
        raise Http404
    return FileResponse(reply.attachment.open("rb"), as_attachment=True)


# --- risk information ---------------------------------------------------------------------


@login_required
def info_list(request):
    if "alert.view" not in user_perms(request.user):
        raise PermissionDenied
    under = under_param(request, "alert.view")
    qs = selectors.info_list(
        user=request.user,
        under=under,
        kind=request.GET.get("kind", ""),
        text=request.GET.get("q", "").strip(),
        late=request.GET.get("late") == "1",
    )
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request,
        "alerts/info_list.html",
        {
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "under": under,
            "kinds": InfoKind.choices,
            "late_points": selectors.late_by_collection_point(qs),
        },
    )


@login_required
def info_new(request):
    node = get_object_or_404(OrgNode, pk=int_param(request.GET.get("node")) or 0)
    require(request.user, "alert.manage", node)
    petition = None
    if request.GET.get("petition"):
        petition = get_object_or_404(Petition, pk=int_param(request.GET["petition"]) or 0)
        require(request.user, "petition.manage", petition)
    initial = {"trigger_date": timezone.localdate()}
    if petition is not None:
        initial.update(
            {"title": petition.subject, "content": petition.findings or petition.content, "source": "petition"}
        )
    form = InfoForm(request.POST or None, initial=initial, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            info = services.info_record(user=request.user, node=node, petition=petition, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            if info.is_late:
                messages.warning(
                    request, _("Recorded — later than the entry deadline of %(date)s.") % {"date": info.entry_deadline}
                )
            else:
                messages.success(request, _("Recorded."))
            return redirect("alerts:info", pk=info.pk)
    title = _("Record risk information about %(node)s") % {"node": node.name}
    return render(request, "alerts/form.html", {"form": form, "title": title})


@login_required
def info_detail(request, pk: int):
    info = get_object_or_404(RiskInfo.objects.select_related("unit", "node", "collection_point", "recorded_by"), pk=pk)
    require(request.user, "alert.view", info)
    return render(
        request,
        "alerts/info.html",
        {
            "info": info,
            "warnings": info.warnings.all(),
            "points": info.risk_points.all(),
            "posts": info.posts.select_related("department"),
            "people": info.people.all(),
        },
    )


# --- petitions and reports ----------------------------------------------------------------


@login_required
def petition_list(request):
    if "petition.manage" not in user_perms(request.user):
        raise PermissionDenied
    under = under_param(request, "petition.manage")
    qs = selectors.petition_list(
        user=request.user, under=under, status=request.GET.get("status", ""), overdue=request.GET.get("overdue") == "1"
    )
    rows, next_url, prev_url = keyset_page(request, qs)
    counts = dict(qs.order_by().values_list("status").annotate(n=Count("pk")))
    return render(
        request,
        "alerts/petitions.html",
        {
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "under": under,
            "statuses": PetitionStatus.choices,
            "counts": counts,
            "today": timezone.localdate(),
        },
    )


@login_required
def petition_new(request):
    node = get_object_or_404(OrgNode, pk=int_param(request.GET.get("node")) or 0)
    require(request.user, "petition.manage", node)
    form = PetitionForm(request.POST or None, initial={"received_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            petition = services.petition_register(user=request.user, node=node, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Registered."))
            return redirect("alerts:petition", pk=petition.pk)
    title = _("Register a petition or report about %(node)s") % {"node": node.name}
    return render(request, "alerts/form.html", {"form": form, "title": title})


@login_required
def petition_detail(request, pk: int):
    petition = get_object_or_404(Petition.objects.select_related("node", "assignee"), pk=pk)
    require(request.user, "petition.manage", petition)
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if form.is_valid():
            try:
                services.petition_answer(user=request.user, petition=petition, **form.cleaned_data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, _("The answer was recorded; the reporter can read it with the receipt code."))
                return redirect("alerts:petition", pk=pk)
    else:
        form = AnswerForm()
    unit = petition.node.owning_unit() or petition.node
    return render(
        request,
        "alerts/petition.html",
        {
            "petition": petition,
            "form": form if petition.status in (PetitionStatus.RECEIVED, PetitionStatus.ASSIGNED) else None,
            "unit": unit,
            "can_warn": bool(authority.levels_for(request.user, unit=unit, department=None)),
            "handlers": selectors.petition_handlers(petition),
            "infos": petition.infos.all(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def petition_take(request, pk: int):
    """Assign a petition: to someone who may handle it (`assignee`), or to oneself."""
    petition = get_object_or_404(Petition.objects.select_related("node"), pk=pk)
    require(request.user, "petition.manage", petition)
    assignee = request.user
    if request.POST.get("assignee"):
        assignee = get_object_or_404(selectors.petition_handlers(petition), pk=int_param(request.POST["assignee"]) or 0)
    try:
        services.petition_assign(user=request.user, petition=petition, assignee=assignee)
        messages.success(request, _("You are handling this petition."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("alerts:petition", pk=pk)
