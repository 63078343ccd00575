"""Power inventory pages for staff, and the public portal (no login)."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.paging import keyset_page
from core.params import int_param
from core.uploads import MAX_UPLOAD_BYTES
from org.models import NodeKind, OrgNode, Post
from org.permissions import has_perm, require, scope_queryset, user_perms
from org.views import form_errors, under_param
from powers import excel, exports, risk_nodes, selectors, services
from powers.forms import BasisFormSet, StepFormSet, VersionForm, bases_from, initial_from, steps_from
from powers.models import PowerClass, PowerType, PowerVersion, VersionStatus


def _filters(request) -> dict:
    return {
        "text": request.GET.get("q", "").strip(),
        "power_type": int_param(request.GET.get("type")),
        "power_class": int_param(request.GET.get("class")),
    }


@login_required
def power_list(request):
    if "power.view" not in user_perms(request.user):
        raise PermissionDenied
    under = under_param(request, "power.view")
    on_form = OnDateForm(request.GET if request.GET.get("on") else None)
    on_day = on_form.cleaned_data["on"] if on_form.is_bound and on_form.is_valid() else None
    if on_day and under is not None and under.kind == NodeKind.UNIT:
        # "What did the inventory say on that date?": the versions in force then.
        qs = scope_queryset(request.user, "power.view", selectors.inventory_on(unit=under, day=on_day))
    else:
        qs = selectors.version_list(
            user=request.user, under=under, status=request.GET.get("status", ""), **_filters(request)
        )
    rows, next_url, prev_url = keyset_page(request, qs)
    can_add = under is not None and under.kind == NodeKind.UNIT and _manageable_departments(request, under).exists()
    return render(
        request,
        "powers/list.html",
        {
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "under": under,
            "can_add": can_add,
            "types": PowerType.objects.all(),
            "classes": PowerClass.choices,
            "statuses": VersionStatus.choices,
            "on_form": on_form,
            "on_day": on_day,
        },
    )


def _manageable_departments(request, unit: OrgNode):
    departments = OrgNode.objects.filter(path__startswith=unit.path, depth=unit.depth + 1, kind=NodeKind.DEPARTMENT)
    return scope_queryset(request.user, "power.manage", departments).order_by("path")


def _step_posts(unit: OrgNode):
    return (
        Post.objects.filter(department__path__startswith=unit.path, is_active=True)
        .select_related("department")
        .order_by("department__path", "-rank")
    )


def _edit(request, *, unit: OrgNode, version: PowerVersion | None):
    departments = _manageable_departments(request, unit)
    if not departments.exists():
        raise PermissionDenied
    posts = _step_posts(unit)
    bases_initial, steps_initial = initial_from(version) if version else ([], [])
    data = request.POST if request.method == "POST" else None
    form = VersionForm(data, instance=version, unit=unit, departments=departments, new=version is None)
    bases = BasisFormSet(data, prefix="basis", initial=bases_initial)
    steps = StepFormSet(data, prefix="step", initial=steps_initial, form_kwargs={"posts": posts})
    process_errors: list[str] = []
    basis_errors: list[str] = []
    if data is not None and form.is_valid() and bases.is_valid() and steps.is_valid():
        fields = {
            k: form.cleaned_data[k]
            for k in ("name", "power_type", "power_class", "department", "time_limit_days", "time_limit_note", "fees")
        }
        content = {
            "posts": list(form.cleaned_data["posts"]),
            "legal_bases": bases_from(bases),
            "steps": steps_from(steps),
        }
        try:
            if version is None:
                version = services.power_create(
                    user=request.user, unit=unit, code=form.cleaned_data["code"], **fields, **content
                )
            else:
                services.draft_update(
                    user=request.user, version=version, reason=form.cleaned_data["reason"], **fields, **content
                )
        except ValidationError as exc:
            # Process and legal-basis problems are shown on their own cards, the rest on the form.
            errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            process_errors = errors.pop("steps", [])
            basis_errors = errors.pop("legal_bases", [])
            if errors:
                form_errors(form, ValidationError(errors))
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("powers:detail", pk=version.pk)
    title = (
        _("Edit %(name)s (draft)") % {"name": version.name}
        if version
        else _("New power item of %(unit)s") % {"unit": unit.name}
    )
    return render(
        request,
        "powers/edit.html",
        {
            "form": form,
            "bases": bases,
            "steps": steps,
            "title": title,
            "unit": unit,
            "version": version,
            "process_errors": process_errors,
            "basis_errors": basis_errors,
        },
    )


@login_required
def power_new(request, unit_pk: int):
    unit = get_object_or_404(OrgNode, pk=unit_pk, kind=NodeKind.UNIT)
    return _edit(request, unit=unit, version=None)


@login_required
def draft_edit(request, pk: int):
    version = get_object_or_404(PowerVersion.objects.select_related("power__unit", "department"), pk=pk)
    require(request.user, "power.manage", version)
    if not version.is_draft:
        messages.info(request, _("Published versions do not change: start a revision."))
        return redirect("powers:detail", pk=pk)
    return _edit(request, unit=version.power.unit, version=selectors.version_detail(pk))


@login_required
def version_detail(request, pk: int):
    version = get_object_or_404(PowerVersion.objects.select_related("department"), pk=pk)
    require(request.user, "power.view", version)
    version = selectors.version_detail(pk)
    others = version.power.versions.order_by("-number").only("id", "number", "status", "published_at", "ended_at")
    return render(
        request,
        "powers/detail.html",
        {
            "version": version,
            "others": others,
            "svg": mark_safe(selectors.flowchart_svg(version)),  # noqa: S308 - escaped
            "can_manage": has_perm(request.user, "power.manage", version),
        },
    )


class OnDateForm(forms.Form):
    on = forms.DateField()


@login_required
@require_POST
def version_action(request, pk: int, action: str):
    """publish / revise / retire / discard: one POST each, with a message either way."""
    version = get_object_or_404(PowerVersion.objects.select_related("power"), pk=pk)
    require(request.user, "power.manage", version)
    try:
        if action == "publish":
            services.draft_publish(user=request.user, version=version)
            messages.success(request, _("Published. The previous version stays readable."))
        elif action == "revise":
            draft = services.power_revise(user=request.user, power=version.power)
            return redirect("powers:edit", pk=draft.pk)
        elif action == "retire":
            services.power_retire(user=request.user, power=version.power, reason=request.POST.get("reason", ""))
            messages.success(request, _("Retired."))
        elif action == "discard":
            services.draft_discard(user=request.user, version=version)
            messages.success(request, _("The draft was discarded."))
            return redirect(reverse("powers:list") + f"?under={version.power.unit_id}")
        else:
            raise PermissionDenied
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    return redirect("powers:detail", pk=pk)


def public_list(request):
    """The public portal: published powers, searchable by name, unit (by name, or a unit
    link from a result) and type."""
    unit = None
    if int_param(request.GET.get("unit")):
        unit = OrgNode.objects.filter(pk=request.GET["unit"], kind=NodeKind.UNIT).first()
    unit_name = request.GET.get("unit_name", "").strip()
    qs = selectors.public_list(under=unit, unit_name=unit_name, **_filters(request))
    rows, next_url, prev_url = keyset_page(request, qs, page_size=30)
    return render(
        request,
        "public/list.html",
        {
            "rows": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "unit": unit,
            "types": PowerType.objects.all(),
            "classes": PowerClass.choices,
        },
    )


def public_detail(request, pk: int):
    version = get_object_or_404(PowerVersion, pk=pk, status=VersionStatus.PUBLISHED)
    version = selectors.version_detail(version.pk)
    return render(
        request,
        "public/detail.html",
        {
            "version": version,
            "svg": mark_safe(selectors.flowchart_svg(version, public=True)),  # noqa: S308 - escaped
            "risk_points": risk_nodes.public_points(version.power_id),
        },
    )


@login_required
def post_catalogue(request, post_pk: int):
    """岗位职权目录: the powers and process steps a post handles, on a page and as .xlsx."""
    post = get_object_or_404(Post.objects.select_related("department"), pk=post_pk)
    require(request.user, "org.view", post)
    rows = selectors.post_catalogue(post)
    prefetch_related_objects([v for v, _steps in rows], "legal_bases")
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(
            exports.catalogue_xlsx(post, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = quote(f"{post.department.name}-{post.name}-岗位职权目录.xlsx")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
        return response
    return render(request, "powers/catalogue.html", {"post": post, "rows": rows})


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def unit_export(request, unit_pk: int):
    unit = get_object_or_404(OrgNode, pk=unit_pk, kind=NodeKind.UNIT)
    require(request.user, "power.view", unit)
    return _xlsx(excel.export_unit(unit), f"{unit.name}-权力清单.xlsx")


@login_required
def import_template(request):
    if "power.manage" not in user_perms(request.user):
        raise PermissionDenied
    return _xlsx(excel.template(), "权力清单导入模板.xlsx")


class ImportForm(forms.Form):
    workbook = forms.FileField(label=_("Workbook (.xlsx)"))


@login_required
def unit_import(request, unit_pk: int):
    """Upload a workbook; all rows are imported, or none and a per-row error report."""
    unit = get_object_or_404(OrgNode, pk=unit_pk, kind=NodeKind.UNIT)
    if not _manageable_departments(request, unit).exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, result = None, None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("workbook", _("The workbook is larger than 20 MB."))
        else:
            try:
                result = excel.import_unit(user=request.user, unit=unit, data=upload.read())
            except excel.ImportFailed as exc:
                errors = exc.errors
    return render(request, "powers/import.html", {"unit": unit, "form": form, "errors": errors, "result": result})


def _svg_response(version: PowerVersion, *, public: bool = False) -> HttpResponse:
    svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + selectors.flowchart_svg(version, public=public)
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(version.name + '-流程图.svg')}"
    return response


@login_required
def flowchart_download(request, pk: int):
    version = get_object_or_404(PowerVersion.objects.select_related("department"), pk=pk)
    require(request.user, "power.view", version)
    return _svg_response(selectors.version_detail(pk))


def public_flowchart(request, pk: int):
    get_object_or_404(PowerVersion, pk=pk, status=VersionStatus.PUBLISHED)
    return _svg_response(selectors.version_detail(pk), public=True)
