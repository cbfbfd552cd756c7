"""Call outcomes (rules 6(n), 6(o)), a call's timeline of CTI events and the
supervisors' live board, through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from qorgau.audit.models import AuditRecord
from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call, CallEvent, ReferralBody

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    return phone_system_register(name="PBX")[0]


@pytest.fixture
def on_call(system, personas):
    personas["consultant"].extension = "201"
    personas["consultant"].save()
    return Call.objects.create(
        phone_system=system, call_id="c1", line="ru", state="talking", extension="201"
    )


@pytest.fixture
def body():
    return ReferralBody.objects.create(
        name_kk="Көші-қон қызметі",
        name_ru="Миграционная служба",
        handles="Виды на жительство, регистрация иностранцев",
        contacts="Приём в территориальных подразделениях; сайт egov.kz",
    )


def test_transfer_to_1414_with_the_note_of_what_the_caller_was_told(api_as, on_call):
    response = api_as("consultant").post(
        f"/api/v1/calls/{on_call.pk}/outcome",
        {"kind": "transfer_1414", "note": "Сказала, что переводим на 1414 по вопросу ЦОН"},
    )
    assert response.status_code == 201, response.content
    outcome = response.json()["outcome"]
    assert outcome["kind"] == "transfer_1414" and outcome["by"] == "consultant"
    assert AuditRecord.objects.filter(
        action="call.record_outcome", object_ref=str(on_call.pk)
    ).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM calls_calloutcomerecord")
        assert "1414" not in cursor.fetchone()[0]  # encrypted at rest


def test_referral_records_which_body_was_given(api_as, on_call, body):
    listed = api_as("consultant").get("/api/v1/referral-bodies").json()
    assert [b["name"] for b in listed] == ["Migration service"] or listed[0]["id"] == body.pk
    response = api_as("consultant", "ru").post(
        f"/api/v1/calls/{on_call.pk}/outcome",
        {"kind": "referral", "note": "Дала адрес миграционной службы", "referral_body": body.pk},
    )
    assert response.status_code == 201
    assert response.json()["outcome"]["referral_body_name"] == "Миграционная служба"


def test_referral_needs_a_body_from_the_directory(api_as, on_call, body):
    body.active = False
    body.save()
    for payload in [
        {"kind": "referral", "note": "x"},
        {"kind": "referral", "note": "x", "referral_body": body.pk},
    ]:
        response = api_as("consultant", "ru").post(f"/api/v1/calls/{on_call.pk}/outcome", payload)
        assert response.status_code == 422
        assert "referral_body" in response.json()["fields"]
    empty = api_as("consultant").post(
        f"/api/v1/calls/{on_call.pk}/outcome", {"kind": "transfer_1414", "note": "   "}
    )
    assert empty.status_code == 422


def test_only_the_consultant_on_the_call_or_a_supervisor(api_as, on_call, make_user):
    payload = {"kind": "transfer_1414", "note": "ok"}
    assert (
        api_as("supervisor").post(f"/api/v1/calls/{on_call.pk}/outcome", payload).status_code == 201
    )
    for persona in ["quality", "auditor", "officer_a", "admin", "outsider"]:
        answer = api_as(persona).post(f"/api/v1/calls/{on_call.pk}/outcome", payload)
        assert answer.status_code == 403, persona
    Call.objects.filter(pk=on_call.pk).update(extension="202")  # another consultant's call
    assert (
        api_as("consultant").post(f"/api/v1/calls/{on_call.pk}/outcome", payload).status_code == 404
    )


def test_timeline_has_waiting_talking_hold_and_transfer(api_as, system):
    call = Call.objects.create(phone_system=system, call_id="t1", state="ended")
    t0 = timezone.now() - timedelta(minutes=10)
    for n, (kind, seconds, extra) in enumerate(
        [
            ("new_call", 0, {}),
            ("answer", 30, {"extension": "201"}),
            ("hold", 90, {}),
            ("resume", 120, {}),
            ("transfer", 200, {"target": "1414"}),
            ("hangup", 210, {}),
        ]
    ):
        CallEvent.objects.create(
            phone_system=system,
            event_id=f"e{n}",
            call=call,
            kind=kind,
            at=t0 + timedelta(seconds=seconds),
            **extra,
        )
    timeline = api_as("supervisor").get(f"/api/v1/calls/{call.pk}").json()["timeline"]
    assert [p["kind"] for p in timeline] == ["waiting", "talking", "hold", "talking", "transfer"]
    assert timeline[-1]["detail"] == "1414"


def test_live_board_counts_lines_consultants_and_waits(api_as, system, personas, make_user):
    make_user("c2", "consultant", extension="202")
    personas["consultant"].extension = "201"
    personas["consultant"].save()
    now = timezone.now()
    rows = [  # (call id, line, state, started this long ago, extra)
        ("w1", "kk", "waiting", timedelta(seconds=75), {}),
        ("w2", "kk", "waiting", timedelta(seconds=10), {}),
        ("t1", "ru", "talking", timedelta(minutes=3), {"extension": "201"}),
        ("old", "ru", "waiting", timedelta(days=2), {}),  # a lost hang-up, not a caller
        ("done", "ru", "ended", timedelta(minutes=1), {"ended_at": now}),
    ]
    for call_id, line, state, ago, extra in rows:
        Call.objects.create(
            phone_system=system,
            call_id=call_id,
            line=line,
            state=state,
            started_at=now - ago,
            **extra,
        )
    board = api_as("supervisor").get("/api/v1/calls/board").json()
    lines = {line["line"]: line for line in board["lines"]}
    assert (lines["kk"]["waiting"], lines["kk"]["talking"]) == (2, 0)
    assert (lines["ru"]["waiting"], lines["ru"]["talking"]) == (0, 1)
    assert (board["consultants"], board["available"]) == (2, 1)
    assert 75 <= board["longest_wait_seconds"] < 90
    midnight = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    today = Call.objects.filter(started_at__gte=midnight).count()  # 3, or fewer just after 00:00
    assert sum(h["calls"] for h in board["calls_per_hour"]) == today
    assert api_as("consultant").get("/api/v1/calls/board").status_code == 403
