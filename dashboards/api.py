"""/api/v1/dashboards/: a dashboard's figures and every chart's numbers as JSON, from the
same cache and with the same scope check as the page (the cockpit polls it)."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboards.views import board_data


class DashboardView(APIView):
    """The leading-group dashboard of `node` (default: the top of the reader's scope) with
    the assessment figures of `year` (default: the latest cycle year). `version` changes
    when a refresh changed the figures; `as_of` is the latest refresh."""

    variant = "data"

    @extend_schema(
        parameters=[
            OpenApiParameter("node", OpenApiTypes.INT, description="org node id (an area or a unit)"),
            OpenApiParameter("year", OpenApiTypes.INT, description="cycle year of the assessment figures"),
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        data, entry = board_data(request, self.variant)
        run = entry.run
        return Response(
            {
                **data,
                "version": run.figures_id if run else 0,
                "as_of": timezone.localtime(run.finished_at).isoformat() if run else None,
                "stale": run.stale if run else True,
            }
        )


class TilesView(DashboardView):
    """Only the headline figures of the dashboard (the tiles), with `version` and `as_of`:
    what a screen polls."""

    variant = "tiles"
