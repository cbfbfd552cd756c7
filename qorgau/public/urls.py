"""Pages anyone may open without signing in."""

from django.urls import path

from qorgau.public import views, written

app_name = "public"

urlpatterns = [
    path("status/", views.public_status_page, name="status"),
    path("write/", written.write_page, name="write"),
    path("conversation/", written.conversation_page, name="conversation"),
    path("conversation/file/", written.conversation_file, name="conversation_file"),
]
