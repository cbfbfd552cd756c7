"""Pages anyone may open without signing in."""

from django.urls import path

from qorgau.public import views

app_name = "public"

urlpatterns = [
    path("status/", views.public_status_page, name="status"),
]
