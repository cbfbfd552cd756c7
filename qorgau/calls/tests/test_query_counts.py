"""List pages of the calls context keep a constant number of queries as their rows grow
(docs/style.md): the call search, the written demands, the review tasks, the live call board
and the calls of an appeal with their reviews, each with 3 and then 30 rows."""

from __future__ import annotations

from datetime import timedelta
from itertools import count
from typing import Any

import pytest
from django.utils import timezone

from qorgau.appeals.models import Appeal
from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call, Recording, RecordingDemand, ReviewTask
from qorgau.core.kztime import kz_today
from qorgau.testing import assert_constant_queries, signed_in

pytestmark = pytest.mark.django_db
NUMBERS = count()


@pytest.fixture
def appeal(register) -> Appeal:
    return Appeal.objects.get(number=register()["number"])


@pytest.fixture
def calls(appeal, personas) -> Any:
    """Makes calls of the appeal, each recorded, with a review by the quality officer and a
    written demand naming it; `live=True` makes calls still waiting on the line instead."""
    system = phone_system_register(name="PBX")[0]

    def make(how_many: int, *, live: bool = False) -> None:
        now = timezone.now()
        for _ in range(how_many):
            n = next(NUMBERS)
            if live:
                Call.objects.create(phone_system=system, call_id=f"w{n}", line="kk", started_at=now)
                continue
            call = Call.objects.create(
                phone_system=system,
                call_id=f"c{n}",
                line="kk",
                state="ended",
                extension="201",
                started_at=now - timedelta(minutes=5),
                ended_at=now,
                appeal=appeal,
            )
            Recording.objects.create(
                call=call,
                storage_key=f"rec/{n}",
                content_type="audio/wav",
                size=10,
                sha256="0" * 64,
                uploaded_at=now,
                delete_after=now + timedelta(days=90),
            )
            ReviewTask.objects.create(
                call=call,
                assignee=personas["quality"],
                assigned_by=personas["supervisor"],
                assigned_at=now,
            )
            demand = RecordingDemand.objects.create(
                number=f"04-12/{n}",
                dated=kz_today(),
                signer="Deputy Minister",
                scan_key=f"demand/{n}",
                scan_name="demand.pdf",
                deadline=kz_today() - timedelta(days=1),
                recipient=personas["auditor"],
                registered_by=personas["auditor"],
                registered_at=now,
            )
            demand.calls.add(call)

    return make


def _page(client, path: str, data: dict[str, str] | None = None) -> Any:
    def fetch() -> None:
        response = client.post(path, data) if data is not None else client.get(path)
        assert response.status_code == 200

    return fetch


def test_call_search(personas, appeal, calls):
    client = signed_in(personas["supervisor"])
    calls(3)
    fetch = _page(client, "/calls/search/", {"appeal": appeal.number})
    assert_constant_queries(fetch, lambda: calls(27))
    html = client.post("/calls/search/", {"appeal": appeal.number}).content.decode()
    assert html.count('class="review-assign"') == 30


@pytest.mark.parametrize("persona", ["supervisor", "auditor"])
def test_demands(personas, calls, persona):
    client = signed_in(personas[persona])
    calls(3)
    assert_constant_queries(_page(client, "/calls/demands/"), lambda: calls(27))
    html = client.get("/calls/demands/").content.decode()
    assert all(f'id="demand-{d.pk}"' in html for d in RecordingDemand.objects.all())


def test_review_tasks(personas, calls):
    client = signed_in(personas["quality"])
    calls(3)
    assert_constant_queries(_page(client, "/calls/reviews/"), lambda: calls(27))
    assert client.get("/calls/reviews/").content.decode().count('class="review"') == 30


def test_live_board(personas, calls, make_user):
    client = signed_in(personas["supervisor"])
    calls(3, live=True)
    assert_constant_queries(_page(client, "/calls/board/"), lambda: calls(27, live=True))
    assert Call.objects.filter(state="waiting").count() == 30


def test_calls_of_an_appeal(personas, appeal, calls):
    client = signed_in(personas["supervisor"])
    path = f"/calls/appeals/{appeal.number}/"
    calls(3)
    assert_constant_queries(_page(client, path), lambda: calls(27))
    assert client.get(path).content.decode().count('class="review-call"') == 30
