from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.warning_list, name="list"),
    path("mine/", views.my_warnings, name="mine"),
    path("new/", views.warning_new, name="new"),
    path("<int:pk>/", views.warning_detail, name="detail"),
    path("<int:pk>/notice.pdf", views.warning_notice, name="notice"),
    path("<int:pk>/reply/", views.warning_reply, name="reply"),
    path("<int:pk>/close/", views.warning_close, name="close"),
    path("replies/<int:pk>/review/", views.reply_review, name="review"),
    path("replies/<int:pk>/attachment/", views.reply_attachment, name="reply_attachment"),
    path("info/", views.info_list, name="info_list"),
    path("info/new/", views.info_new, name="info_new"),
    path("info/<int:pk>/", views.info_detail, name="info"),
    path("petitions/", views.petition_list, name="petitions"),
    path("petitions/new/", views.petition_new, name="petition_new"),
    path("petitions/<int:pk>/", views.petition_detail, name="petition"),
    path("petitions/<int:pk>/take/", views.petition_take, name="petition_take"),
]
