"""/api/v1/ for the power inventory: scoped for staff, published-only for the public."""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.permissions import AllowAny

from org.api import ScopedViewSet
from org.models import OrgNode
from powers import selectors
from powers.models import LegalBasis, PowerVersion, ProcessStep


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


FILTERS = [
    OpenApiParameter("under", int, description="org node id: its whole subtree"),
    OpenApiParameter("q", str),
    OpenApiParameter("type", int),
    OpenApiParameter("class", int),
]


def _filters(request) -> dict:
    p = request.query_params
    digit = lambda name: int(p[name]) if p.get(name, "").isdigit() else None  # noqa: E731
    under = OrgNode.objects.filter(pk=digit("under")).first() if digit("under") else None
    return {"under": under, "text": p.get("q", "").strip(), "power_type": digit("type"), "power_class": digit("class")}


def _detail_queryset(qs):
    steps = ProcessStep.objects.select_related("post").prefetch_related("next_steps")
    return qs.prefetch_related("legal_bases", "posts", Prefetch("steps", queryset=steps))


class PowerViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """The inventory in the caller's scope (drafts included); `status` filters."""

    scope_perm_read = "power.view"
    scope_perm_write = "power.manage"

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
