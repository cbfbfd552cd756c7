"""Staff pages of case work on an appeal."""

from django.urls import URLPattern, path

from qorgau.casework import views

app_name = "casework"

urlpatterns: list[URLPattern] = [
    path("appeals/<str:number>/attachments/", views.attachments, name="attachments"),
    path(
        "appeals/<str:number>/attachments/<int:attachment_id>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "appeals/<str:number>/attachments/<int:attachment_id>/remove/",
        views.attachment_remove_view,
        name="attachment_remove",
    ),
]
