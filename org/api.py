"""/api/v1/ for the organisation: the same scope and services as the pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import call_service
from org import selectors, services
from org.models import OrgNode, Person, Post, PostHolding, RoleAssignment
from org.permissions import ScopedPermission, ScopedViewMixin


class OrgNodeSerializer(serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=OrgNode.objects.all(), write_only=True, required=False, allow_null=True
    )
    parent_id = serializers.SerializerMethodField()

    class Meta:
        model = OrgNode
        fields = [
            "id",
            "name",
            "kind",
            "code",
            "description",
            "is_active",
            "cross_supervision",
            "depth",
            "path",
            "numchild",
            "parent",
            "parent_id",
        ]
        read_only_fields = ["depth", "path", "numchild"]

    def get_parent_id(self, obj) -> int | None:
        if obj.depth <= 1:
            return None
        parent = OrgNode.objects.only("id").filter(path=obj.path[: -OrgNode.steplen]).first()
        return parent.id if parent else None


class OrgNodeListSerializer(OrgNodeSerializer):
    """Lists leave out parent_id (it would cost a query per row)."""

    class Meta(OrgNodeSerializer.Meta):
        fields = [f for f in OrgNodeSerializer.Meta.fields if f != "parent_id"]


class MoveSerializer(serializers.Serializer):
    new_parent = serializers.PrimaryKeyRelatedField(queryset=OrgNode.objects.all())
    reason = serializers.CharField(required=False, allow_blank=True, max_length=200)


class HolderSerializer(serializers.ModelSerializer):
    person_name = serializers.CharField(source="person.name")

    class Meta:
        model = PostHolding
        fields = ["id", "person", "person_name", "start_date"]


class PostSerializer(serializers.ModelSerializer):
    current_holders = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = [
            "id",
            "department",
            "name",
            "code",
            "rank",
            "is_key_post",
            "max_holders",
            "duties",
            "is_active",
            "current_holders",
        ]

    @extend_schema_field(HolderSerializer(many=True))
    def get_current_holders(self, obj) -> list:
        # Lists prefetch `current_holdings` (one query for the page); a single post asks.
        holdings = getattr(obj, "current_holdings", None)
        if holdings is None:
            holdings = obj.holdings.current().select_related("person")
        return HolderSerializer(holdings, many=True).data


class PersonSerializer(serializers.ModelSerializer):
    username = serializers.CharField(source="user.username", read_only=True, default=None)

    class Meta:
        model = Person
        fields = ["id", "name", "gender", "unit", "title", "phone", "email", "is_active", "username"]


class PostHoldingSerializer(serializers.ModelSerializer):
    end_current = serializers.BooleanField(write_only=True, required=False, default=False)

    class Meta:
        model = PostHolding
        fields = ["id", "person", "post", "start_date", "end_date", "note", "end_current"]
        read_only_fields = ["end_date"]


class HoldingEndSerializer(serializers.Serializer):
    end_date = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=200)


class RoleAssignmentSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.filter(is_active=True))
    departments = serializers.PrimaryKeyRelatedField(many=True, queryset=OrgNode.objects.all(), required=False)

    class Meta:
        model = RoleAssignment
        fields = ["id", "user", "role", "node", "include_descendants", "departments", "note", "created_at"]
        read_only_fields = ["created_at"]


class ScopedViewSet(ScopedViewMixin, viewsets.GenericViewSet):
    permission_classes = [ScopedPermission]

    def base_queryset(self):
        raise NotImplementedError

    def get_queryset(self):
        return self.scoped(self.base_queryset())


class OrgNodeViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet
):
    """Units, areas and departments. Filters: `parent`, `kind`, `q`."""

    serializer_class = OrgNodeSerializer

    def get_serializer_class(self):
        return OrgNodeListSerializer if self.action == "list" else OrgNodeSerializer

    def base_queryset(self):
        qs = OrgNode.objects.all()
        params = self.request.query_params
        if params.get("parent", "").isdigit():
            parent = OrgNode.objects.filter(pk=params["parent"]).first()
            qs = qs.filter(path__startswith=parent.path, depth=parent.depth + 1) if parent else qs.none()
        if params.get("kind"):
            qs = qs.filter(kind=params["kind"])
        if params.get("q"):
            qs = qs.filter(name__icontains=params["q"])
        return qs

    @extend_schema(
        parameters=[OpenApiParameter("parent", int), OpenApiParameter("kind", str), OpenApiParameter("q", str)]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        parent = data.pop("parent", None)
        serializer.instance = call_service(services.node_create, user=self.request.user, parent=parent, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("parent", None)
        serializer.instance = call_service(
            services.node_update, user=self.request.user, node=serializer.instance, **data
        )

    @extend_schema(request=MoveSerializer, responses=OrgNodeSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        node = self.get_object()
        body = MoveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        node = call_service(services.node_move, user=request.user, node=node, **body.validated_data)
        return Response(OrgNodeSerializer(node).data)


class PostViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet
):
    """Posts. Filters: `under` (node id, whole subtree), `q`, `key`, `vacant`, `rank`."""

    serializer_class = PostSerializer

    def base_queryset(self):
        p = self.request.query_params
        under = OrgNode.objects.filter(pk=p["under"]).first() if p.get("under", "").isdigit() else None
        if p.get("under") and under is None:
            return Post.objects.none()
        return selectors.post_list(
            user=self.request.user,
            under=under,
            text=p.get("q", ""),
            key_only=p.get("key") in ("1", "true"),
            vacant_only=p.get("vacant") in ("1", "true"),
            rank=int(p["rank"]) if p.get("rank", "").isdigit() else None,
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(services.post_create, user=self.request.user, **data)

    def perform_update(self, serializer):
        serializer.instance = call_service(
            services.post_update, user=self.request.user, post=serializer.instance, **serializer.validated_data
        )


class PersonViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedViewSet
):
    """Cadres. Filters: `under`, `q`."""

    serializer_class = PersonSerializer

    def base_queryset(self):
        p = self.request.query_params
        under = OrgNode.objects.filter(pk=p["under"]).first() if p.get("under", "").isdigit() else None
        return selectors.person_list(user=self.request.user, under=under, text=p.get("q", ""))

    def perform_create(self, serializer):
        serializer.instance = call_service(services.person_create, user=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = call_service(
            services.person_update, user=self.request.user, person=serializer.instance, **serializer.validated_data
        )


class PostHoldingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    """Who held which post when. Filters: `post`, `person`, `on` (YYYY-MM-DD)."""

    serializer_class = PostHoldingSerializer

    def base_queryset(self):
        qs = PostHolding.objects.all()
        p = self.request.query_params
        if p.get("post", "").isdigit():
            qs = qs.filter(post_id=p["post"])
        if p.get("person", "").isdigit():
            qs = qs.filter(person_id=p["person"])
        if p.get("on"):
            on = serializers.DateField().run_validation(p["on"])
            qs = qs.on(on)
        return qs

    def perform_create(self, serializer):
        serializer.instance = call_service(services.holding_start, user=self.request.user, **serializer.validated_data)

    @extend_schema(request=HoldingEndSerializer, responses=PostHoldingSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        holding = self.get_object()
        body = HoldingEndSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        holding = call_service(services.holding_end, user=request.user, holding=holding, **body.validated_data)
        return Response(PostHoldingSerializer(holding).data)


class RoleAssignmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, ScopedViewSet
):
    """Role assignments. DELETE needs `reason` (query parameter or body)."""

    serializer_class = RoleAssignmentSerializer
    scope_perm_write = "org.assign_roles"

    def base_queryset(self):
        return RoleAssignment.objects.select_related("user", "node").prefetch_related("departments")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = call_service(
            services.role_assign,
            user=self.request.user,
            target_user=data.pop("user"),
            role=data["role"],
            node=data["node"],
            include_descendants=data.get("include_descendants", False),
            departments=data.get("departments", []),
            note=data.get("note", ""),
        )

    @extend_schema(parameters=[OpenApiParameter("reason", str, required=True)])
    def destroy(self, request, *args, **kwargs):
        assignment = self.get_object()
        reason = request.query_params.get("reason") or request.data.get("reason", "")
        call_service(services.role_revoke, user=request.user, assignment=assignment, reason=reason)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router) -> None:
    router.register("org/nodes", OrgNodeViewSet, basename="orgnode")
    router.register("org/posts", PostViewSet, basename="post")
    router.register("org/people", PersonViewSet, basename="person")
    router.register("org/holdings", PostHoldingViewSet, basename="postholding")
    router.register("org/roles", RoleAssignmentViewSet, basename="roleassignment")
