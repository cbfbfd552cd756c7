"""Agency portal, the appeal's timeline and deadline board pages (rule 13; decision 0011)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.agency_requests.models import AgencyRequest

pytestmark = pytest.mark.django_db


def test_officer_starts_on_the_portal_and_replies(client, personas, sent):
    client.force_login(personas["officer_a"])
    assert client.get("/")["Location"].endswith("/agency/")
    assert sent["number"] in client.get("/agency/").content.decode()
    page = client.get(f"/agency/requests/{sent['id']}/").content.decode()
    assert sent["number"] in page and "900101300027" not in page
    missing = client.post(
        f"/agency/requests/{sent['id']}/confirmation/",
        {"confirmed": "1", "measures": ""},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert missing.status_code == 422 and "initial measures" in missing.content.decode()
    done = client.post(
        f"/agency/requests/{sent['id']}/confirmation/",
        {"confirmed": "1", "measures": "Мектепке инспектор барды"},
    )
    assert done.status_code == 302
    assert AgencyRequest.objects.get(pk=sent["id"]).status == "confirmed"


def test_other_agency_officer_gets_404_page(client, personas, sent):
    client.force_login(personas["officer_b"])
    assert client.get(f"/agency/requests/{sent['id']}/").status_code == 404
    assert client.post(f"/agency/requests/{sent['id']}/acknowledge/").status_code == 404
    assert sent["number"] not in client.get("/agency/").content.decode()


def test_consultant_sees_replies_on_the_appeal_page(client, personas, sent, api_as):
    api_as("officer_a").post(
        f"/api/v1/agency/requests/{sent['id']}/replies",
        {"kind": "confirmation", "confirmed": True, "measures": "Инспектор барды"},
    )
    client.force_login(personas["consultant"])
    timeline = client.get(f"/appeals/{sent['number']}/timeline/").content.decode()
    assert "Инспектор барды" in timeline
    assert 'hx-trigger="every 10s, qorgau-changed from:body"' in timeline


def test_deadline_board_shows_overdue_to_supervisor_only(client, personas, sent):
    AgencyRequest.objects.filter(pk=sent["id"]).update(
        delivered_at=timezone.now() - timedelta(days=30),
        answer_due_at=timezone.now() - timedelta(days=1),
    )
    client.force_login(personas["consultant"])
    assert client.get("/board/deadlines/").status_code == 403
    client.force_login(personas["supervisor"])
    board = client.get("/board/deadlines/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    overdue = board.split("Due within")[0]
    assert sent["number"] in overdue
