"""Pages of the calls context."""

from django.urls import path

from qorgau.calls import views

app_name = "calls"

urlpatterns = [path("calls/screen-pop/", views.screen_pop, name="screen_pop")]
