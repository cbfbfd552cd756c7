"""Staff pages of written conversations."""

from django.urls import URLPattern, path

from qorgau.conversations import views, webhooks

app_name = "conversations"

urlpatterns: list[URLPattern] = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/alerts/", views.alerts, name="alerts"),
    path("inbox/blocked/", views.blocked, name="blocked"),
    path("inbox/blocked/<int:blocked_id>/unblock", views.unblock, name="unblock"),
    path("inbox/breaches/", views.breaches, name="breaches"),  # before <number>/
    path("inbox/<str:number>/", views.thread, name="thread"),
    path("inbox/<str:number>/claim", views.claim, name="claim"),
    path("inbox/<str:number>/assign", views.assign, name="assign"),
    path("inbox/<str:number>/reply", views.reply, name="reply"),
    # messengers and the SMS gateway (webhooks.py); secrets in headers, never in the URL
    path("hooks/telegram/", webhooks.telegram_hook, name="hook-telegram"),
    path("hooks/whatsapp/", webhooks.whatsapp_hook, name="hook-whatsapp"),
    path("hooks/sms/", webhooks.sms_hook, name="hook-sms"),
    path("inbox/<str:number>/block", views.block, name="block"),
    path(
        "inbox/<str:number>/attachments/<int:attachment_id>",
        views.attachment,
        name="attachment",
    ),
    path("inbox/<str:number>/knowledge", views.knowledge, name="knowledge"),
    path("inbox/<str:number>/close", views.close, name="close"),
    path("inbox/<str:number>/appeal", views.register_appeal, name="register_appeal"),
    path("inbox/<str:number>/attach", views.attach_appeal, name="attach_appeal"),
]
