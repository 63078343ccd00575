"""/api/v1/ for the risk register: the same selectors, services and checks as the pages.

Reads are scoped by `risk.view`; every write goes through a service, which decides who
may do it (a cadre records their own post's points without any management role), so the
viewsets only require a signed-in user for writes.
"""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from core.api import call_service
from core.params import int_param
from org.models import NodeKind, OrgNode, Person, Post
from org.permissions import has_perm, scope_queryset
from powers.models import Power
from risks import approval, selectors, services
from risks.models import (
    Consequence,
    Grade,
    Likelihood,
    Measure,
    MeasureStatus,
    MeasureType,
    Review,
    RiskCategory,
    RiskKind,
    RiskPoint,
    RiskScope,
    Source,
)


class ReviewSerializer(serializers.ModelSerializer):
    at_node_name = serializers.CharField(source="at_node.name")

    class Meta:
        model = Review
        fields = [
            "id",
            "round",
            "order",
            "role",
            "action",
            "at_node",
            "at_node_name",
            "status",
            "submitted_at",
            "decided_by",
            "decided_at",
            "comment",
            "grade_set",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    type_name = serializers.CharField(source="type.name", read_only=True)
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Measure
        fields = [
            "id",
            "point",
            "type",
            "type_name",
            "description",
            "check_method",
            "owner",
            "owner_name",
            "deadline",
            "status",
            "evidence_note",
            "evidence",
            "done_on",
        ]
        read_only_fields = ["point", "done_on"]


class RiskPointSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    node_name = serializers.CharField(source="node.name")
    post_name = serializers.CharField(source="post.name", default=None)
    category_name = serializers.CharField(source="category.name")

    class Meta:
        model = RiskPoint
        fields = [
            "id",
            "scope",
            "unit",
            "unit_name",
            "node",
            "node_name",
            "post",
            "post_name",
            "category",
            "category_name",
            "kind",
            "description",
            "manifestation",
            "power",
            "step_key",
            "source",
            "likelihood",
            "consequence",
            "suggested_grade",
            "grade",
            "grade_reason",
            "status",
            "created_at",
            "updated_at",
        ]


class RiskPointDetailSerializer(RiskPointSerializer):
    reviews = ReviewSerializer(many=True)
    measures = MeasureSerializer(many=True)

    class Meta(RiskPointSerializer.Meta):
        fields = [*RiskPointSerializer.Meta.fields, "reviews", "measures"]


class RiskWriteSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=RiskCategory.objects.filter(is_active=True))
    kind = serializers.ChoiceField(choices=RiskKind.choices)
    description = serializers.CharField()
    manifestation = serializers.CharField(required=False, allow_blank=True, default="")
    power = serializers.PrimaryKeyRelatedField(queryset=Power.objects.all(), allow_null=True, required=False)
    step_key = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=Source.choices)
    likelihood = serializers.ChoiceField(choices=Likelihood.choices)
    consequence = serializers.ChoiceField(choices=Consequence.choices)
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True, required=False, default=None)
    grade_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RiskCreateSerializer(RiskWriteSerializer):
    scope = serializers.ChoiceField(choices=RiskScope.choices)
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.select_related("department"), required=False)
    department = serializers.PrimaryKeyRelatedField(
        queryset=OrgNode.objects.filter(kind=NodeKind.DEPARTMENT), required=False
    )
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.filter(kind=NodeKind.UNIT), required=False)


class DecisionSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=approval.Decision.CHOICES)
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    grade = serializers.ChoiceField(choices=Grade.choices, allow_null=True, required=False, default=None)
    grade_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class MeasureCreateSerializer(serializers.Serializer):
    type = serializers.PrimaryKeyRelatedField(queryset=MeasureType.objects.filter(is_active=True))
    description = serializers.CharField()
    check_method = serializers.CharField(max_length=300)
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all())
    deadline = serializers.DateField()


class MeasureUpdateSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=MeasureStatus.choices, required=False)
    evidence_note = serializers.CharField(max_length=300, required=False, allow_blank=True)
    evidence = serializers.FileField(required=False)
    type = serializers.PrimaryKeyRelatedField(queryset=MeasureType.objects.filter(is_active=True), required=False)
    description = serializers.CharField(required=False)
    check_method = serializers.CharField(max_length=300, required=False)
    owner = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False)
    deadline = serializers.DateField(required=False)


FILTERS = [
    OpenApiParameter("under", int, description="org node id: its whole subtree"),
    OpenApiParameter("q", str),
    OpenApiParameter("grade", int),
    OpenApiParameter("category", int),
    OpenApiParameter("kind", str),
    OpenApiParameter("status", str),
]


class RiskPointViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Risk points in the caller's scope. POST records one (a draft); PATCH changes a draft
    or returned one; `submit`, `decide` (the pending stage) and `reopen` move it along the
    approval route; `measures` lists or adds its prevention measures."""

    permission_classes = [IsAuthenticated]

    def get_serializer_class(self):
        return RiskPointSerializer if self.action == "list" else RiskPointDetailSerializer

    def get_queryset(self):
        p = self.request.query_params
        under_id = int_param(p.get("under"))
        under = OrgNode.objects.filter(pk=under_id).first() if under_id else None
        qs = selectors.risk_list(
            user=self.request.user,
            under=under,
            text=p.get("q", "").strip(),
            grade=int_param(p.get("grade")),
            category=int_param(p.get("category")),
            kind=p.get("kind", ""),
            status=p.get("status", ""),
        )
        if self.action != "list":
            qs = qs.prefetch_related("reviews__at_node", "measures__type", "measures__owner")
        return qs

    def _detail(self, point, code=status.HTTP_200_OK) -> Response:
        return Response(RiskPointDetailSerializer(self.get_queryset().get(pk=point.pk)).data, status=code)

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RiskCreateSerializer, responses={201: RiskPointDetailSerializer})
    def create(self, request):
        body = RiskCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        point = call_service(services.risk_create, user=request.user, **body.validated_data)
        return self._detail(point, status.HTTP_201_CREATED)

    @extend_schema(request=RiskWriteSerializer, responses=RiskPointDetailSerializer)
    def partial_update(self, request, pk=None):
        point = self.get_object()
        body = RiskWriteSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        grade, reason = data.pop("grade", point.grade), data.pop("grade_reason", point.grade_reason)
        call_service(services.risk_update, user=request.user, point=point, grade=grade, grade_reason=reason, **data)
        return self._detail(point)

    @extend_schema(request=None, responses=RiskPointDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._detail(call_service(approval.risk_submit, user=request.user, point=self.get_object()))

    @extend_schema(request=DecisionSerializer, responses=RiskPointDetailSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        point = self.get_object()
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        review = approval.current_review(point)
        if review is None:
            raise DRFValidationError({"non_field_errors": [_("This risk point is not under review.")]})
        call_service(approval.review_decide, user=request.user, review=review, **body.validated_data)
        return self._detail(point)

    @extend_schema(request=ReasonSerializer, responses=RiskPointDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        body = ReasonSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        point = call_service(approval.risk_reopen, user=request.user, point=self.get_object(), **body.validated_data)
        return self._detail(point)

    @extend_schema(methods=["GET"], operation_id="v1_risks_point_measures_list", responses=MeasureSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        operation_id="v1_risks_point_measures_create",
        request=MeasureCreateSerializer,
        responses={201: MeasureSerializer},
    )
    @action(detail=True, methods=["get", "post"], url_path="measures", url_name="point-measures")
    def point_measures(self, request, pk=None):
        point = self.get_object()
        if request.method == "GET":
            return Response(MeasureSerializer(point.measures.select_related("type", "owner"), many=True).data)
        body = MeasureCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        measure = call_service(services.measure_create, user=request.user, point=point, **body.validated_data)
        return Response(MeasureSerializer(measure).data, status=status.HTTP_201_CREATED)


class ReviewQueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The stages awaiting the caller's decision (their approval queue)."""

    permission_classes = [IsAuthenticated]
    serializer_class = ReviewSerializer

    def get_queryset(self):
        return selectors.review_queue(self.request.user)


class MeasureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Prevention measures in the caller's scope (`mine=1`: the caller's own; `overdue=1`).
    PATCH reports progress (the owner) or changes the measure (the point's recorders);
    evidence is uploaded as multipart form data."""

    permission_classes = [IsAuthenticated]
    serializer_class = MeasureSerializer
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        p = self.request.query_params
        if p.get("mine") == "1":
            return selectors.my_measures(self.request.user, overdue_only=p.get("overdue") == "1")
        return scope_queryset(self.request.user, "risk.view", Measure.objects.select_related("type", "owner"))

    def get_object(self):
        measure = get_object_or_404(
            Measure.objects.select_related("point__node", "point__post", "owner"), pk=self.kwargs["pk"]
        )
        if measure.owner.user_id != self.request.user.pk and not has_perm(self.request.user, "risk.view", measure):
            self.permission_denied(self.request)
        return measure

    @extend_schema(request=MeasureUpdateSerializer, responses=MeasureSerializer)
    def partial_update(self, request, pk=None):
        measure = self.get_object()
        body = MeasureUpdateSerializer(data=request.data, partial=True)
        body.is_valid(raise_exception=True)
        measure = call_service(services.measure_update, user=request.user, measure=measure, **body.validated_data)
        return Response(MeasureSerializer(measure).data)


def register(router) -> None:
    router.register("risks/reviews", ReviewQueueViewSet, basename="risk-review")
    router.register("risks/measures", MeasureViewSet, basename="risk-measure")
    router.register("risks", RiskPointViewSet, basename="risk")
