"""/api/v1/ for the power inventory: scoped for staff, published-only for the public."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core.api import call_service
from core.params import int_param
from org.api import ScopedViewSet
from org.models import NodeKind, OrgNode, Post
from powers import selectors, services
from powers.models import LegalBasis, PowerClass, PowerType, PowerVersion, ProcessStep
from powers.services import BasisInput, StepInput


class LegalBasisSerializer(serializers.ModelSerializer):
    class Meta:
        model = LegalBasis
        fields = ["law", "articles"]


class StepSerializer(serializers.ModelSerializer):
    post_name = serializers.CharField(source="post.name", default=None)
    next_keys = serializers.SerializerMethodField()

    class Meta:
        model = ProcessStep
        fields = ["key", "name", "post", "post_name", "time_limit_days", "checks", "next_keys"]

    def get_next_keys(self, obj) -> list[str]:
        return [n.key for n in obj.next_steps.all()]


class VersionSerializer(serializers.ModelSerializer):
    code = serializers.CharField(source="power.code")
    unit = serializers.IntegerField(source="power.unit_id")
    unit_name = serializers.CharField(source="power.unit.name")
    power_type = serializers.CharField(source="power_type.name")
    department_name = serializers.CharField(source="department.name")

    class Meta:
        model = PowerVersion
        fields = [
            "id",
            "code",
            "unit",
            "unit_name",
            "name",
            "number",
            "status",
            "power_type",
            "power_class",
            "department",
            "department_name",
            "time_limit_days",
            "time_limit_note",
            "fees",
            "published_at",
            "ended_at",
        ]


class VersionDetailSerializer(VersionSerializer):
    legal_bases = LegalBasisSerializer(many=True)
    steps = StepSerializer(many=True)
    posts = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")

    class Meta(VersionSerializer.Meta):
        fields = [*VersionSerializer.Meta.fields, "posts", "legal_bases", "steps"]


class BasisWriteSerializer(serializers.Serializer):
    law = serializers.CharField(max_length=200)
    articles = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StepWriteSerializer(serializers.Serializer):
    key = serializers.CharField(max_length=10)
    name = serializers.CharField(max_length=100)
    post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.select_related("department"), allow_null=True, required=False, default=None
    )
    time_limit_days = serializers.IntegerField(
        min_value=0, max_value=3650, allow_null=True, required=False, default=None
    )
    checks = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    next_keys = serializers.ListField(child=serializers.CharField(max_length=10), required=False, default=list)


class PowerWriteSerializer(serializers.Serializer):
    """A draft's whole content: a PUT replaces it, as the page's Save does."""

    unit = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.filter(kind=NodeKind.UNIT), required=False)
    code = serializers.CharField(max_length=40, required=False)
    name = serializers.CharField(max_length=200)
    power_type = serializers.PrimaryKeyRelatedField(queryset=PowerType.objects.filter(is_active=True))
    power_class = serializers.ChoiceField(choices=PowerClass.choices)
    department = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.filter(kind=NodeKind.DEPARTMENT))
    posts = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.select_related("department"), many=True, required=False, default=list
    )
    time_limit_days = serializers.IntegerField(
        min_value=0, max_value=3650, allow_null=True, required=False, default=None
    )
    time_limit_note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    fees = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    legal_bases = BasisWriteSerializer(many=True, required=False, default=list)
    steps = StepWriteSerializer(many=True, required=False, default=list)

    def service_kwargs(self) -> dict:
        data = dict(self.validated_data)
        data.pop("unit", None)
        data.pop("code", None)
        data["legal_bases"] = [BasisInput(**b) for b in data["legal_bases"]]
        data["steps"] = [StepInput(**st) for st in data["steps"]]
        return data


class RetireSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


FILTERS = [
    OpenApiParameter("under", int, description="org node id: its whole subtree"),
    OpenApiParameter("q", str),
    OpenApiParameter("type", int),
    OpenApiParameter("class", int),
]


def _filters(request) -> dict:
    p = request.query_params
    under_id = int_param(p.get("under"))
    under = OrgNode.objects.filter(pk=under_id).first() if under_id else None
    return {
        "under": under,
        "text": p.get("q", "").strip(),
        "power_type": int_param(p.get("type")),
        "power_class": int_param(p.get("class")),
    }


def _detail_queryset(qs):
    steps = ProcessStep.objects.select_related("post").prefetch_related("next_steps")
    return qs.prefetch_related("legal_bases", "posts", Prefetch("steps", queryset=steps))


class PowerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The inventory in the caller's scope (drafts included); `status` filters.

    POST creates a power with its first draft (`unit` and `code` required); PUT replaces a
    draft's content; `publish`, `revise` and `retire` move versions on. Every write goes
    through the same services (and checks) as the pages.
    """

    scope_perm_read = "power.view"
    scope_perm_write = "power.manage"

    def _detail(self, version) -> Response:
        return Response(VersionDetailSerializer(_detail_queryset(PowerVersion.objects).get(pk=version.pk)).data)

    @extend_schema(request=PowerWriteSerializer, responses={201: VersionDetailSerializer})
    def create(self, request):
        body = PowerWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        missing = {f: [_("This field is required.")] for f in ("unit", "code") if f not in body.validated_data}
        if missing:
            raise DRFValidationError(missing)
        version = call_service(
            services.power_create,
            user=request.user,
            unit=body.validated_data["unit"],
            code=body.validated_data["code"],
            **body.service_kwargs(),
        )
        response = self._detail(version)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=PowerWriteSerializer, responses=VersionDetailSerializer)
    def update(self, request, pk=None):
        version = self.get_object()
        body = PowerWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = call_service(services.draft_update, user=request.user, version=version, **body.service_kwargs())
        return self._detail(version)

    @extend_schema(request=None, responses=VersionDetailSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._detail(call_service(services.draft_publish, user=request.user, version=self.get_object()))

    @extend_schema(request=None, responses=VersionDetailSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        return self._detail(call_service(services.power_revise, user=request.user, power=self.get_object().power))

    @extend_schema(request=RetireSerializer, responses=VersionDetailSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        body = RetireSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        version = call_service(
            services.power_retire,
            user=request.user,
            power=self.get_object().power,
            reason=body.validated_data["reason"],
        )
        return self._detail(version)

    def get_serializer_class(self):
        return VersionSerializer if self.action == "list" else VersionDetailSerializer

    def get_queryset(self):
        qs = selectors.version_list(
            user=self.request.user, status=self.request.query_params.get("status", ""), **_filters(self.request)
        )
        return qs if self.action == "list" else _detail_queryset(qs)

    @extend_schema(parameters=[*FILTERS, OpenApiParameter("status", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


class PublicPowerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Published powers for e-gov portals: no login, nothing unpublished."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get_serializer_class(self):
        return VersionSerializer if self.action == "list" else VersionDetailSerializer

    def get_queryset(self):
        qs = selectors.public_list(**_filters(self.request))
        return qs if self.action == "list" else _detail_queryset(qs)

    @extend_schema(parameters=FILTERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


def register(router) -> None:
    router.register("powers", PowerViewSet, basename="power")
    router.register("public/powers", PublicPowerViewSet, basename="public-power")
