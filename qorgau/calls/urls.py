"""Pages of the calls context."""

from django.urls import URLPattern, URLResolver, include, path

from qorgau.calls import views

app_name = "calls"

call: list[URLPattern | URLResolver] = [  # one call, by the centre's id
    path("outcome/", views.outcome, name="outcome"),
    path("register/", views.register_from_call, name="register"),
    path("review/", views.review_assign, name="review_assign"),
]
demands: list[URLPattern | URLResolver] = [  # written demands for recordings (rule 6(p))
    path("", views.demands, name="demands"),
    path("<int:demand_id>/decide/", views.decide, name="decide"),
]
pages: list[URLPattern | URLResolver] = [
    path("screen-pop/", views.screen_pop, name="screen_pop"),
    path("<int:pk>/", include(call)),
    path("board/", views.board, name="board"),
    path("demands/", include(demands)),
    path("search/", views.search, name="search"),
    path("reviews/", views.reviews, name="reviews"),
    path("appeals/<str:number>/", views.appeal_reviews, name="appeal_reviews"),
]

urlpatterns = [path("calls/", include(pages))]
