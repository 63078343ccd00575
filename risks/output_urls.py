"""The outputs' URLs, included by risks/urls.py under "outputs/" (app_name "risks")."""

from django.urls import path

from risks import output_views

urlpatterns = [
    path("system-table/", output_views.system_table, name="output_system_table"),
    path("export/", output_views.export, name="output_export"),
    path("import/", output_views.import_points, name="output_import"),
]
