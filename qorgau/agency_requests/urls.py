"""Agency portal, the consultant's workbench and the appeal's timeline, the deadline board."""

from django.urls import path

from qorgau.agency_requests import pages, views

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
    path("appeals/<str:number>/casework/", pages.workbench, name="workbench"),
    path("appeals/<str:number>/casework/preview/", pages.preview, name="workbench_preview"),
    path("appeals/<str:number>/casework/send/", pages.send, name="workbench_send"),
    path("appeals/<str:number>/casework/letter/", pages.letter, name="workbench_letter"),
    path("appeals/<str:number>/casework/incoming/", pages.incoming, name="workbench_incoming"),
    path("appeals/<str:number>/casework/call/", pages.outbound_call, name="workbench_call"),
    path("appeals/<str:number>/timeline/", pages.timeline, name="timeline"),
    path("board/deadlines/", views.board, name="board"),
    path("board/urgent-alert/", views.urgent_alert, name="urgent_alert"),
]
