"""Pages of the knowledge base."""

from django.urls import URLPattern, URLResolver, include, path

from qorgau.knowledge import views

app_name = "knowledge"

pages: list[URLPattern | URLResolver] = [
    path("", views.search, name="search"),
    path("editor/", views.editor, name="editor"),
    path("new/", views.edit, name="new"),
    path("new/preview/", views.preview, name="preview"),
    path("appeals/<str:number>/used/", views.used, name="used"),
    path("appeals/<str:number>/use/<slug:key>/", views.use, name="use"),
    path("<slug:key>/", views.article, name="article"),
    path("<slug:key>/edit/", views.edit, name="edit"),
    path("<slug:key>/status/", views.transition, name="transition"),
]

urlpatterns = [path("kb/", include(pages))]
