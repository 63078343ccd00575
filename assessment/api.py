"""/api/v1/ for the assessment area: the same selectors, services and checks as the pages.
Services' errors come back as 400 with field errors (core.api.call_service)."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from assessment import selectors, services
from assessment.models import (
    Checkpoint,
    Commitment,
    CommitmentStatus,
    CycleUnit,
    EducationSession,
    Evaluation,
    SelfInspection,
    Stage,
    Talk,
)
from assessment.serializers import (
    ActDecisionSerializer,
    AdvanceSerializer,
    BallotSerializer,
    CommitmentDecideSerializer,
    CommitmentRateSerializer,
    CommitmentReportSerializer,
    CommitmentSerializer,
    CommitmentWriteSerializer,
    CycleOpenSerializer,
    CycleSerializer,
    CycleUnitDetailSerializer,
    CycleUnitSerializer,
    EducationSerializer,
    EducationWriteSerializer,
    EvaluationDetailSerializer,
    EvaluationSerializer,
    EvaluationWriteSerializer,
    IndicatorSerializer,
    IndicatorsWriteSerializer,
    InspectionReviewSerializer,
    InspectionSerializer,
    InspectionStartSerializer,
    InspectionWriteSerializer,
    MarkSerializer,
    ProposalSerializer,
    RectifiedSerializer,
    RulesSerializer,
    ScoredSerializer,
    SpotCheckSerializer,
    SpotCheckWriteSerializer,
    TalkSerializer,
    TalkWriteSerializer,
    TokenIssueSerializer,
)
from core.api import call_service
from core.paging import KeysetPagination
from core.params import int_param
from org.models import OrgNode
from org.permissions import require, scope_queryset, user_perms

# --- cycles and units ------------------------------------------------------------------------------


class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Cycles over an area in the caller's scope (or with a unit in it). POST opens one (the
    district); `ranking`, `score` (recompute) and `indicators` (the scheme)."""

    permission_classes = [IsAuthenticated]
    serializer_class = CycleSerializer

    def get_queryset(self):
        return selectors.cycle_list(user=self.request.user).prefetch_related("checkpoints")

    @extend_schema(request=CycleOpenSerializer, responses={201: CycleSerializer})
    def create(self, request):
        body = CycleOpenSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        if data.get("units") is None:
            data.pop("units", None)
        cycle = call_service(services.cycle_open, user=request.user, **data)
        return Response(CycleSerializer(cycle).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=CycleUnitSerializer(many=True))
    @action(detail=True, methods=["get"])
    def ranking(self, request, pk=None):
        cycle = self.get_object()
        rows = selectors.ranking(user=request.user, cycle=cycle).filter(score_rank__isnull=False)
        paginator = KeysetPagination()
        paginator.ordering = ("score_rank", "id")
        page = paginator.paginate_queryset(rows, request, view=self)
        return paginator.get_paginated_response(CycleUnitSerializer(page, many=True).data)

    @extend_schema(request=None, responses=ScoredSerializer)
    @action(detail=True, methods=["post"])
    def score(self, request, pk=None):
        cycle = self.get_object()
        n = call_service(services.scores_compute, user=request.user, cycle=cycle)
        return Response({"scored": n})

    @extend_schema(request=IndicatorsWriteSerializer, responses=IndicatorSerializer(many=True))
    @action(detail=True, methods=["get", "post"])
    def indicators(self, request, pk=None):
        cycle = self.get_object()
        if request.method == "POST":
            body = IndicatorsWriteSerializer(data=request.data)
            body.is_valid(raise_exception=True)
            weights = {int(k): v for k, v in body.validated_data["weights"].items() if str(k).isdigit()}
            call_service(
                services.indicators_configure,
                user=request.user,
                cycle=cycle,
                weights=weights,
                new_manual=body.validated_data["new_manual"],
            )
        return Response(IndicatorSerializer(cycle.indicators.all(), many=True).data)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


class CycleUnitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Units in cycles, in the caller's scope (`cycle=`, `stage=`), with what blocks each
    one's next stage; `advance`, `rules`, `decisions` (Act) and `marks` (assessors)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_serializer_class(self):
        return CycleUnitSerializer if self.action == "list" else CycleUnitDetailSerializer

    def get_queryset(self):
        qs = CycleUnit.objects.select_related("unit", "cycle", "previous")
        p = self.request.query_params
        if int_param(p.get("cycle")):
            qs = qs.filter(cycle_id=int_param(p.get("cycle")))
        if p.get("stage") in Stage.values:
            qs = qs.filter(stage=p["stage"])
        return scope_queryset(self.request.user, "assessment.view", qs)

    @extend_schema(parameters=[OpenApiParameter("cycle", int), OpenApiParameter("stage", str)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def _detail(self, cu, code=status.HTTP_200_OK) -> Response:
        return Response(CycleUnitDetailSerializer(self.get_queryset().get(pk=cu.pk)).data, status=code)

    @extend_schema(request=AdvanceSerializer, responses=CycleUnitDetailSerializer)
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        body = AdvanceSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cu = self.get_object()
        data = body.validated_data
        call_service(
            services.stage_advance, user=request.user, cycle_unit=cu, to_stage=data["stage"], note=data["note"]
        )
        return self._detail(cu)

    @extend_schema(request=RulesSerializer, responses=CycleUnitDetailSerializer)
    @action(detail=True, methods=["post"])
    def rules(self, request, pk=None):
        body = RulesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cu = self.get_object()
        call_service(services.rules_file, user=request.user, cycle_unit=cu, **body.validated_data)
        return self._detail(cu)

    @extend_schema(request=ActDecisionSerializer, responses=CycleUnitDetailSerializer)
    @action(detail=True, methods=["post"])
    def decisions(self, request, pk=None):
        body = ActDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cu = self.get_object()
        call_service(services.act_decide, user=request.user, cycle_unit=cu, **body.validated_data)
        return self._detail(cu, status.HTTP_201_CREATED)

    @extend_schema(request=MarkSerializer, responses=CycleUnitDetailSerializer)
    @action(detail=True, methods=["post"])
    def marks(self, request, pk=None):
        body = MarkSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cu = self.get_object()
        call_service(services.mark_record, user=request.user, cycle_unit=cu, **body.validated_data)
        return self._detail(cu)


# --- commitments -----------------------------------------------------------------------------------


class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Commitments: `mine=1` (the caller's), `to_approve=1` (awaiting the caller's approval;
    `status=reported` for rating), else those in the caller's scope. POST files or changes
    the caller's own (PUT/PATCH too); an approved one is locked (400). `submit`, `decide`,
    `report` (践诺), `rate` (评诺)."""

    permission_classes = [IsAuthenticated]
    serializer_class = CommitmentSerializer

    def get_queryset(self):
        p, user = self.request.query_params, self.request.user
        base = Commitment.objects.select_related("person", "unit", "post", "cycle").prefetch_related("items")
        if self.action != "list":
            return base
        if p.get("mine") == "1":
            return base.filter(person__user=user)
        if p.get("to_approve") == "1":
            wanted = CommitmentStatus.REPORTED if p.get("status") == "reported" else CommitmentStatus.SUBMITTED
            return selectors.commitments_to_approve(user, wanted).prefetch_related("items")
        qs = scope_queryset(user, "assessment.view", base)
        if int_param(p.get("cycle")):
            qs = qs.filter(cycle_id=int_param(p.get("cycle")))
        return qs

    def get_object(self):
        commitment = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not selectors.may_see_commitment(self.request.user, commitment):
            raise Http404
        return commitment

    def _detail(self, commitment, code=status.HTTP_200_OK) -> Response:
        fresh = Commitment.objects.prefetch_related("items").select_related("person").get(pk=commitment.pk)
        return Response(CommitmentSerializer(fresh).data, status=code)

    @extend_schema(
        parameters=[
            OpenApiParameter("mine", int),
            OpenApiParameter("to_approve", int),
            OpenApiParameter("status", str),
            OpenApiParameter("cycle", int),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=CommitmentWriteSerializer, responses={201: CommitmentSerializer})
    def create(self, request):
        body = CommitmentWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        commitment = call_service(services.commitment_save, user=request.user, **body.validated_data)
        return self._detail(commitment, status.HTTP_201_CREATED)

    @extend_schema(request=CommitmentWriteSerializer, responses=CommitmentSerializer)
    def update(self, request, pk=None):
        commitment = self.get_object()
        if commitment.person.user_id != request.user.pk:
            raise Http404
        body = CommitmentWriteSerializer(data={**request.data, "cycle": commitment.cycle_id})
        body.is_valid(raise_exception=True)
        commitment = call_service(services.commitment_save, user=request.user, **body.validated_data)
        return self._detail(commitment)

    partial_update = update

    @extend_schema(request=None, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        commitment = self.get_object()
        call_service(services.commitment_submit, user=request.user, commitment=commitment)
        return self._detail(commitment)

    @extend_schema(request=CommitmentDecideSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        body = CommitmentDecideSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        commitment = self.get_object()
        call_service(services.commitment_decide, user=request.user, commitment=commitment, **body.validated_data)
        return self._detail(commitment)

    @extend_schema(request=CommitmentReportSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        body = CommitmentReportSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        commitment = self.get_object()
        call_service(services.commitment_report, user=request.user, commitment=commitment, **body.validated_data)
        return self._detail(commitment)

    @extend_schema(request=CommitmentRateSerializer, responses=CommitmentSerializer)
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        body = CommitmentRateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        commitment = self.get_object()
        call_service(services.commitment_rate, user=request.user, commitment=commitment, **body.validated_data)
        return self._detail(commitment)


# --- self-inspections ---------------------------------------------------------------------------------


class InspectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Self-inspections in the caller's scope (`to_review=1`: submitted, for the district).
    POST builds the unit's one for a half-year; `answers` records (and with `submit`
    submits, all or nothing); `review` accepts or returns."""

    permission_classes = [IsAuthenticated]
    serializer_class = InspectionSerializer

    def get_queryset(self):
        if self.request.query_params.get("to_review") == "1":
            return selectors.inspections_to_review(self.request.user).prefetch_related("items")
        qs = SelfInspection.objects.select_related("cycle_unit__unit", "checkpoint").prefetch_related("items")
        return scope_queryset(self.request.user, "assessment.view", qs)

    @extend_schema(request=InspectionStartSerializer, responses={201: InspectionSerializer})
    def create(self, request):
        body = InspectionStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        cu = body.validated_data["cycle_unit"]
        require(request.user, "assessment.view", cu)
        checkpoint = get_object_or_404(Checkpoint, cycle=cu.cycle_id, half=body.validated_data["half"])
        inspection = call_service(services.inspection_start, user=request.user, cycle_unit=cu, checkpoint=checkpoint)
        return Response(InspectionSerializer(inspection).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=InspectionWriteSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        body = InspectionWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        inspection = self.get_object()
        answers = {a["id"]: {k: v for k, v in a.items() if k != "id"} for a in data["answers"]}
        report = {k: data[k] for k in ("report_measures", "report_conduct", "report_weaknesses") if k in data}
        call_service(
            services.inspection_save,
            user=request.user,
            inspection=inspection,
            answers=answers,
            report=report,
            submit=data["submit"],
        )
        return Response(InspectionSerializer(self.get_queryset().get(pk=inspection.pk)).data)

    @extend_schema(request=InspectionReviewSerializer, responses=InspectionSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        body = InspectionReviewSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        inspection = self.get_object()
        call_service(services.inspection_review, user=request.user, inspection=inspection, **body.validated_data)
        return Response(InspectionSerializer(self.get_queryset().get(pk=inspection.pk)).data)


# --- the education ledger and talks ------------------------------------------------------------------


def _unit_year(request) -> tuple[OrgNode | None, int | None]:
    unit_id, year = int_param(request.query_params.get("unit")), int_param(request.query_params.get("year"))
    return (OrgNode.objects.filter(pk=unit_id).first() if unit_id else None), year


class EducationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The education ledger in the caller's scope (`unit=`, `year=`); POST enters a session."""

    permission_classes = [IsAuthenticated]
    serializer_class = EducationSerializer

    def get_queryset(self):
        unit, year = _unit_year(self.request)
        qs = EducationSession.objects.prefetch_related("participants")
        if unit is not None:
            qs = qs.filter(unit=unit)
        if year:
            qs = qs.filter(held_on__year=year)
        return scope_queryset(self.request.user, "assessment.view", qs)

    @extend_schema(request=EducationWriteSerializer, responses={201: EducationSerializer})
    def create(self, request):
        body = EducationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        session = call_service(services.education_record, user=request.user, **body.validated_data)
        return Response(EducationSerializer(session).data, status=status.HTTP_201_CREATED)


class TalkViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Talks in the caller's scope and those the caller held (`unit=`, `year=`); POST records one."""

    permission_classes = [IsAuthenticated]
    serializer_class = TalkSerializer

    def get_queryset(self):
        unit, year = _unit_year(self.request)
        qs = Talk.objects.all()
        if unit is not None:
            qs = qs.filter(unit=unit)
        if year:
            qs = qs.filter(held_on__year=year)
        return scope_queryset(self.request.user, "assessment.view", qs) | qs.filter(leader__user=self.request.user)

    @extend_schema(request=TalkWriteSerializer, responses={201: TalkSerializer})
    def create(self, request):
        body = TalkWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        talk = call_service(services.talk_record, user=request.user, **body.validated_data)
        return Response(TalkSerializer(talk).data, status=status.HTTP_201_CREATED)


# --- democratic evaluation ----------------------------------------------------------------------------


class EvaluationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Democratic evaluations in the caller's scope. POST prepares one; `issue` gives every
    participant a token (returns the codes of those without an account, once); `close`
    counts; `proposal` confirms or dismisses the reminder a low satisfaction proposes."""

    permission_classes = [IsAuthenticated]

    def get_serializer_class(self):
        return EvaluationSerializer if self.action == "list" else EvaluationDetailSerializer

    def get_queryset(self):
        return selectors.evaluation_list(user=self.request.user)

    def _detail(self, evaluation, code=status.HTTP_200_OK, **extra) -> Response:
        data = EvaluationDetailSerializer(Evaluation.objects.get(pk=evaluation.pk)).data
        return Response({**data, **extra}, status=code)

    @extend_schema(request=EvaluationWriteSerializer, responses={201: EvaluationDetailSerializer})
    def create(self, request):
        body = EvaluationWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evaluation = call_service(services.evaluation_create, user=request.user, **body.validated_data)
        return self._detail(evaluation, status.HTTP_201_CREATED)

    @extend_schema(request=TokenIssueSerializer, responses=EvaluationDetailSerializer)
    @action(detail=True, methods=["post"])
    def issue(self, request, pk=None):
        body = TokenIssueSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evaluation = self.get_object()
        printed = call_service(
            services.evaluation_issue, user=request.user, evaluation=evaluation, **body.validated_data
        )
        return self._detail(evaluation, printed_codes=[{"participant": p.pk, "code": c} for p, c in printed])

    @extend_schema(request=None, responses=EvaluationDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        evaluation = self.get_object()
        call_service(services.evaluation_close, user=request.user, evaluation=evaluation)
        return self._detail(evaluation)

    @extend_schema(request=ProposalSerializer, responses=EvaluationDetailSerializer)
    @action(detail=True, methods=["post"])
    def proposal(self, request, pk=None):
        body = ProposalSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        evaluation = self.get_object()
        call_service(services.proposal_decide, user=request.user, evaluation=evaluation, **body.validated_data)
        return self._detail(evaluation)


class BallotViewSet(viewsets.GenericViewSet):
    """POST a ballot with a one-time token (no sign-in: the token is the credential).
    A second ballot with the same token is refused (400, `token`)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    serializer_class = BallotSerializer

    @extend_schema(request=BallotSerializer, responses={201: None})
    def create(self, request):
        body = BallotSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        call_service(services.ballot_cast, code=data["token"], answers=data["answers"], comment=data["comment"])
        return Response(status=status.HTTP_201_CREATED)


# --- spot checks ----------------------------------------------------------------------------------------


class SpotCheckViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Spot checks in the caller's scope; POST records one (the district); `rectified`
    reports the rectification (the unit)."""

    permission_classes = [IsAuthenticated]
    serializer_class = SpotCheckSerializer

    def get_queryset(self):
        unit, _year = _unit_year(self.request)
        return selectors.spot_checks(user=self.request.user, unit=unit)

    @extend_schema(request=SpotCheckWriteSerializer, responses={201: SpotCheckSerializer})
    def create(self, request):
        if "assessment.manage" not in user_perms(request.user):
            raise Http404
        body = SpotCheckWriteSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = call_service(services.spotcheck_record, user=request.user, **body.validated_data)
        return Response(SpotCheckSerializer(check).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RectifiedSerializer, responses=SpotCheckSerializer)
    @action(detail=True, methods=["post"])
    def rectified(self, request, pk=None):
        body = RectifiedSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        check = self.get_object()
        check = call_service(services.spotcheck_rectified, user=request.user, spot_check=check, **body.validated_data)
        return Response(SpotCheckSerializer(check).data)


def register(router) -> None:
    router.register("assessment/cycles", CycleViewSet, basename="assessment-cycle")
    router.register("assessment/units", CycleUnitViewSet, basename="assessment-unit")
    router.register("assessment/commitments", CommitmentViewSet, basename="assessment-commitment")
    router.register("assessment/inspections", InspectionViewSet, basename="assessment-inspection")
    router.register("assessment/education", EducationViewSet, basename="assessment-education")
    router.register("assessment/talks", TalkViewSet, basename="assessment-talk")
    router.register("assessment/evaluations", EvaluationViewSet, basename="assessment-evaluation")
    router.register("assessment/ballots", BallotViewSet, basename="assessment-ballot")
    router.register("assessment/spotchecks", SpotCheckViewSet, basename="assessment-spotcheck")
