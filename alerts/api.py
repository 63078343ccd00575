"""/api/v1/ for the warnings area: the same selectors, services and checks as the pages."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from alerts import selectors, services
from alerts.models import (
    Disposal,
    InfoKind,
    InfoSource,
    Petition,
    PetitionChannel,
    PetitionKind,
    RiskInfo,
    RiskWarning,
    TargetKind,
    WarningReply,
)
from core.api import call_service
from core.params import int_param
from org.models import NodeKind, OrgNode, Person, Post
from org.permissions import require, user_perms
from risks.models import RiskPoint


class ReplySerializer(serializers.ModelSerializer):
    class Meta:
        model = WarningReply
        fields = ["id", "cause_analysis", "measures", "submitted_by", "submitted_at", "decision", "decision_note"]


class WarningSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name")
    node_name = serializers.CharField(source="node.name")

    class Meta:
        model = RiskWarning
        fields = [
            "id",
            "number",
            "level",
            "target_kind",
            "unit",
            "unit_name",
            "node",
            "node_name",
            "post",
            "person",
            "title",
            "facts",
            "disposals",
            "issued_on",
            "reply_due",
            "status",
            "closed_on",
        ]


class WarningDetailSerializer(WarningSerializer):
    replies = ReplySerializer(many=True)
    risk_points = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta(WarningSerializer.Meta):
        fields = [*WarningSerializer.Meta.fields, "issuer_role", "issuer_node", "close_note", "risk_points", "replies"]


class IssueSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=[1, 2, 3])
    target_kind = serializers.ChoiceField(choices=TargetKind.choices)
    unit = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.filter(kind=NodeKind.UNIT), required=False)
    department = serializers.PrimaryKeyRelatedField(
        queryset=OrgNode.objects.filter(kind=NodeKind.DEPARTMENT), required=False
    )
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.select_related("department"), required=False)
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), required=False)
    title = serializers.CharField(max_length=200)
    facts = serializers.CharField()
    disposals = serializers.ListField(child=serializers.ChoiceField(choices=Disposal.choices), allow_empty=False)
    reply_days = serializers.IntegerField(min_value=1, max_value=60, required=False, allow_null=True, default=None)
    risk_points = serializers.PrimaryKeyRelatedField(
        queryset=RiskPoint.objects.all(), many=True, required=False, default=list
    )


class ReplyWriteSerializer(serializers.Serializer):
    cause_analysis = serializers.CharField()
    measures = serializers.CharField()
    attachment = serializers.FileField(required=False, allow_null=True, default=None)


class ReplyReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField()


class WarningViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Warnings in the caller's scope (`mine=1`: those the caller must answer). POST issues
    one within the caller's authority; `reply`, `review` (the pending reply) and `close`
    move it on."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return WarningSerializer if self.action == "list" else WarningDetailSerializer

    def get_queryset(self):
        p = self.request.query_params
        if self.action != "list":
            return RiskWarning.objects.select_related("unit", "node", "post", "person")
        if p.get("mine") == "1":
            return selectors.my_warnings(self.request.user)
        if "alert.view" not in user_perms(self.request.user):
            return RiskWarning.objects.none()
        under_id = int_param(p.get("under"))
        return selectors.warning_list(
            user=self.request.user,
            under=OrgNode.objects.filter(pk=under_id).first() if under_id else None,
            level=int_param(p.get("level")),
            status=p.get("status", ""),
            overdue=p.get("overdue") == "1",
        )

    def get_object(self):
        """Those who may not see a warning are told it does not exist."""
        warning = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not selectors.may_see_warning(self.request.user, warning):
            raise Http404
        return warning

    def _detail(self, warning, code=status.HTTP_200_OK) -> Response:
        return Response(WarningDetailSerializer(RiskWarning.objects.get(pk=warning.pk)).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("mine", int),
            OpenApiParameter("under", int),
            OpenApiParameter("level", int),
            OpenApiParameter("status", str),
            OpenApiParameter("overdue", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=IssueSerializer, responses={201: WarningDetailSerializer})
    def create(self, request):
        body = IssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = {k: v for k, v in body.validated_data.items() if v is not None or k == "reply_days"}
        warning = call_service(services.warning_issue, user=request.user, **data)
        return self._detail(warning, status.HTTP_201_CREATED)

    @extend_schema(request=ReplyWriteSerializer, responses=WarningDetailSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        body = ReplyWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        warning = self.get_object()
        call_service(services.warning_reply, user=request.user, warning=warning, **body.validated_data)
        return self._detail(warning)

    @extend_schema(request=ReplyReviewSerializer, responses=WarningDetailSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        body = ReplyReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        warning = self.get_object()
        reply = warning.replies.filter(decision="pending").first()
        if reply is None:
            raise serializers.ValidationError({"non_field_errors": ["No reply is waiting for review."]})
        call_service(services.reply_review, user=request.user, reply=reply, **body.validated_data)
        return self._detail(warning)

    @extend_schema(request=NoteSerializer, responses=WarningDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        body = NoteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        warning = self.get_object()
        call_service(services.warning_close, user=request.user, warning=warning, note=body.validated_data["note"])
        return self._detail(warning)


class InfoSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskInfo
        fields = [
            "id",
            "kind",
            "source",
            "title",
            "content",
            "node",
            "unit",
            "trigger_date",
            "entry_deadline",
            "entered_on",
            "is_late",
            "collection_point",
        ]


class InfoWriteSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=InfoKind.choices)
    source = serializers.ChoiceField(choices=InfoSource.choices)
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    node = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.all())
    trigger_date = serializers.DateField()


class InfoViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The risk-information archive in the caller's scope; POST enters information."""

    permission_classes = [IsAuthenticated]
    serializer_class = InfoSerializer

    def get_queryset(self):
        p = self.request.query_params
        return selectors.info_list(
            user=self.request.user, kind=p.get("kind", ""), text=p.get("q", ""), late=p.get("late") == "1"
        )

    @extend_schema(request=InfoWriteSerializer, responses={201: InfoSerializer})
    def create(self, request):
        body = InfoWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        info = call_service(services.info_record, user=request.user, **body.validated_data)
        return Response(InfoSerializer(info).data, status=status.HTTP_201_CREATED)


class PetitionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Petition
        fields = [
            "id",
            "channel",
            "kind",
            "node",
            "subject",
            "content",
            "is_anonymous",
            "reporter_name",
            "reporter_contact",
            "received_on",
            "due_on",
            "status",
            "assignee",
            "findings",
            "reply",
            "replied_on",
        ]


class PetitionWriteSerializer(serializers.Serializer):
    channel = serializers.ChoiceField(choices=PetitionChannel.choices)
    kind = serializers.ChoiceField(choices=PetitionKind.choices)
    node = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.all())
    subject = serializers.CharField(max_length=200)
    content = serializers.CharField()
    received_on = serializers.DateField()
    is_anonymous = serializers.BooleanField(default=False)
    reporter_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    reporter_contact = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class AnswerSerializer(serializers.Serializer):
    findings = serializers.CharField(required=False, allow_blank=True, default="")
    reply = serializers.CharField()


class PetitionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Petitions and reports for those who handle them; POST registers one; `answer`."""

    permission_classes = [IsAuthenticated]
    serializer_class = PetitionSerializer

    def get_queryset(self):
        p = self.request.query_params
        return selectors.petition_list(user=self.request.user, status=p.get("status", ""))

    @extend_schema(request=PetitionWriteSerializer, responses={201: PetitionSerializer})
    def create(self, request):
        body = PetitionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        petition = call_service(services.petition_register, user=request.user, **body.validated_data)
        return Response(PetitionSerializer(petition).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=AnswerSerializer, responses=PetitionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        body = AnswerSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        petition = self.get_object()
        require(request.user, "petition.manage", petition)
        petition = call_service(services.petition_answer, user=request.user, petition=petition, **body.validated_data)
        return Response(PetitionSerializer(petition).data)


def register(router) -> None:
    router.register("alerts/warnings", WarningViewSet, basename="warning")
    router.register("alerts/info", InfoViewSet, basename="risk-info")
    router.register("alerts/petitions", PetitionViewSet, basename="petition")
