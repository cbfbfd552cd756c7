"""Staff pages of case work on an appeal."""

from django.urls import URLPattern

app_name = "casework"

urlpatterns: list[URLPattern] = []
