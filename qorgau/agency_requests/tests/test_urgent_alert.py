"""The supervisors' alert: an urgent appeal with no request sent within URGENT_SEND_MINUTES
appears on every supervisor page (htmx polling) and stays until someone acts (rule 6(j))."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgau.appeals.models import Appeal
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db

ALERT = "/board/urgent-alert/"


def _age(number: str, minutes: int) -> None:
    """Time travel: the appeal was registered `minutes` ago."""
    then = timezone.now() - timedelta(minutes=minutes)
    Appeal.objects.filter(number=number).update(created_at=then)


@pytest.fixture
def urgent(register):
    number = register(
        region="almaty",
        direction=2,
        risk_flags=["violence_now"],
        persons=[{"kind": "woman", "age": 30}],
    )["number"]
    _age(number, 11)
    return number


@pytest.fixture
def supervisor(personas):
    return signed_in(personas["supervisor"], "ru")


def _alert(client) -> str:
    response = client.get(ALERT, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_every_supervisor_page_polls_the_alert(supervisor):
    for page in ("/board/deadlines/", "/calls/board/", "/appeals/"):
        html = supervisor.get(page).content.decode()
        assert f'hx-get="{ALERT}"' in html, page
        body = html.split("<body", 1)[1]
        assert not re.search(r"<script(?![^>]*\bsrc=)", body)  # no inline script (CSP)


def test_the_alert_shows_number_direction_region_and_minutes_without_personal_data(
    supervisor, urgent
):
    html = _alert(supervisor)
    assert urgent in html
    assert "Алматы" in html  # region name, in the supervisor's language
    assert "ждёт 11 мин" in html  # minutes waiting
    assert 'hx-trigger="every 5s"' in html  # it keeps polling
    for personal in ("Айгүл", "Серікова", "900101300027", "701", "aigul@example.kz", "Абай"):
        assert personal not in html


def test_not_before_the_threshold(supervisor, register, settings):
    number = register(risk_flags=["suicide"], direction=6)["number"]
    _age(number, 9)
    assert number not in _alert(supervisor)
    settings.URGENT_SEND_MINUTES = 5
    assert number in _alert(supervisor)


@pytest.mark.parametrize(
    "flag", ["violence_now", "threat_to_life", "suicide", "child_without_care"]
)
def test_each_risk_flag_raises_the_alert(supervisor, register, flag):
    number = register(risk_flags=[flag])["number"]
    _age(number, 10)
    assert number in _alert(supervisor)


def test_a_normal_appeal_never_raises_it(supervisor, register):
    number = register()["number"]
    _age(number, 60)
    assert number not in _alert(supervisor)


def test_it_disappears_when_a_request_is_sent(supervisor, urgent, directory, api_as):
    sent = api_as("consultant").post(
        f"/api/v1/appeals/{urgent}/requests", {"agency": directory["almaty_102"].pk}
    )
    assert sent.status_code == 201, sent.content
    assert urgent not in _alert(supervisor)


def test_it_disappears_when_the_supervisor_lowers_the_urgency(supervisor, urgent):
    supervisor.post(f"/appeals/{urgent}/lower-urgency/", {"reason": "Жалған қоңырау"})
    assert urgent not in _alert(supervisor)


def test_it_disappears_when_the_appeal_is_closed(supervisor, urgent, api_as):
    consultant = api_as("consultant")
    for status in ("answered", "closed"):
        moved = consultant.post(f"/api/v1/appeals/{urgent}/transitions", {"to": status})
        assert moved.status_code == 200
    assert urgent not in _alert(supervisor)


def test_a_call_that_reached_the_agency_counts_a_missed_one_does_not(
    supervisor, urgent, directory, api_as
):
    consultant = api_as("consultant")
    body = {"agency": directory["almaty_102"].pk, "number": "102", "summary": "Хабарландым"}
    missed = consultant.post(f"/api/v1/appeals/{urgent}/calls", {**body, "result": "no_answer"})
    assert missed.status_code == 201, missed.content
    assert urgent in _alert(supervisor)
    consultant.post(f"/api/v1/appeals/{urgent}/calls", {**body, "result": "reached"})
    assert urgent not in _alert(supervisor)


@pytest.mark.parametrize("persona", ["consultant", "quality", "officer_a", "auditor", "outsider"])
def test_other_roles_neither_poll_nor_read_it(personas, urgent, persona):
    client = signed_in(personas[persona])
    assert client.get(ALERT).status_code == 403
    page = client.get("/status/").content.decode()
    assert ALERT not in page


def test_signed_out_poll_is_refused_not_redirected(client, urgent):
    assert client.get(ALERT).status_code == 403


def test_the_alert_costs_the_same_queries_for_one_or_many_appeals(supervisor, register):
    _age(register(risk_flags=["suicide"])["number"], 20)
    with CaptureQueriesContext(connection) as one:
        _alert(supervisor)
    for _ in range(5):
        _age(register(risk_flags=["threat_to_life"])["number"], 20)
    with CaptureQueriesContext(connection) as six:
        html = _alert(supervisor)
    assert html.count('class="urgent"') == 6
    assert len(six) == len(one)


@pytest.mark.postgres
def test_postgresql_can_answer_from_the_partial_index(supervisor, urgent):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM appeals_appeal WHERE urgency = 'urgent' "
            "AND NOT (status = 'closed') AND created_at <= now()"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "appeal_urgent_open" in plan
