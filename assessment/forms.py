from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from assessment import presets
from assessment.models import (
    Answer,
    CarriedOut,
    DecisionKind,
    EducationForm,
    EvaluationSubject,
    Rating,
    SpotCheckKind,
    Stage,
    TalkKind,
)
from core.forms import StyledFormMixin, style_form
from org.models import Person
from risks.models import RiskPoint

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CycleForm(StyledFormMixin, forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(
        label=pgettext_lazy("heading", "Title"),
        max_length=200,
        required=False,
        help_text=_("Empty: named after the year and area."),
    )
    commitment_due = forms.DateField(label=_("Public commitments due"), widget=DATE)
    h1_opens = forms.DateField(label=_("First half-year self-inspection opens"), widget=DATE)
    h1_due = forms.DateField(label=_("First half-year self-inspection due"), widget=DATE)
    h2_opens = forms.DateField(label=_("Second half-year self-inspection opens"), widget=DATE)
    h2_due = forms.DateField(label=_("Second half-year self-inspection due"), widget=DATE)
    remind_workdays = forms.IntegerField(
        label=_("Remind before a due date (working days)"), min_value=0, max_value=30, initial=presets.REMIND_WORKDAYS
    )
    satisfaction_threshold = forms.IntegerField(
        label=_("Satisfaction threshold (%)"),
        min_value=1,
        max_value=100,
        initial=presets.SATISFACTION_THRESHOLD,
        help_text=_("A democratic evaluation below it proposes a reminder-type risk information entry."),
    )

    @staticmethod
    def defaults(year: int) -> dict:
        return {
            "year": year,
            "commitment_due": dt.date(year, 3, 31),
            "h1_opens": dt.date(year, 6, 15),
            "h1_due": dt.date(year, 7, 15),
            "h2_opens": dt.date(year, 12, 1),
            "h2_due": dt.date(year, 12, 31),
        }


class AdvanceForm(StyledFormMixin, forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=Stage.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RulesForm(StyledFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Implementation rules"), max_length=300, help_text=_("Title and document number of the rules filed.")
    )
    upload = forms.FileField(label=_("Rules document"), required=False)


class DecisionForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=pgettext_lazy("Act", "Decision"), choices=DecisionKind.choices)
    text = forms.CharField(label=_("What was decided"), widget=forms.Textarea(attrs={"rows": 3}))
    risk_point = forms.ModelChoiceField(label=_("Risk point"), queryset=RiskPoint.objects.none(), required=False)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.fields["risk_point"].queryset = RiskPoint.objects.filter(unit=unit, status="approved").order_by("pk")
            self.fields["risk_point"].label_from_instance = lambda p: str(p.description)[:60]


class MarkForm(StyledFormMixin, forms.Form):
    indicator = forms.TypedChoiceField(label=_("Indicator"), coerce=int)
    points = forms.DecimalField(label=_("Points"), min_value=0, max_digits=6, decimal_places=2)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(i.pk, f"{i.name}（{i.weight.normalize()}）") for i in indicators]


class CommitmentForm(StyledFormMixin, forms.Form):
    own_items = forms.CharField(
        label=_("My own commitments"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One a line, in addition to the five standard items (at most 10)."),
    )

    def items(self) -> list[str]:
        return [line for line in self.cleaned_data["own_items"].splitlines() if line.strip()]


class DecideForm(StyledFormMixin, forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve and publish")), ("0", _("Return for changes"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(StyledFormMixin, forms.Form):
    report = forms.CharField(label=_("How I kept my commitment (践诺)"), widget=forms.Textarea(attrs={"rows": 5}))


class RateForm(StyledFormMixin, forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating (评诺)"), choices=Rating.choices, coerce=int, widget=forms.RadioSelect
    )
    note = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(StyledFormMixin, forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept")), ("0", _("Return"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class InspectionReportForm(StyledFormMixin, forms.Form):
    report_measures = forms.CharField(
        label=presets.INSPECTION_SECTIONS[0][1], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    report_conduct = forms.CharField(
        label=presets.INSPECTION_SECTIONS[1][1], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    report_weaknesses = forms.CharField(
        label=presets.INSPECTION_SECTIONS[2][1], required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


CARRIED_CHOICES = [("", "—"), *CarriedOut.choices]


class EducationFormForm(StyledFormMixin, forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    start_time = forms.TimeField(label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=1, max_value=1440, initial=90)
    place = forms.CharField(label=_("Place"), max_length=120)
    form = forms.ChoiceField(label=_("Form"), choices=EducationForm.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    content = forms.CharField(label=_("Content and discussion"), widget=forms.Textarea(attrs={"rows": 4}))
    participant_count = forms.IntegerField(label=_("Number of participants"), min_value=1)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants named"),
        queryset=Person.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    materials = forms.FileField(label=_("Materials"), required=False)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        if unit is not None:
            self.fields["participants"].queryset = Person.objects.filter(unit=unit, is_active=True).order_by("name")


class TalkForm(StyledFormMixin, forms.Form):
    leader = forms.ModelChoiceField(label=_("Leader"), queryset=Person.objects.none())
    cadre = forms.ModelChoiceField(label=_("Cadre"), queryset=Person.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=TalkKind.choices)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=120, required=False)
    summary = forms.CharField(label=_("What was talked about"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, unit=None, leaders=None, **kwargs):
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(unit=unit, is_active=True).order_by("name")
        self.fields["leader"].queryset = leaders if leaders is not None else people
        self.fields["cadre"].queryset = people


class EvaluationForm(StyledFormMixin, forms.Form):
    title = forms.CharField(label=pgettext_lazy("heading", "Title"), max_length=200)
    subject_kind = forms.ChoiceField(
        label=_("Evaluation of"), choices=EvaluationSubject.choices, widget=forms.RadioSelect
    )
    subject_person = forms.ModelChoiceField(label=_("Leader evaluated"), queryset=Person.objects.none(), required=False)
    closes_on = forms.DateField(label=_("Closes on"), widget=DATE)
    threshold = forms.IntegerField(label=_("Satisfaction threshold (%)"), min_value=1, max_value=100, required=False)

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject_person"].queryset = Person.objects.filter(unit=unit, is_active=True).order_by("name")


class IssueForm(StyledFormMixin, forms.Form):
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, unit=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participants"].queryset = Person.objects.filter(unit=unit, is_active=True).order_by("name")


class ProposalForm(StyledFormMixin, forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Record the reminder")), ("0", _("Dismiss"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Comments"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class BallotForm(StyledFormMixin, forms.Form):
    comment = forms.CharField(
        label=_("Comments (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        for i, text in enumerate(questions):
            self.fields[f"q{i}"] = forms.TypedChoiceField(
                label=text,
                choices=Answer.choices,
                coerce=int,
                widget=forms.RadioSelect,
            )
        self.order_fields([f"q{i}" for i in range(len(questions))] + ["comment"])
        style_form(self)

    def answers(self) -> dict[int, int]:
        return {int(k[1:]): v for k, v in self.cleaned_data.items() if k.startswith("q")}


class SpotCheckForm(StyledFormMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=SpotCheckKind.choices)
    subject = forms.CharField(label=_("What was checked"), max_length=200)
    checked_on = forms.DateField(label=_("Checked on"), widget=DATE)
    checkers = forms.CharField(label=_("Checkers"), max_length=200)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 4}))
    rectification_required = forms.BooleanField(label=_("Rectification required"), required=False)
    rectification = forms.CharField(
        label=_("What must be rectified"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    rectification_due = forms.DateField(label=_("Rectify by"), required=False, widget=DATE)


class RectifiedForm(StyledFormMixin, forms.Form):
    report = forms.CharField(label=_("What was rectified"), widget=forms.Textarea(attrs={"rows": 3}))


class IndicatorsForm(StyledFormMixin, forms.Form):
    new_manual = forms.CharField(label=_("Add an assessors' indicator"), max_length=100, required=False)

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        for i in self.indicators:
            self.fields[f"w{i.pk}"] = forms.DecimalField(
                label=f"{i.name}（{i.get_source_display()}）",
                min_value=0,
                max_digits=5,
                decimal_places=2,
                initial=i.weight,
            )
        self.order_fields([f"w{i.pk}" for i in self.indicators] + ["new_manual"])
        style_form(self)

    def weights(self) -> dict:
        return {i.pk: self.cleaned_data[f"w{i.pk}"] for i in self.indicators}
