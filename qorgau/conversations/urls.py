"""Staff pages of written conversations."""

from django.urls import URLPattern, path

from qorgau.conversations import views

app_name = "conversations"

urlpatterns: list[URLPattern] = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/breaches/", views.breaches, name="breaches"),  # before <number>/
    path("inbox/<str:number>/", views.thread, name="thread"),
    path("inbox/<str:number>/claim", views.claim, name="claim"),
    path("inbox/<str:number>/assign", views.assign, name="assign"),
    path("inbox/<str:number>/reply", views.reply, name="reply"),
    path("inbox/<str:number>/knowledge", views.knowledge, name="knowledge"),
    path("inbox/<str:number>/close", views.close, name="close"),
    path("inbox/<str:number>/appeal", views.register_appeal, name="register_appeal"),
    path("inbox/<str:number>/attach", views.attach_appeal, name="attach_appeal"),
]
