"""List pages of the agency-requests context keep a constant number of queries as their rows
grow (docs/style.md): the deadline board, the agency portal's list and the appeal's timeline,
each with 3 and then 30 rows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from qorgau.agency_requests.actions.letters import call_log, letter_write
from qorgau.agency_requests.actions.send import request_send
from qorgau.agency_requests.models import AgencyReply, AgencyRequest, ReplyAttachment
from qorgau.appeals.models import Appeal
from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call
from qorgau.knowledge.models import Article, ArticleUse
from qorgau.testing import assert_constant_queries, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def agency_a(personas, directory) -> Any:
    """officer_a's agency, reachable by e-mail, proposed for school matters in Almaty."""
    agency = personas["officer_a"].agency
    agency.kind, agency.region = "local", directory["almaty_education"].region
    agency.save()
    agency.directions.set(directory["almaty_education"].directions.all())
    agency.contacts.create(channel="email", address="a@demo-gov.invalid")
    return agency


def _requests(personas, register, agency, count: int) -> None:
    """`count` appeals, each with a request to `agency` whose answer is overdue."""
    for _ in range(count):
        appeal = Appeal.objects.get(number=register(direction=4)["number"])
        request_send(actor=personas["consultant"], appeal=appeal, agency=agency)
    AgencyRequest.objects.update(answer_due_at=timezone.now() - timedelta(days=1))


def test_deadline_board(personas, register, agency_a):
    client = signed_in(personas["supervisor"])

    def fetch() -> None:
        response = client.get("/board/deadlines/")
        assert response.status_code == 200

    _requests(personas, register, agency_a, 3)
    assert_constant_queries(fetch, lambda: _requests(personas, register, agency_a, 27))
    html = client.get("/board/deadlines/").content.decode()
    assert all(f"#request-{r.pk}" in html for r in AgencyRequest.objects.all())


def test_agency_portal_list(personas, register, agency_a):
    client = signed_in(personas["officer_a"])

    def fetch() -> None:
        response = client.get("/agency/")
        assert response.status_code == 200

    _requests(personas, register, agency_a, 3)
    assert_constant_queries(fetch, lambda: _requests(personas, register, agency_a, 27))
    html = client.get("/agency/").content.decode()
    assert all(a.number in html for a in Appeal.objects.all())


def _happenings(appeal: Appeal, personas, make_agency, count: int, start: int) -> None:
    """`count` of everything the timeline shows: requests (to as many agencies) answered with
    a file, letters, outbound calls, phone calls and articles used."""
    consultant, now = personas["consultant"], timezone.now()
    system = phone_system_register(name=f"pbx-{start}")[0]
    for n in range(start, start + count):
        agency = make_agency(f"school-{n}", "local", "almaty", [4])
        sent = request_send(actor=consultant, appeal=appeal, agency=agency, reason="—")
        reply = AgencyReply.objects.create(
            request=sent, kind="answer", text="Жауап", by=personas["officer_a"], at=now
        )
        ReplyAttachment.objects.create(
            reply=reply, name="akt.pdf", content_type="application/pdf", size=4, data="UERG"
        )
        letter_write(
            actor=consultant,
            appeal=appeal,
            agency=agency,
            language="kk",
            subject=f"Хат {n}",
            body="Мәтін",
        )
        call_log(
            actor=consultant,
            appeal=appeal,
            agency=agency,
            number="102",
            summary="Жазба",
            result="reached",
        )
        Call.objects.create(phone_system=system, call_id=f"c{n}", appeal=appeal, started_at=now)
        article = Article.objects.create(key=f"a-{n}", lang="kk", title=f"Мақала {n}", body="—")
        ArticleUse.objects.create(article=article, appeal=appeal, by=consultant, at=now)


@pytest.mark.parametrize("persona", ["consultant", "quality"])
def test_timeline(personas, register, make_agency, persona):
    appeal = Appeal.objects.get(number=register(direction=4)["number"])
    client = signed_in(personas[persona])

    def fetch() -> None:
        response = client.get(f"/appeals/{appeal.number}/timeline/")
        assert response.status_code == 200

    _happenings(appeal, personas, make_agency, 3, 0)
    assert_constant_queries(fetch, lambda: _happenings(appeal, personas, make_agency, 27, 3))
    html = client.get(f"/appeals/{appeal.number}/timeline/").content.decode()
    assert html.count('class="tl-letter"') == 30 and html.count('class="tl-article"') == 30
    assert html.count('class="tl-reply"') == 30
