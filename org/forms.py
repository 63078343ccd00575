from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from org.models import NodeKind, OrgNode, Person, Post, Role

REASON_FIELD = forms.CharField(
    label=_("Reason for the change"),
    required=False,
    max_length=200,
    help_text=_("Kept in the audit trail."),
)


class NodeForm(StyledFormMixin, forms.ModelForm):
    reason = REASON_FIELD

    class Meta:
        model = OrgNode
        fields = ["name", "kind", "code", "description", "cross_supervision", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class NodeMoveForm(StyledFormMixin, forms.Form):
    new_parent = forms.ModelChoiceField(label=_("Move under"), queryset=OrgNode.objects.none())
    reason = REASON_FIELD

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents
        self.fields["new_parent"].label_from_instance = lambda n: f"{n.name} ({n.get_kind_display()})"


class PostForm(StyledFormMixin, forms.ModelForm):
    reason = REASON_FIELD

    class Meta:
        model = Post
        fields = ["name", "code", "rank", "is_key_post", "max_holders", "duties", "is_active"]
        widgets = {"duties": forms.Textarea(attrs={"rows": 4})}


class PersonForm(StyledFormMixin, forms.ModelForm):
    username = forms.RegexField(
        label=_("Login name"),
        required=False,
        max_length=150,
        regex=r"^[\w.@+-]+$",
        help_text=_("Leave empty for a cadre without a login."),
    )
    reason = REASON_FIELD

    class Meta:
        model = Person
        fields = ["name", "gender", "title", "phone", "email", "is_active"]

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if not username:
            return username
        existing = get_user_model().objects.filter(username=username).first()
        if existing and getattr(existing, "person", None) and existing.person.pk != self.instance.pk:
            raise forms.ValidationError(_("This login name belongs to another cadre."))
        return username


class AppointForm(StyledFormMixin, forms.Form):
    post = forms.ModelChoiceField(label=_("Post"), queryset=Post.objects.none())
    start_date = forms.DateField(
        label=_("From"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_current = forms.BooleanField(label=_("End the cadre's current posts the day before (transfer)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].queryset = posts
        self.fields["post"].label_from_instance = lambda p: f"{p.department.name} · {p.name}"


class HoldingEndForm(StyledFormMixin, forms.Form):
    end_date = forms.DateField(
        label=_("Until"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class RoleForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("Login name of the person"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    include_descendants = forms.BooleanField(label=_("Including everything below"), required=False)
    departments = forms.ModelMultipleChoiceField(
        label=_("Departments in charge"),
        queryset=OrgNode.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=200)

    def __init__(self, *args, node: OrgNode, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = OrgNode.objects.filter(
            path__startswith=node.path, depth=node.depth + 1, kind=NodeKind.DEPARTMENT
        ).order_by("path")

    def clean_username(self):
        user = get_user_model().objects.filter(username=self.cleaned_data["username"], is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("No active account has this login name."))
        return user


class RevokeForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class HoldersOnForm(StyledFormMixin, forms.Form):
    on = forms.DateField(label=_("Who held this post on"), widget=forms.DateInput(attrs={"type": "date"}))


class SupervisionForm(StyledFormMixin, forms.Form):
    username = forms.CharField(label=_("Login name of the supervisor"), max_length=150)
    reason = forms.CharField(label=_("Reason"), max_length=200, help_text=_("e.g. 特约监督员聘任文件"))

    clean_username = RoleForm.clean_username
