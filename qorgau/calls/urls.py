"""Pages of the calls context."""

from django.urls import include, path

from qorgau.calls import views

app_name = "calls"

call = [  # one call, by the centre's id
    path("outcome/", views.outcome, name="outcome"),
    path("register/", views.register_from_call, name="register"),
]
demands = [  # written demands for recordings (rule 6(p))
    path("", views.demands, name="demands"),
    path("<int:demand_id>/decide/", views.decide, name="decide"),
]
pages = [
    path("screen-pop/", views.screen_pop, name="screen_pop"),
    path("<int:pk>/", include(call)),
    path("board/", views.board, name="board"),
    path("demands/", include(demands)),
    path("search/", views.search, name="search"),
    path("reviews/", views.reviews, name="reviews"),
]

urlpatterns = [path("calls/", include(pages))]
