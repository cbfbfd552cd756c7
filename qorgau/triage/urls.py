"""The triage assistant's staff endpoint: the registration form's suggestion panel."""

from django.urls import URLPattern, path

from qorgau.triage import views

app_name = "triage"

urlpatterns: list[URLPattern] = [
    path("triage/suggest/", views.suggest, name="suggest"),
]
