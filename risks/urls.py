from django.urls import path

from risks import views

app_name = "risks"
urlpatterns = [
    path("", views.risk_list, name="list"),
    path("mine/", views.mine, name="mine"),
    path("new/", views.risk_new, name="new"),
    path("<int:pk>/", views.risk_detail, name="detail"),
    path("<int:pk>/edit/", views.risk_edit, name="edit"),
    path("<int:pk>/submit/", views.risk_submit, name="submit"),
]
