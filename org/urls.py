from django.urls import path

from org import views

app_name = "org"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("nodes/<int:pk>/", views.node_detail, name="node_detail"),
    path("nodes/<int:pk>/children/", views.node_children, name="node_children"),
    path("nodes/<int:pk>/add/", views.node_create, name="node_create"),
    path("nodes/<int:pk>/edit/", views.node_edit, name="node_edit"),
    path("nodes/<int:pk>/move/", views.node_move, name="node_move"),
    path("nodes/<int:pk>/posts/add/", views.post_create, name="post_create"),
    path("nodes/<int:pk>/people/add/", views.person_create, name="person_create"),
    path("nodes/<int:pk>/roles/add/", views.role_create, name="role_create"),
    path("nodes/<int:pk>/supervisors/add/", views.supervision_add, name="supervision_add"),
    path("nodes/<int:pk>/supervisors/<int:user_id>/remove/", views.supervision_remove, name="supervision_remove"),
    path("posts/", views.post_list, name="post_list"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("people/", views.person_list, name="person_list"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/appoint/", views.person_appoint, name="person_appoint"),
    path("holdings/<int:pk>/end/", views.holding_end, name="holding_end"),
    path("roles/", views.role_list, name="role_list"),
    path("roles/<int:pk>/revoke/", views.role_revoke, name="role_revoke"),
]
