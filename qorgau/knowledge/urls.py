"""Pages of the knowledge base."""

from django.urls import path

from qorgau.knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("kb/", views.search, name="search"),
    path("kb/editor/", views.editor, name="editor"),
    path("kb/new/", views.edit, name="new"),
    path("kb/appeals/<str:number>/used/", views.used, name="used"),
    path("kb/appeals/<str:number>/use/<slug:key>/", views.use, name="use"),
    path("kb/<slug:key>/", views.article, name="article"),
    path("kb/<slug:key>/edit/", views.edit, name="edit"),
    path("kb/<slug:key>/status/", views.transition, name="transition"),
]
