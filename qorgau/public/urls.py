"""Pages anyone may open without signing in."""

from django.urls import path

from qorgau.public import views, written

app_name = "public"

urlpatterns = [
    path("status/", views.public_status_page, name="status"),
    path("write/", written.write_page, name="write"),
    path("conversation/", written.conversation_page, name="conversation"),
    path("s/<str:token>/", written.school_write_page, name="school_write"),
    path("c/<slug:code>/", written.source_write_page, name="source_write"),
]
