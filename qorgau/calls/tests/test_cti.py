"""CTI events from the phone system: idempotent, order-independent, a timeline per call."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.test import Client

from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call, CallEvent
from qorgau.core import crypto
from qorgau.core.kztime import KZ_TZ

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 11, 25, 22, 15, tzinfo=KZ_TZ)


@pytest.fixture
def pbx(db):
    _system, token = phone_system_register(name="Asterisk 111")
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}

    def post(event_id: str, event: str, seconds: int, **extra):
        body = {
            "event_id": event_id,
            "call_id": "c-1",
            "event": event,
            "at": (T0 + timedelta(seconds=seconds)).isoformat(),
            **extra,
        }
        return client.post(
            "/api/v1/cti/events", body, content_type="application/json", headers=headers
        )

    return post


CALL = [
    ("e1", "new_call", 0, {"caller": "8 701 234 56 78", "called": "111", "line": "kk"}),
    ("e2", "answer", 40, {"extension": "201"}),
    ("e3", "hold", 100, {}),
    ("e4", "resume", 130, {}),
    ("e5", "hangup", 400, {"cause": "normal_clearing"}),
]


def test_a_call_in_order(pbx, make_user):
    consultant = make_user("aigerim", "consultant", extension="201")
    for event_id, kind, at, extra in CALL:
        assert pbx(event_id, kind, at, **extra).status_code == 202
    call = Call.objects.get()
    assert call.state == "ended" and call.line == "kk" and call.consultant == consultant
    assert call.answered_at - call.started_at == timedelta(seconds=40)  # waited 40 s
    assert call.caller == "+77012345678"
    assert call.caller_index == crypto.blind_index("phone", "+77012345678")
    assert call.hangup_cause == "normal_clearing"
    assert [e.kind for e in CallEvent.objects.all()] == [k for _, k, _, _ in CALL]


def test_events_twice_and_out_of_order_give_the_same_call(pbx):
    for event_id, kind, at, extra in reversed(CALL):
        pbx(event_id, kind, at, **extra)
    again = pbx("e2", "answer", 40, extension="201")
    assert again.status_code == 202 and again.json()["duplicate"] is True
    call = Call.objects.get()
    assert call.state == "ended" and call.events.count() == 5
    assert call.started_at == T0 and call.answered_at == T0 + timedelta(seconds=40)


def test_talking_until_hangup_arrives(pbx):
    pbx("e2", "answer", 40, extension="201")  # the answer arrives before the new_call
    assert Call.objects.get().state == "talking"
    pbx("e1", "new_call", 0, caller="anonymous", line="ru")
    call = Call.objects.get()
    assert call.state == "talking" and call.caller == "" and call.caller_index == ""


def test_transfer_to_1414(pbx):
    pbx("e1", "new_call", 0, caller="87012345678")
    pbx("e2", "answer", 5, extension="201")
    pbx("e3", "transfer", 60, target="1414")
    pbx("e4", "hangup", 61, cause="transferred")
    call = Call.objects.get()
    assert call.transferred_to == "1414" and call.state == "ended"


def test_unknown_phone_system_is_refused():
    response = Client().post(
        "/api/v1/cti/events",
        {},
        content_type="application/json",
        headers={"Authorization": "Bearer nope"},
    )
    assert response.status_code == 401


def test_caller_number_is_encrypted_at_rest(pbx):
    from django.db import connection

    pbx("e1", "new_call", 0, caller="87012345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT caller FROM calls_call")
        stored = cursor.fetchone()[0]
    assert "7012345678" not in stored
