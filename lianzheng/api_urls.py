"""/api/v1/: every area registers its viewsets on one router."""

from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from alerts import api as alerts_api
from assessment import api as assessment_api
from dashboards.api import DashboardView, TilesView
from org import api as org_api
from powers import api as powers_api
from risks import api as risks_api

router = DefaultRouter()
org_api.register(router)
powers_api.register(router)
risks_api.register(router)
alerts_api.register(router)
assessment_api.register(router)

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("dashboards/", DashboardView.as_view(), name="api-dashboard"),
    path("dashboards/tiles/", TilesView.as_view(), name="api-dashboard-tiles"),
    *router.urls,
]
