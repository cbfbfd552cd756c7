"""The pass-on deadline (rule 11, the administrative procedure code): an agency that is not
competent passes the request on within PASS_ON_WORKING_DAYS (3) working days of receipt. It is
reminded the working day before its last day and escalated the moment it is missed, counted on
the Kazakhstan working calendar with its holidays and the administrator's days off."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from qorgau.agency_requests.actions.reminders import deadline_sweep
from qorgau.agency_requests.actions.replies import request_acknowledge
from qorgau.agency_requests.deadlines import deadlines_on_receipt
from qorgau.agency_requests.models import AgencyRequest, DeadlineNotice
from qorgau.agency_requests.outbox import claim, deliver_one
from qorgau.audit.models import AuditRecord
from qorgau.core.kztime import KZ_TZ
from qorgau.workdays.models import DayOverride

pytestmark = pytest.mark.django_db

BEFORE_NAURYZ = datetime(2026, 3, 18, 10, 0, tzinfo=KZ_TZ)  # a Wednesday; 21–25 March are off


def _kz(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=KZ_TZ)


@pytest.fixture
def received(request_to_school):
    """The request to a school department, as if received at `at` (deadlines as at receipt)."""

    def receive(at: datetime = BEFORE_NAURYZ) -> AgencyRequest:
        request = request_to_school
        for field, value in deadlines_on_receipt(request, at).items():
            setattr(request, field, value)
        request.delivered_at = at
        request.save()
        return request

    return receive


def _pass_on_notices(kind: str) -> int:
    return DeadlineNotice.objects.filter(deadline="pass_on", kind=kind).count()


def test_pass_on_deadline_skips_nauryz(received):
    request = received()
    # 19 and 20 March count, 21–25 are Nauryz and the weekend, 26 March is the third day.
    assert request.pass_on_due_at.astimezone(KZ_TZ).date() == date(2026, 3, 26)


def test_reminded_the_working_day_before_the_last_one(received, mail):
    received()
    deadline_sweep(now=_kz(19, 23, 59))
    assert _pass_on_notices("reminder") == 0  # two working days still left
    deadline_sweep(now=_kz(23, 12))  # a holiday: still one working day before the last one
    deadline_sweep(now=_kz(20, 9))
    deadline_sweep(now=_kz(20, 15))
    assert _pass_on_notices("reminder") == 1
    for delivery in claim("w", 10):
        assert deliver_one(delivery, "w")
    assert len(mail.messages) == 1
    text = mail.messages[0].get_body(("plain",)).get_content()
    assert "Еске салу: «Қабылдау немесе жолдау» мерзімі 26.03.2026 23:59 аяқталады" in text
    assert "Напоминание: срок «Принять или передать» истекает 26.03.2026 23:59" in text


def test_escalated_when_the_third_working_day_has_passed(received):
    received()
    # Without the holidays the deadline would have been Monday 23 March.
    assert deadline_sweep(now=_kz(24, 12))["escalation"] == 0
    assert deadline_sweep(now=_kz(26, 23, 59))["escalation"] == 0
    counts = deadline_sweep(now=_kz(27, 0, 1))
    assert counts["overdue"] == 1 and counts["escalation"] == 1
    assert deadline_sweep(now=_kz(27, 9)) == {"reminder": 0, "overdue": 0, "escalation": 0}
    escalation = AuditRecord.objects.get(action="request.escalate")
    assert escalation.details["deadline"] == "pass_on"


def test_an_extra_day_off_moves_the_deadline(received):
    DayOverride.objects.create(
        date=date(2026, 3, 26), kind="day_off", name_kk="Демалыс", name_ru="Выходной"
    )
    received()
    assert deadline_sweep(now=_kz(27, 0, 1))["escalation"] == 0
    assert deadline_sweep(now=_kz(28, 0, 1))["escalation"] == 1


def test_taking_the_request_up_stops_the_pass_on_deadline(received, personas):
    request = received()
    request_acknowledge(actor=personas["officer_a"], agency_request=request)
    assert deadline_sweep(now=_kz(27, 0, 1)) == {"reminder": 0, "overdue": 0, "escalation": 0}


def test_missed_pass_on_is_on_the_supervisor_board(received, client, personas):
    request = received(timezone.now() - timedelta(days=10))
    AgencyRequest.objects.filter(pk=request.pk).update(
        answer_due_at=timezone.now() + timedelta(days=20)
    )
    client.force_login(personas["supervisor"])
    board = client.get("/board/deadlines/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    overdue = board.split("<h2>")[1]
    assert request.appeal.number in overdue and "Принять или передать" in overdue


def test_board_queries_do_not_grow_with_rows(request_to_school, client, personas):
    late = timezone.now() - timedelta(days=1)
    client.force_login(personas["supervisor"])

    def board_queries(copies: int) -> int:
        for _ in range(copies):
            request_to_school.pk = None
            request_to_school.idempotency_key = uuid.uuid4()
            request_to_school.save()
        AgencyRequest.objects.update(pass_on_due_at=late, answer_due_at=late)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/board/deadlines/").status_code == 200
        return len(queries)

    assert board_queries(1) == board_queries(5)
