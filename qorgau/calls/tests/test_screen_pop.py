"""The screen pop: the answered call with the caller's earlier appeals."""

from __future__ import annotations

from datetime import datetime

import pytest

from qorgau.appeals.models import Appeal
from qorgau.audit.models import AuditRecord
from qorgau.calls.actions import cti_event_ingest
from qorgau.calls.auth import phone_system_register
from qorgau.calls.models import Call
from qorgau.calls.schemas import CtiEventIn
from qorgau.core.kztime import KZ_TZ

pytestmark = pytest.mark.django_db


def _ring(call_id: str, caller: str, extension: str) -> None:
    system = phone_system_register(name=f"pbx-{call_id}")[0]
    at = datetime(2026, 11, 25, 22, 0, tzinfo=KZ_TZ)
    cti_event_ingest(
        system=system,
        event=CtiEventIn(
            event_id=f"{call_id}-1",
            call_id=call_id,
            event="new_call",
            at=at,
            caller=caller,
            line="kk",
        ),
    )
    cti_event_ingest(
        system=system,
        event=CtiEventIn(
            event_id=f"{call_id}-2", call_id=call_id, event="answer", at=at, extension=extension
        ),
    )


def test_answered_call_pops_up_with_earlier_appeals(client, make_user, register):
    earlier = register()["number"]  # that caller phoned before: +7 701 234 56 78
    consultant = make_user("aigerim", "consultant", extension="201")
    client.force_login(consultant)
    assert (
        "Call in progress"
        not in client.get("/calls/screen-pop/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    _ring("c-1", "87012345678", "201")
    html = client.get("/calls/screen-pop/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Call in progress" in html and earlier in html and "+77012345678" in html
    assert AuditRecord.objects.filter(action="appeal.lookup_caller").exists()


def test_withheld_number_shows_no_earlier_appeals(client, make_user, register):
    register()
    consultant = make_user("aigerim", "consultant", extension="201")
    client.force_login(consultant)
    _ring("c-2", "anonymous", "201")
    html = client.get("/calls/screen-pop/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Number withheld" in html and "111-" not in html


def test_another_consultants_call_does_not_pop(client, make_user):
    client.force_login(make_user("aigerim", "consultant", extension="201"))
    _ring("c-3", "87012345678", "202")
    html = client.get("/calls/screen-pop/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Call in progress" not in html


def test_another_consultants_call_is_not_found(client, make_user):
    """The form opens only from a call answered at the user's own extension."""
    _ring("c-5", "87012345678", "202")
    call = Call.objects.get(call_id="c-5")
    client.force_login(make_user("aigerim", "consultant", extension="201"))
    answer = client.get(f"/calls/{call.pk}/register/")
    assert answer.status_code == 404 and "7012345678" not in answer.content.decode()


def test_appeal_registered_from_the_call_is_linked_to_it(client, make_user):
    consultant = make_user("aigerim", "consultant", extension="201")
    client.force_login(consultant)
    _ring("c-4", "87012345678", "201")
    call = Call.objects.get(call_id="c-4")
    pop = client.get("/calls/screen-pop/").content.decode()
    link = f"/calls/{call.pk}/register/"
    assert link in pop and "phone=" not in pop  # rule 5: the link carries the call, no number
    form = client.get(f"/calls/{call.pk}/register/").content.decode()
    assert 'value="+77012345678"' in form  # filled in from the call record
    client.post(
        link,
        {
            "form_key": "k",
            "urgency": "normal",
            "channel": "phone",
            "language": "kk",
            "region": "astana",
            "direction": "4",
            "summary": "Бала",
            "applicant.kind": "anonymous",
            "applicant.phone": "+77012345678",
        },
    )
    call.refresh_from_db()
    assert call.appeal == Appeal.objects.get()
