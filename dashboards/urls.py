from django.urls import path

from dashboards import views

app_name = "dashboards"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("workbench/", views.workbench, name="workbench"),
    path("report/", views.report, name="report"),
]
