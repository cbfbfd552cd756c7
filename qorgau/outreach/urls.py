"""Staff pages of outreach: schools and their posters, campaign source codes."""

from django.urls import URLPattern, path

from qorgau.outreach import views

app_name = "outreach"

urlpatterns: list[URLPattern] = [
    path("schools/", views.schools, name="schools"),
    path("schools/<int:school_id>/poster.pdf", views.poster, name="poster"),
    path("sources/", views.sources, name="sources"),
    path("sources/<slug:code>/qr.svg", views.source_qr, {"kind": "svg"}, name="source_qr_svg"),
    path("sources/<slug:code>/qr.png", views.source_qr, {"kind": "png"}, name="source_qr_png"),
]
