from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from org.models import NodeKind, OrgNode, Post
from powers.models import PowerType, PowerVersion
from powers.services import BasisInput, StepInput


class VersionForm(StyledFormMixin, forms.ModelForm):
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = PowerVersion
        fields = [
            "name",
            "power_type",
            "power_class",
            "department",
            "posts",
            "time_limit_days",
            "time_limit_note",
            "fees",
        ]
        widgets = {"posts": forms.SelectMultiple(attrs={"size": 6})}

    def __init__(self, *args, unit: OrgNode, departments, new: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["power_type"].queryset = PowerType.objects.filter(is_active=True)
        self.fields["department"].queryset = departments
        self.fields["posts"].queryset = (
            Post.objects.filter(
                department__path__startswith=unit.path, department__kind=NodeKind.DEPARTMENT, is_active=True
            )
            .select_related("department")
            .order_by("department__path", "-rank")
        )
        self.fields["posts"].label_from_instance = lambda p: f"{p.department.name} · {p.name}"
        self.fields["code"].required = new
        if not new:
            del self.fields["code"]


class BasisForm(StyledFormMixin, forms.Form):
    law = forms.CharField(label=_("Law or regulation"), max_length=200, required=False)
    articles = forms.CharField(label=_("Articles"), max_length=200, required=False)


class StepForm(StyledFormMixin, forms.Form):
    key = forms.CharField(label=_("Key"), max_length=10, required=False)
    name = forms.CharField(label=_("Step"), max_length=100, required=False)
    post = forms.ModelChoiceField(label=_("Responsible post"), queryset=Post.objects.none(), required=False)
    time_limit_days = forms.IntegerField(label=_("Working days"), min_value=0, max_value=3650, required=False)
    checks = forms.CharField(label=_("What is checked"), max_length=300, required=False)
    next_keys = forms.CharField(
        label=_("Next steps"), max_length=100, required=False, help_text=_("Keys of the steps that follow, e.g. S2, S3")
    )

    def __init__(self, *args, posts=None, **kwargs):
        super().__init__(*args, **kwargs)
        if posts is not None:
            self.fields["post"].queryset = posts
            self.fields["post"].label_from_instance = lambda p: f"{p.department.name} · {p.name}"

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("key"):
            self.add_error("key", _("Give the step a key (S1, S2 ...)."))
        if data.get("key") and not data.get("name"):
            self.add_error("name", _("Name the step."))
        return data


BasisFormSet = forms.formset_factory(BasisForm, extra=2)
StepFormSet = forms.formset_factory(StepForm, extra=3)


def bases_from(formset) -> list[BasisInput]:
    return [
        BasisInput(f.cleaned_data["law"], f.cleaned_data["articles"])
        for f in formset.forms
        if f.cleaned_data.get("law") or f.cleaned_data.get("articles")
    ]


def steps_from(formset) -> list[StepInput]:
    return [
        StepInput(
            f.cleaned_data["key"].strip(),
            f.cleaned_data["name"].strip(),
            f.cleaned_data.get("post"),
            f.cleaned_data.get("time_limit_days"),
            f.cleaned_data.get("checks", ""),
            [k for k in re.split(r"[\s,，、;；]+", f.cleaned_data.get("next_keys", "")) if k],
        )
        for f in formset.forms
        if f.cleaned_data.get("key")
    ]


def initial_from(version: PowerVersion) -> tuple[list[dict], list[dict]]:
    bases = [{"law": b.law, "articles": b.articles} for b in version.legal_bases.all()]
    steps = [
        {
            "key": s.key,
            "name": s.name,
            "post": s.post_id,
            "time_limit_days": s.time_limit_days,
            "checks": s.checks,
            "next_keys": ", ".join(n.key for n in s.next_steps.all()),
        }
        for s in version.steps.all()
    ]
    return bases, steps
