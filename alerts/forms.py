from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alerts.models import Disposal, InfoKind, InfoSource, PetitionChannel, PetitionKind, WarningColour
from core.forms import StyledFormMixin
from org.models import Person, Post
from risks.models import RiskPoint


class WarningForm(StyledFormMixin, forms.Form):
    level = forms.TypedChoiceField(label=_("Colour"), coerce=int, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Subject"), max_length=200)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 5}))
    disposals = forms.MultipleChoiceField(
        label=_("Disposal"), choices=Disposal.choices, widget=forms.CheckboxSelectMultiple
    )
    reply_days = forms.IntegerField(
        label=_("Written reply within (working days)"),
        min_value=1,
        max_value=60,
        required=False,
        help_text=_("Empty: the colour's default."),
    )
    risk_points = forms.ModelMultipleChoiceField(
        label=_("Risk points it rests on"),
        queryset=RiskPoint.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, levels: list[int], unit, **kwargs):
        super().__init__(*args, **kwargs)
        names = {c.level: f"{c.name}（{c.action}）" for c in WarningColour.objects.all()}
        self.fields["level"].choices = [(lvl, names.get(lvl, lvl)) for lvl in levels]
        self.fields["risk_points"].queryset = RiskPoint.objects.filter(unit=unit, status="approved").order_by("grade")
        self.fields["risk_points"].label_from_instance = lambda p: (
            f"{p.get_grade_display()} · {str(p.description)[:50]}"
        )


class ReplyForm(StyledFormMixin, forms.Form):
    cause_analysis = forms.CharField(label=_("Cause analysis"), widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label=_("Rectification measures"), widget=forms.Textarea(attrs={"rows": 4}))
    attachment = forms.FileField(label=_("Attachment"), required=False)


class ReviewForm(StyledFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept the reply")), ("0", _("Return for more"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CloseForm(StyledFormMixin, forms.Form):
    note = forms.CharField(label=_("How the rectification was verified"), widget=forms.Textarea(attrs={"rows": 2}))


class InfoForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InfoKind.choices)
    source = forms.ChoiceField(label=_("Source"), choices=InfoSource.choices)
    title = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    trigger_date = forms.DateField(
        label=_("Trigger date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The conclusion, approval or event the entry deadline counts from."),
    )
    posts = forms.ModelMultipleChoiceField(label=_("Posts concerned"), queryset=Post.objects.none(), required=False)
    people = forms.ModelMultipleChoiceField(label=_("People concerned"), queryset=Person.objects.none(), required=False)
    risk_points = forms.ModelMultipleChoiceField(
        label=_("Risk points concerned"), queryset=RiskPoint.objects.none(), required=False
    )

    def __init__(self, *args, node, **kwargs):
        super().__init__(*args, **kwargs)
        unit = node.owning_unit() or node
        self.fields["posts"].queryset = Post.objects.filter(department__path__startswith=node.path).select_related(
            "department"
        )
        self.fields["posts"].label_from_instance = lambda p: f"{p.department.name} · {p.name}"
        self.fields["people"].queryset = Person.objects.filter(unit=unit, is_active=True).order_by("name")
        self.fields["risk_points"].queryset = RiskPoint.objects.filter(
            node__path__startswith=node.path, status="approved"
        ).order_by("grade")
        self.fields["risk_points"].label_from_instance = lambda p: (
            f"{p.get_grade_display()} · {str(p.description)[:40]}"
        )
        for name in ("posts", "people", "risk_points"):
            self.fields[name].widget.attrs["size"] = 6


class PetitionForm(StyledFormMixin, forms.Form):
    channel = forms.ChoiceField(label=_("Channel"), choices=PetitionChannel.choices)
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(label=_("Content"), widget=forms.Textarea(attrs={"rows": 5}))
    received_on = forms.DateField(label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"}))
    is_anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=60, required=False)
    reporter_contact = forms.CharField(label=_("Reporter's contact"), max_length=100, required=False)


class AnswerForm(StyledFormMixin, forms.Form):
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reply = forms.CharField(label=_("Answer to the reporter"), widget=forms.Textarea(attrs={"rows": 3}))


class PublicReportForm(StyledFormMixin, forms.Form):
    unit = forms.TypedChoiceField(label=_("Unit concerned"), coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), choices=PetitionKind.choices, initial=PetitionKind.REPORT)
    subject = forms.CharField(label=_("Subject"), max_length=200)
    content = forms.CharField(
        label=_("What happened"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Who, when, where, what; the more precise, the easier to verify."),
    )
    name = forms.CharField(label=_("Your name (leave empty to report anonymously)"), max_length=60, required=False)
    contact = forms.CharField(label=_("Your contact (optional)"), max_length=100, required=False)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", "—")] + [(u.pk, u.name) for u in units]


class ReceiptForm(StyledFormMixin, forms.Form):
    code = forms.CharField(label=_("Receipt code"), max_length=40)
