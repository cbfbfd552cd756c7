"""Staff pages of case work on an appeal: its panel and forms, and the task list."""

from django.urls import URLPattern, path

from qorgau.casework import views

app_name = "casework"

urlpatterns: list[URLPattern] = [
    path("appeals/<str:number>/case/", views.panel, name="panel"),
    path("appeals/<str:number>/case/notes", views.note_add, name="note_add"),
    path("appeals/<str:number>/case/followups", views.followup_add, name="followup_add"),
    path("tasks/<int:followup_id>/<str:step>", views.followup_step, name="followup_step"),
    path("tasks/", views.my_tasks, name="my_tasks"),
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
