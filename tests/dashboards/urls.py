"""The project's URLs with the dashboards mounted (until lianzheng/urls.py includes them)."""

from django.urls import include, path

from lianzheng.urls import urlpatterns as project

urlpatterns = (
    project
    if any(getattr(p, "pattern", None) and str(p.pattern) == "dashboards/" for p in project)
    else [*project, path("dashboards/", include("dashboards.urls"))]
)
