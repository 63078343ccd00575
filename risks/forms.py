from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StyledFormMixin
from powers.models import Power, PowerVersion, VersionStatus
from risks.models import Grade, RiskCategory, RiskPoint
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
