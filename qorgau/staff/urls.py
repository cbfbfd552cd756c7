"""Sign-in pages beyond the password: the second factor and its enrolment."""

from django.urls import path

from qorgau.staff import views

app_name = "staff"

urlpatterns = [
    path("login/code/", views.second_factor, name="second_factor"),
    path("login/enrol/", views.enrol, name="enrol"),
]
