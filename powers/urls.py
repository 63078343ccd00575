from django.urls import path

from powers import views

app_name = "powers"
urlpatterns = [
    path("", views.power_list, name="list"),
    path("new/<int:unit_pk>/", views.power_new, name="new"),
    path("units/<int:unit_pk>/export/", views.unit_export, name="export"),
    path("units/<int:unit_pk>/import/", views.unit_import, name="import"),
    path("import-template/", views.import_template, name="template"),
    path("posts/<int:post_pk>/catalogue/", views.post_catalogue, name="catalogue"),
    path("v/<int:pk>/", views.version_detail, name="detail"),
    path("v/<int:pk>/edit/", views.draft_edit, name="edit"),
    path("v/<int:pk>/flowchart.svg", views.flowchart_download, name="flowchart"),
    path("v/<int:pk>/<str:action>/", views.version_action, name="action"),
]
