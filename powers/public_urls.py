from django.urls import path

from powers import views

app_name = "public"
urlpatterns = [
    path("", views.public_list, name="list"),
    path("powers/<int:pk>/", views.public_detail, name="detail"),
    path("powers/<int:pk>/flowchart.svg", views.public_flowchart, name="flowchart"),
]
