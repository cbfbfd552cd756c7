"""The supervisor's deadline board counts each section's rows by the kind of deadline and links
every row to its appeal and to the request on the appeal's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.agency_requests.models import AgencyRequest
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db


def test_board_counts_per_kind_and_links_appeal_and_request(request_to_school, personas):
    now = timezone.now()
    AgencyRequest.objects.filter(pk=request_to_school.pk).update(
        answer_due_at=now - timedelta(days=1), pass_on_due_at=now - timedelta(hours=2)
    )
    board = signed_in(personas["supervisor"], "en").get("/board/deadlines/").content.decode()
    overdue = board.split("Due within")[0]
    assert "Answer: <strong>1</strong>" in overdue
    assert "Take up or pass on: <strong>1</strong>" in overdue
    number = request_to_school.appeal.number
    assert f'href="/appeals/{number}/"' in overdue
    assert f'href="/appeals/{number}/#request-{request_to_school.pk}"' in overdue
    panel = signed_in(personas["supervisor"], "en").get(f"/appeals/{number}/timeline/")
    assert f'id="request-{request_to_school.pk}"' in panel.content.decode()
