"""Staff pages of the registry."""

from django.contrib.auth import views as auth_views
from django.urls import path

from qorgau.appeals import views
from qorgau.staff import views as staff_views

app_name = "appeals"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", staff_views.sign_in, name="login"),  # rule 5: throttled, then the code
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("appeals/", views.appeal_list, name="list"),
    path("appeals/new/", views.appeal_new, name="new"),
    path("appeals/caller/", views.caller_lookup, name="caller"),
    path("appeals/callers/", views.caller_page, name="caller_page"),
    path("appeals/filters/", views.saved_filters, name="saved_filters"),
    path("appeals/<str:number>/", views.appeal_detail, name="detail"),
    path("appeals/<str:number>/edit/", views.appeal_edit, name="edit"),
    path("appeals/<str:number>/suggestion/", views.appeal_suggestion, name="suggestion"),
    path("appeals/<str:number>/transition/", views.appeal_transition_view, name="transition"),
    path(
        "appeals/<str:number>/lower-urgency/",
        views.appeal_lower_urgency_view,
        name="lower_urgency",
    ),
    path("appeals/<str:number>/assign/", views.appeal_assign_view, name="assign"),
    path("appeals/<str:number>/merge/", views.appeal_merge_view, name="merge"),
]
