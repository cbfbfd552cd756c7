"""Staff pages of written conversations."""

from django.urls import URLPattern, path

from qorgau.conversations import views

app_name = "conversations"

urlpatterns: list[URLPattern] = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<str:number>/", views.thread, name="thread"),
    path("inbox/<str:number>/claim", views.claim, name="claim"),
    path("inbox/<str:number>/reply", views.reply, name="reply"),
    path(
        "inbox/<str:number>/attachments/<int:attachment_id>",
        views.attachment,
        name="attachment",
    ),
]
