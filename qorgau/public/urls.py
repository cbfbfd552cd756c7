"""Pages anyone may open without signing in."""

from django.urls import path

from qorgau.public import site_editing, views, written

app_name = "public"

urlpatterns = [
    path("", views.home, name="home"),
    path("info/<slug:slug>/", views.info_page, name="info"),
    path("site-pages/", site_editing.site_pages, name="site_pages"),
    path("site-pages/new/", site_editing.site_page_edit, name="site_page_new"),
    path("site-pages/<slug:slug>/", site_editing.site_page_edit, name="site_page_edit"),
    path("status/", views.public_status_page, name="status"),
    path("write/", written.write_page, name="write"),
    path("conversation/", written.conversation_page, name="conversation"),
    path("conversation/file/", written.conversation_file, name="conversation_file"),
    path("s/<str:token>/", written.school_write_page, name="school_write"),
    path("c/<slug:code>/", written.source_write_page, name="source_write"),
]
