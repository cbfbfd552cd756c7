"""A supervisor assigns a call's quality review in the browser: from the call search and from
the calls of an appeal; the quality officer then finds the task on their page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call, ReviewTask
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def appeal_call(register):
    from qorgau.appeals.models import Appeal

    appeal = Appeal.objects.get(number=register()["number"])
    system = phone_system_register(name="PBX")[0]
    call = Call.objects.create(
        phone_system=system,
        call_id="c-9",
        line="kk",
        state="ended",
        extension="201",
        started_at=timezone.now(),
        appeal=appeal,
    )
    return appeal, call


def test_supervisor_assigns_a_review_from_the_call_search(personas, appeal_call):
    supervisor = signed_in(personas["supervisor"], "en")
    found = supervisor.post("/calls/search/", {"appeal": appeal_call[0].number}).content.decode()
    assert "Assign a review" in found and 'value="quality"' in found
    answer = supervisor.post(f"/calls/{appeal_call[1].pk}/review/", {"assignee": "quality"})
    assert 'role="status"' in answer.content.decode()
    task = ReviewTask.objects.get()
    assert (task.call, task.assignee, task.assigned_by) == (
        appeal_call[1],
        personas["quality"],
        personas["supervisor"],
    )
    assert (
        str(appeal_call[1].pk)
        in signed_in(personas["quality"], "en").get("/calls/reviews/").content.decode()
    )


def test_supervisor_assigns_a_review_from_the_appeal(personas, appeal_call):
    appeal, call = appeal_call
    supervisor = signed_in(personas["supervisor"], "kk")
    page = supervisor.get(f"/appeals/{appeal.number}/").content.decode()
    assert f"/calls/appeals/{appeal.number}/" in page
    panel = supervisor.get(f"/calls/appeals/{appeal.number}/").content.decode()
    assert f"/calls/{call.pk}/review/" in panel
    supervisor.post(f"/calls/{call.pk}/review/", {"assignee": "quality"})
    panel = signed_in(personas["supervisor"], "en").get(f"/calls/appeals/{appeal.number}/")
    assert "under review by quality" in panel.content.decode()


def test_a_review_needs_a_quality_officer(personas, appeal_call):
    supervisor = signed_in(personas["supervisor"], "en")
    answer = supervisor.post(f"/calls/{appeal_call[1].pk}/review/", {"assignee": "consultant"})
    assert 'role="alert"' in answer.content.decode() and not ReviewTask.objects.exists()


@pytest.mark.parametrize("name", ["consultant", "quality", "auditor"])
def test_only_supervisors_assign_reviews(personas, appeal_call, name):
    client = signed_in(personas[name], "en")
    appeal, call = appeal_call
    assert client.post(f"/calls/{call.pk}/review/", {"assignee": "quality"}).status_code == 403
    assert (
        f"/calls/appeals/{appeal.number}/"
        not in client.get(f"/appeals/{appeal.number}/").content.decode()
    )
    assert not ReviewTask.objects.exists()
