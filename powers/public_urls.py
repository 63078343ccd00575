from django.urls import include, path

from alerts import public_views as alert_views
from powers import views
from risks import public_views as risk_views

app_name = "public"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("powers/<int:pk>/", views.public_detail, name="detail"),
    path("powers/<int:pk>/flowchart.svg", views.public_flowchart, name="flowchart"),
    path("comments/", risk_views.comment_periods, name="comment_periods"),
    path("comments/<int:pk>/", risk_views.comment_period, name="comment_period"),
    path("report/", alert_views.report, name="report"),
    path("report/check/", alert_views.check, name="report_check"),
    path("commitments/", include("assessment.public_urls")),
]
