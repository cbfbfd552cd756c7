"""Agency portal, the appeal's requests panel, the deadline board."""

from django.urls import path

from qorgau.agency_requests import views

app_name = "agency_requests"

urlpatterns = [
    path("agency/", views.portal, name="portal"),
    path("agency/requests/<int:request_id>/", views.portal_request, name="portal_request"),
    path(
        "agency/requests/<int:request_id>/files/<int:attachment_id>/",
        views.portal_attachment,
        name="portal_attachment",
    ),
    path("agency/requests/<int:request_id>/<slug:step>/", views.portal_step, name="portal_step"),
    path("appeals/<str:number>/requests/", views.appeal_requests_panel, name="appeal_requests"),
    path("board/deadlines/", views.board, name="board"),
    path("board/urgent-alert/", views.urgent_alert, name="urgent_alert"),
]
