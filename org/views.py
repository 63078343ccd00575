"""Organisation pages: thin views over org.selectors and org.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.paging import keyset_page
from core.params import int_param
from org import selectors, services
from org.forms import (
    AppointForm,
    HoldersOnForm,
    HoldingEndForm,
    NodeForm,
    NodeMoveForm,
    PersonForm,
    PostForm,
    RevokeForm,
    RoleForm,
    SupervisionForm,
)
from org.models import ALLOWED_CHILD_KINDS, NodeKind, OrgNode, Person, Post, PostHolding, PostRank, Role, RoleAssignment
from org.permissions import has_perm, may_assign_role, require, scope_queryset, scope_roots, user_perms


def form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, field by field where it names one."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _form_page(request, form, title: str, back: str):
    return render(request, "org/form.html", {"form": form, "title": title, "back": back})


def _node_or_404(request, pk: int, perm: str = "org.view") -> OrgNode:
    node = get_object_or_404(OrgNode, pk=pk)
    require(request.user, perm, node)
    return node


@login_required
def tree(request):
    if "org.view" not in user_perms(request.user):
        raise PermissionDenied
    roots = scope_roots(request.user)
    return render(request, "org/tree.html", {"roots": roots})


@login_required
def node_children(request, pk: int):
    """htmx fragment: the visible children of a node, for the lazily opened tree."""
    node = _node_or_404(request, pk)
    return render(request, "org/_children.html", {"children": selectors.node_children(user=request.user, node=node)})


@login_required
def node_detail(request, pk: int):
    node = _node_or_404(request, pk)
    ctx = {
        "node": node,
        "ancestors": selectors.node_ancestors(node),
        "children": selectors.node_children(user=request.user, node=node),
        "counts": selectors.node_subtree_counts(node),
        "can_manage": has_perm(request.user, "org.manage", node),
        "can_assign": has_perm(request.user, "org.assign_roles", node),
        "child_kinds": [NodeKind(k) for k in ALLOWED_CHILD_KINDS[node.kind]],
    }
    if node.kind == NodeKind.DEPARTMENT:
        ctx["posts"] = selectors.department_posts(user=request.user, department=node)
    # Leadership and office roles are listed; the many cadre roles are counted and linked.
    node_roles = selectors.role_list(user=request.user).filter(node=node)
    ctx["roles"] = node_roles.exclude(role=Role.CADRE).order_by("role", "id")[:50]
    ctx["cadre_role_count"] = node_roles.filter(role=Role.CADRE).count()
    ctx["can_grant_supervision"] = may_assign_role(request.user, role="", node=node, include_descendants=True)
    if ctx["can_grant_supervision"]:
        ctx["supervisors"] = selectors.node_supervisors(node)
    return render(request, "org/node_detail.html", ctx)


@login_required
def node_create(request, pk: int):
    parent = _node_or_404(request, pk, "org.manage")
    kind = request.GET.get("kind") or request.POST.get("kind")
    form = NodeForm(request.POST or None, initial={"kind": kind})
    form.fields["kind"].choices = [(k, NodeKind(k).label) for k in ALLOWED_CHILD_KINDS[parent.kind]]
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("name", "kind", "code", "description", "cross_supervision")}
        try:
            node = services.node_create(user=request.user, parent=parent, reason=form.cleaned_data["reason"], **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": node.name})
            return redirect("org:node_detail", pk=node.pk)
    return _form_page(
        request, form, _("Add under %(name)s") % {"name": parent.name}, reverse("org:node_detail", args=[parent.pk])
    )


@login_required
def node_edit(request, pk: int):
    node = _node_or_404(request, pk, "org.manage")
    form = NodeForm(request.POST or None, instance=OrgNode.objects.get(pk=node.pk))
    if request.method == "POST" and form.is_valid():
        data = {
            k: form.cleaned_data[k] for k in ("name", "kind", "code", "description", "cross_supervision", "is_active")
        }
        try:
            services.node_update(user=request.user, node=node, reason=form.cleaned_data["reason"], **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("org:node_detail", pk=node.pk)
    return _form_page(
        request, form, _("Edit %(name)s") % {"name": node.name}, reverse("org:node_detail", args=[node.pk])
    )


@login_required
def node_move(request, pk: int):
    node = _node_or_404(request, pk, "org.manage")
    parent_kinds = [k for k, children in ALLOWED_CHILD_KINDS.items() if k and node.kind in children]
    parents = scope_queryset(request.user, "org.manage", OrgNode.objects.filter(kind__in=parent_kinds))
    parents = parents.exclude(path__startswith=node.path).order_by("path")
    form = NodeMoveForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            services.node_move(
                user=request.user,
                node=node,
                new_parent=form.cleaned_data["new_parent"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Moved. Its posts and their history moved with it."))
            return redirect("org:node_detail", pk=node.pk)
    return _form_page(
        request, form, _("Move %(name)s") % {"name": node.name}, reverse("org:node_detail", args=[node.pk])
    )


def under_param(request, perm: str = "org.view") -> OrgNode | None:
    """The node named by `?under=` (a list narrowed to its subtree), checked against `perm`."""
    pk = int_param(request.GET.get("under"))
    return _node_or_404(request, pk, perm) if pk else None


@login_required
def post_list(request):
    if "org.view" not in user_perms(request.user):
        raise PermissionDenied
    under = under_param(request)
    rank = request.GET.get("rank")
    qs = selectors.post_list(
        user=request.user,
        under=under,
        text=request.GET.get("q", "").strip(),
        key_only=request.GET.get("key") == "1",
        vacant_only=request.GET.get("vacant") == "1",
        rank=int(rank) if rank and rank.isdigit() else None,
    )
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request,
        "org/post_list.html",
        {
            "posts": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "under": under,
            "ranks": PostRank.choices,
        },
    )


@login_required
def post_detail(request, pk: int):
    post = get_object_or_404(Post.objects.select_related("department"), pk=pk)
    require(request.user, "org.view", post)
    on_form = HoldersOnForm(request.GET if "on" in request.GET else None)
    holders_on = None
    if on_form.is_bound and on_form.is_valid():
        holders_on = selectors.holders_on(post=post, day=on_form.cleaned_data["on"])
    return render(
        request,
        "org/post_detail.html",
        {
            "post": post,
            "ancestors": selectors.node_ancestors(post.department),
            "holdings": post.holdings.select_related("person").order_by("-start_date", "-id"),
            "on_form": on_form,
            "holders_on": holders_on,
            "can_manage": has_perm(request.user, "org.manage", post),
        },
    )


@login_required
def post_create(request, pk: int):
    department = _node_or_404(request, pk, "org.manage")
    form = PostForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("reason", "is_active")}
        try:
            post = services.post_create(
                user=request.user, department=department, reason=form.cleaned_data["reason"], **data
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was created.") % {"name": post.name})
            return redirect("org:post_detail", pk=post.pk)
    return _form_page(
        request,
        form,
        _("New post in %(name)s") % {"name": department.name},
        reverse("org:node_detail", args=[department.pk]),
    )


@login_required
def post_edit(request, pk: int):
    post = get_object_or_404(Post, pk=pk)
    require(request.user, "org.manage", post)
    form = PostForm(request.POST or None, instance=Post.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            services.post_update(user=request.user, post=post, reason=form.cleaned_data["reason"], **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("org:post_detail", pk=post.pk)
    return _form_page(
        request, form, _("Edit %(name)s") % {"name": post.name}, reverse("org:post_detail", args=[post.pk])
    )


@login_required
def person_list(request):
    if "org.view" not in user_perms(request.user):
        raise PermissionDenied
    under = under_param(request)
    qs = selectors.person_list(user=request.user, under=under, text=request.GET.get("q", "").strip())
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request, "org/person_list.html", {"people": rows, "next_url": next_url, "prev_url": prev_url, "under": under}
    )


@login_required
def person_detail(request, pk: int):
    person = get_object_or_404(Person.objects.select_related("unit", "user"), pk=pk)
    require(request.user, "org.view", person)
    roles = RoleAssignment.objects.filter(user=person.user).select_related("node") if person.user else []
    return render(
        request,
        "org/person_detail.html",
        {
            "person": person,
            "holdings": person.holdings.select_related("post", "post__department").order_by("-start_date", "-id"),
            "roles": roles,
            "can_manage": has_perm(request.user, "org.manage", person),
            "today": timezone.localdate(),
        },
    )


def _save_person(request, form, *, unit=None, person=None):
    data = {k: form.cleaned_data[k] for k in ("name", "gender", "title", "phone", "email", "is_active")}
    username = form.cleaned_data["username"]
    with transaction.atomic():
        if person is None:
            person = services.person_create(user=request.user, unit=unit, reason=form.cleaned_data["reason"], **data)
        else:
            person = services.person_update(
                user=request.user, person=person, reason=form.cleaned_data["reason"], **data
            )
        if username and (person.user is None or person.user.username != username):
            services.person_link_account(user=request.user, person=person, username=username)
    return person


@login_required
def person_create(request, pk: int):
    unit = _node_or_404(request, pk, "org.manage")
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = _save_person(request, form, unit=unit)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("%(name)s was added.") % {"name": person.name})
            return redirect("org:person_detail", pk=person.pk)
    return _form_page(
        request, form, _("New cadre in %(name)s") % {"name": unit.name}, reverse("org:node_detail", args=[unit.pk])
    )


@login_required
def person_edit(request, pk: int):
    person = get_object_or_404(Person, pk=pk)
    require(request.user, "org.manage", person)
    form = PersonForm(
        request.POST or None,
        instance=Person.objects.get(pk=pk),
        initial={"username": person.user.username if person.user else ""},
    )
    if request.method == "POST" and form.is_valid():
        try:
            _save_person(request, form, person=person)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("org:person_detail", pk=person.pk)
    return _form_page(
        request, form, _("Edit %(name)s") % {"name": person.name}, reverse("org:person_detail", args=[person.pk])
    )


@login_required
def person_appoint(request, pk: int):
    person = get_object_or_404(Person.objects.select_related("unit"), pk=pk)
    require(request.user, "org.manage", person)
    posts = scope_queryset(
        request.user,
        "org.manage",
        Post.objects.filter(department__path__startswith=person.unit.path, is_active=True).select_related("department"),
    ).order_by("department__path", "-rank", "name")
    form = AppointForm(request.POST or None, posts=posts)
    if request.method == "POST" and form.is_valid():
        try:
            services.holding_start(user=request.user, person=person, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Appointment recorded."))
            return redirect("org:person_detail", pk=person.pk)
    return _form_page(
        request,
        form,
        _("Appoint %(name)s to a post") % {"name": person.name},
        reverse("org:person_detail", args=[person.pk]),
    )


@login_required
def holding_end(request, pk: int):
    holding = get_object_or_404(PostHolding.objects.select_related("post", "person"), pk=pk)
    require(request.user, "org.manage", holding)
    form = HoldingEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.holding_end(user=request.user, holding=holding, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The holding was ended."))
            return redirect("org:person_detail", pk=holding.person_id)
    title = _("End %(person)s's holding of %(post)s") % {"person": holding.person, "post": holding.post}
    return _form_page(request, form, title, reverse("org:person_detail", args=[holding.person_id]))


@login_required
def role_list(request):
    if "org.assign_roles" not in user_perms(request.user):
        raise PermissionDenied
    under = under_param(request)
    qs = selectors.role_list(user=request.user, under=under)
    role = request.GET.get("role")
    if role:
        qs = qs.filter(role=role)
    rows, next_url, prev_url = keyset_page(request, qs)
    return render(
        request,
        "org/role_list.html",
        {
            "roles": rows,
            "next_url": next_url,
            "prev_url": prev_url,
            "under": under,
            "role_choices": RoleAssignment._meta.get_field("role").choices,
        },
    )


@login_required
def role_create(request, pk: int):
    node = _node_or_404(request, pk, "org.assign_roles")
    form = RoleForm(request.POST or None, node=node)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_assign(
                user=request.user,
                target_user=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                node=node,
                include_descendants=form.cleaned_data["include_descendants"],
                departments=list(form.cleaned_data["departments"]),
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Role assigned."))
            return redirect("org:node_detail", pk=node.pk)
    return _form_page(
        request,
        form,
        _("Assign a role over %(name)s") % {"name": node.name},
        reverse("org:node_detail", args=[node.pk]),
    )


@login_required
def role_revoke(request, pk: int):
    assignment = get_object_or_404(RoleAssignment.objects.select_related("node", "user"), pk=pk)
    require(request.user, "org.assign_roles", assignment)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.role_revoke(user=request.user, assignment=assignment, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Role withdrawn."))
            return redirect("org:node_detail", pk=assignment.node_id)
    title = _("Withdraw %(role)s from %(user)s") % {
        "role": assignment.get_role_display(),
        "user": getattr(getattr(assignment.user, "person", None), "name", assignment.user.username),
    }
    return _form_page(request, form, title, reverse("org:node_detail", args=[assignment.node_id]))


def _supervision_node(request, pk: int) -> OrgNode:
    node = _node_or_404(request, pk)
    if not may_assign_role(request.user, role="", node=node, include_descendants=True):
        raise PermissionDenied
    return node


@login_required
def supervision_add(request, pk: int):
    node = _supervision_node(request, pk)
    form = SupervisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.supervision_grant(
                user=request.user,
                target_user=form.cleaned_data["username"],
                node=node,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Supervision granted."))
            return redirect("org:node_detail", pk=node.pk)
    title = _("Let a supervisor read %(name)s and everything below it") % {"name": node.name}
    return _form_page(request, form, title, reverse("org:node_detail", args=[node.pk]))


@login_required
def supervision_remove(request, pk: int, user_id: int):
    node = _supervision_node(request, pk)
    grantee = get_object_or_404(get_user_model(), pk=user_id)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.supervision_revoke(
            user=request.user, target_user=grantee, node=node, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("Supervision withdrawn."))
        return redirect("org:node_detail", pk=node.pk)
    title = _("Withdraw %(user)s's supervision of %(name)s") % {"user": grantee, "name": node.name}
    return _form_page(request, form, title, reverse("org:node_detail", args=[node.pk]))
