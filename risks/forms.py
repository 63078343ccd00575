from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from org.models import Person
from powers.models import Power, PowerVersion, VersionStatus
from risks.models import Grade, Measure, MeasureType, RiskCategory, RiskPoint
from risks.services import EDITABLE


class RiskForm(StyledFormMixin, forms.ModelForm):
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        choices=[("", _("As the matrix suggests")), *Grade.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )

    class Meta:
        model = RiskPoint
        # What a recorder may edit (the service's list) plus the grading they may choose.
        fields = [*EDITABLE, "grade", "grade_reason"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "manifestation": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = RiskCategory.objects.filter(is_active=True)
        self.fields["power"].queryset = Power.objects.filter(unit=unit).order_by("code")
        names = dict(
            PowerVersion.objects.filter(power__unit=unit, status__in=[VersionStatus.PUBLISHED, VersionStatus.DRAFT])
            .order_by("number")
            .values_list("power_id", "name")
        )
        self.fields["power"].label_from_instance = lambda p: f"{p.code} {names.get(p.pk, '')}"
        self.fields["step_key"].help_text = _("The key of the process step (S1, S2 ...) the risk sits on.")


class DecisionForm(StyledFormMixin, forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("return", _("Return for revision")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    grade = forms.TypedChoiceField(
        label=_("Grade"),
        choices=[("", _("Keep the proposed grade")), *Grade.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    grade_reason = forms.CharField(label=_("Reason for another grade"), required=False, max_length=300)


class ReopenForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(label=_("What changed"), max_length=300)


class MeasureForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["type", "description", "check_method", "owner", "deadline"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].queryset = MeasureType.objects.filter(is_active=True)
        self.fields["owner"].queryset = Person.objects.filter(unit=unit, is_active=True).order_by("name")


class MeasureProgressForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["status", "evidence_note", "evidence"]


class CommentPeriodForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=_("Subject"), max_length=120)
    working_days = forms.IntegerField(label=_("Working days for comment"), min_value=1, max_value=30, initial=5)


class PublicCommentForm(StyledFormMixin, forms.Form):
    point = forms.TypedChoiceField(label=_("About"), coerce=int, required=False, empty_value=None)
    body = forms.CharField(label=_("Your comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    contact = forms.CharField(label=_("Name or contact (optional)"), max_length=100, required=False)

    def __init__(self, *args, points, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["point"].choices = [("", _("The batch as a whole"))] + [
            (p.pk, str(p.description)[:40]) for p in points
        ]


class SetSubmitForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("Covering note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SetDecideForm(StyledFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept the set")), ("0", _("Return with opinions"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    opinions = forms.CharField(label=_("Opinions"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
