"""Pages of the calls context."""

from django.urls import path

from qorgau.calls import views

app_name = "calls"

urlpatterns = [
    path("calls/screen-pop/", views.screen_pop, name="screen_pop"),
    path("calls/<int:pk>/outcome/", views.outcome, name="outcome"),
    path("calls/<int:pk>/register/", views.register_from_call, name="register"),
    path("calls/board/", views.board, name="board"),
    path("calls/demands/", views.demands, name="demands"),
    path("calls/demands/<int:demand_id>/decide/", views.decide, name="decide"),
    path("calls/search/", views.search, name="search"),
    path("calls/reviews/", views.reviews, name="reviews"),
]
