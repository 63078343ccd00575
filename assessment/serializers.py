"""The assessment API's serializers: what goes over /api/v1/assessment/ (assessment.api)."""

from __future__ import annotations

from rest_framework import serializers

from assessment import selectors
from assessment.models import (
    Answer,
    Checkpoint,
    Commitment,
    Cycle,
    CycleUnit,
    DecisionKind,
    EducationForm,
    EducationSession,
    Evaluation,
    EvaluationSubject,
    Indicator,
    IndicatorSource,
    Rating,
    Score,
    SelfInspection,
    SpotCheck,
    SpotCheckKind,
    Stage,
    Talk,
    TalkKind,
)
from org.models import NodeKind, OrgNode, Person
from risks.models import RiskPoint


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Indicator
        fields = ["id", "key", "name", "source", "weight", "reason_required", "order"]


class CheckpointSerializer(serializers.ModelSerializer):
    class Meta:
        model = Checkpoint
        fields = ["half", "opens_on", "due_on"]


class CycleSerializer(serializers.ModelSerializer):
    area_name = serializers.CharField(source="area.name", read_only=True)
    checkpoints = CheckpointSerializer(many=True, read_only=True)

    class Meta:
        model = Cycle
        fields = [
            "id",
            "area",
            "area_name",
            "year",
            "title",
            "status",
            "opened_on",
            "opened_by_act",
            "commitment_due",
            "remind_workdays",
            "satisfaction_threshold",
            "previous",
            "checkpoints",
        ]


class CycleOpenSerializer(serializers.Serializer):
    area = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.all())
    year = serializers.IntegerField()
    title = serializers.CharField(required=False, allow_blank=True, default="")
    commitment_due = serializers.DateField()
    h1_opens = serializers.DateField()
    h1_due = serializers.DateField()
    h2_opens = serializers.DateField()
    h2_due = serializers.DateField()
    units = serializers.PrimaryKeyRelatedField(
        queryset=OrgNode.objects.filter(kind=NodeKind.UNIT), many=True, required=False, default=None
    )
    remind_workdays = serializers.IntegerField(required=False, default=3)
    satisfaction_threshold = serializers.IntegerField(required=False, default=80)


class ScoredSerializer(serializers.Serializer):
    scored = serializers.IntegerField(help_text="Units scored.")


class IndicatorsWriteSerializer(serializers.Serializer):
    weights = serializers.DictField(child=serializers.DecimalField(max_digits=5, decimal_places=2))
    new_manual = serializers.CharField(required=False, allow_blank=True, default="")


class ScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = Score
        fields = ["indicator", "ratio", "points", "basis", "reason", "assessor"]


class CycleUnitSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    last_year_score = serializers.SerializerMethodField()

    class Meta:
        model = CycleUnit
        fields = [
            "id",
            "cycle",
            "unit",
            "unit_name",
            "stage",
            "stage_since",
            "carryover",
            "rules_filed_on",
            "rules_note",
            "commitments_public",
            "score_total",
            "score_rank",
            "last_year_score",
            "archived_on",
        ]

    def get_last_year_score(self, obj) -> str | None:
        previous = obj.previous
        return str(previous.score_total) if previous is not None and previous.score_total is not None else None


class CycleUnitDetailSerializer(CycleUnitSerializer):
    blockers = serializers.SerializerMethodField()
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta(CycleUnitSerializer.Meta):
        fields = [*CycleUnitSerializer.Meta.fields, "blockers", "scores"]

    def get_blockers(self, obj) -> list[str]:
        return selectors.blockers_for([obj])[obj.pk]


class AdvanceSerializer(serializers.Serializer):
    stage = serializers.ChoiceField(choices=Stage.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class RulesSerializer(serializers.Serializer):
    note = serializers.CharField()
    upload = serializers.FileField(required=False, allow_null=True, default=None)


class ActDecisionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DecisionKind.choices)
    text = serializers.CharField()
    risk_point = serializers.PrimaryKeyRelatedField(queryset=RiskPoint.objects.all(), required=False, default=None)


class MarkSerializer(serializers.Serializer):
    indicator = serializers.PrimaryKeyRelatedField(queryset=Indicator.objects.filter(source=IndicatorSource.MANUAL))
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class CommitmentSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    items = serializers.SerializerMethodField()

    class Meta:
        model = Commitment
        fields = [
            "id",
            "cycle",
            "person",
            "person_name",
            "unit",
            "post",
            "status",
            "items",
            "submitted_at",
            "decided_at",
            "decision_note",
            "kept_report",
            "rating",
            "rating_note",
        ]

    def get_items(self, obj) -> list[dict]:
        return [{"text": i.text, "standard": bool(i.standard_key)} for i in obj.items.all()]


class CommitmentWriteSerializer(serializers.Serializer):
    cycle = serializers.PrimaryKeyRelatedField(queryset=Cycle.objects.all())
    own_items = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False, default=list)
    submit = serializers.BooleanField(required=False, default=False)


class CommitmentDecideSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class CommitmentReportSerializer(serializers.Serializer):
    report = serializers.CharField()


class CommitmentRateSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(choices=Rating.choices)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionSerializer(serializers.ModelSerializer):
    items = serializers.SerializerMethodField()
    half = serializers.IntegerField(source="checkpoint.half", read_only=True)
    due_on = serializers.DateField(source="checkpoint.due_on", read_only=True)

    class Meta:
        model = SelfInspection
        fields = [
            "id",
            "cycle_unit",
            "half",
            "due_on",
            "status",
            "report_measures",
            "report_conduct",
            "report_weaknesses",
            "submitted_on",
            "on_time",
            "reviewed_on",
            "review_note",
            "items",
        ]

    def get_items(self, obj) -> list[dict]:
        return [
            {
                "id": i.pk,
                "measure": i.measure_id,
                "point_text": i.point_text,
                "measure_text": i.measure_text,
                "carried_out": i.carried_out,
                "evidence_note": i.evidence_note,
            }
            for i in obj.items.all()
        ]


class InspectionStartSerializer(serializers.Serializer):
    cycle_unit = serializers.PrimaryKeyRelatedField(queryset=CycleUnit.objects.select_related("cycle", "unit"))
    half = serializers.ChoiceField(choices=Checkpoint.Half.choices)


class InspectionAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    carried_out = serializers.ChoiceField(choices=[("", "—"), "yes", "partly", "no"], required=False, default="")
    evidence_note = serializers.CharField(required=False, allow_blank=True, default="")


class InspectionWriteSerializer(serializers.Serializer):
    answers = InspectionAnswerSerializer(many=True, required=False, default=list)
    report_measures = serializers.CharField(required=False, allow_blank=True)
    report_conduct = serializers.CharField(required=False, allow_blank=True)
    report_weaknesses = serializers.CharField(required=False, allow_blank=True)
    submit = serializers.BooleanField(required=False, default=False)


class InspectionReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class EducationSerializer(serializers.ModelSerializer):
    class Meta:
        model = EducationSession
        fields = [
            "id",
            "unit",
            "department",
            "held_on",
            "start_time",
            "minutes",
            "place",
            "form",
            "topic",
            "content",
            "participants",
            "participant_count",
        ]
        read_only_fields = fields


class EducationWriteSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.all())
    department = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.all(), required=False, default=None)
    held_on = serializers.DateField()
    start_time = serializers.TimeField(required=False, default=None)
    minutes = serializers.IntegerField(min_value=1)
    place = serializers.CharField(max_length=120)
    form = serializers.ChoiceField(choices=EducationForm.choices)
    topic = serializers.CharField(max_length=200)
    content = serializers.CharField()
    participant_count = serializers.IntegerField(min_value=1)
    participants = serializers.PrimaryKeyRelatedField(
        queryset=Person.objects.all(), many=True, required=False, default=list
    )


class TalkSerializer(serializers.ModelSerializer):
    class Meta:
        model = Talk
        fields = ["id", "unit", "leader", "cadre", "kind", "held_on", "place", "summary"]
        read_only_fields = fields


class TalkWriteSerializer(serializers.Serializer):
    leader = serializers.PrimaryKeyRelatedField(queryset=Person.objects.select_related("unit"))
    cadre = serializers.PrimaryKeyRelatedField(queryset=Person.objects.select_related("unit"))
    kind = serializers.ChoiceField(choices=TalkKind.choices)
    held_on = serializers.DateField()
    place = serializers.CharField(required=False, allow_blank=True, default="")
    summary = serializers.CharField()


class EvaluationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evaluation
        fields = [
            "id",
            "cycle",
            "unit",
            "subject_kind",
            "subject_person",
            "title",
            "questions",
            "status",
            "threshold",
            "closes_on",
            "closed_on",
            "response_rate",
            "satisfaction",
            "proposal",
            "info",
        ]
        read_only_fields = fields


class EvaluationDetailSerializer(EvaluationSerializer):
    figures = serializers.SerializerMethodField()

    class Meta(EvaluationSerializer.Meta):
        fields = [*EvaluationSerializer.Meta.fields, "figures"]
        read_only_fields = fields

    def get_figures(self, obj) -> dict:
        return selectors.evaluation_figures(obj)


class EvaluationWriteSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.all())
    cycle = serializers.PrimaryKeyRelatedField(queryset=Cycle.objects.all(), required=False, default=None)
    subject_kind = serializers.ChoiceField(choices=EvaluationSubject.choices)
    subject_person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False, default=None)
    title = serializers.CharField(max_length=200)
    closes_on = serializers.DateField()
    threshold = serializers.IntegerField(required=False, default=None)


class TokenIssueSerializer(serializers.Serializer):
    participants = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), many=True)


class ProposalSerializer(serializers.Serializer):
    confirm = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class BallotSerializer(serializers.Serializer):
    token = serializers.CharField(max_length=40)
    answers = serializers.DictField(child=serializers.ChoiceField(choices=Answer.choices))
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class SpotCheckSerializer(serializers.ModelSerializer):
    class Meta:
        model = SpotCheck
        fields = [
            "id",
            "cycle",
            "unit",
            "kind",
            "subject",
            "checked_on",
            "checkers",
            "findings",
            "rectification_required",
            "rectification",
            "rectification_due",
            "rectified_on",
            "rectification_report",
        ]
        read_only_fields = fields


class SpotCheckWriteSerializer(serializers.Serializer):
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.all())
    cycle = serializers.PrimaryKeyRelatedField(queryset=Cycle.objects.all(), required=False, default=None)
    kind = serializers.ChoiceField(choices=SpotCheckKind.choices)
    subject = serializers.CharField(max_length=200)
    checked_on = serializers.DateField()
    checkers = serializers.CharField(max_length=200)
    findings = serializers.CharField()
    rectification_required = serializers.BooleanField(required=False, default=False)
    rectification = serializers.CharField(required=False, allow_blank=True, default="")
    rectification_due = serializers.DateField(required=False, default=None)


class RectifiedSerializer(serializers.Serializer):
    report = serializers.CharField()
