from django.urls import include, path

from risks import review_views, views

app_name = "risks"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.risk_new, name="new"),
    path("<int:pk>/", views.risk_detail, name="detail"),
    path("<int:pk>/edit/", views.risk_edit, name="edit"),
    path("<int:pk>/submit/", views.risk_submit, name="submit"),
    path("<int:pk>/reopen/", review_views.reopen, name="reopen"),
    path("<int:pk>/measures/new/", review_views.measure_new, name="measure_new"),
    path("reviews/", review_views.queue, name="queue"),
    path("reviews/<int:pk>/decide/", review_views.decide, name="decide"),
    path("measures/", review_views.my_measures, name="my_measures"),
    path("measures/<int:pk>/", review_views.measure_edit, name="measure_edit"),
    path("measures/<int:pk>/evidence/", review_views.measure_evidence, name="measure_evidence"),
    path("comment-periods/", review_views.periods, name="periods"),
    path("comment-periods/new/", review_views.period_new, name="period_new"),
    path("comment-periods/<int:pk>/", review_views.period_detail, name="period"),
    path("sets/", review_views.sets, name="sets"),
    path("sets/submit/", review_views.set_submit, name="set_submit"),
    path("sets/<int:pk>/decide/", review_views.set_decide, name="set_decide"),
    path("rollup/", review_views.rollup, name="rollup"),
    path("outputs/", include("risks.output_urls")),
]
