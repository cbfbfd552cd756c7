"""Taking in CTI events. An event is stored once (a repeat is answered as a duplicate and
changes nothing); then the call's state is recomputed from all its events in time order, so
out-of-order delivery by the phone system cannot leave a call in the wrong state."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from qorgau.appeals.identifiers import normalise_phone
from qorgau.appeals.models import Appeal
from qorgau.calls.models import Call, CallEvent, CallState, EventKind, PhoneSystem
from qorgau.calls.schemas import CtiEventIn
from qorgau.core import crypto
from qorgau.staff.models import User

WITHHELD = {"", "anonymous", "withheld", "restricted", "unknown", "private"}
ORDER = {kind: i for i, kind in enumerate(EventKind.values)}


@dataclass(frozen=True)
class Ingested:
    call: Call
    duplicate: bool


def _call_for(system: PhoneSystem, event: CtiEventIn) -> Call:
    """The call row, created by the first event that names it, locked for this transaction."""
    try:
        with transaction.atomic():
            Call.objects.get_or_create(phone_system=system, call_id=event.call_id)
    except IntegrityError:
        pass  # created by a concurrent event of the same call
    return Call.objects.select_for_update().get(phone_system=system, call_id=event.call_id)


def _caller(call: Call, event: CtiEventIn) -> None:
    if call.caller or event.caller.strip().lower() in WITHHELD:
        return
    phone = normalise_phone(event.caller) or event.caller.strip()
    call.caller = phone
    call.caller_index = crypto.blind_index("phone", phone) if phone.startswith("+") else ""


def _replay(call: Call) -> None:
    """Recompute the call's state and times from its events, oldest first."""
    events = sorted(call.events.all(), key=lambda e: (e.at, ORDER[e.kind], e.pk))
    call.state, call.transferred_to, call.extension = CallState.WAITING, "", ""
    call.started_at = call.answered_at = call.ended_at = None
    call.hangup_cause = ""
    for event in events:
        if event.kind == EventKind.NEW_CALL:
            call.started_at = min(filter(None, [call.started_at, event.at]))
        elif event.kind in (EventKind.ANSWER, EventKind.RESUME):
            call.state = CallState.TALKING
            call.answered_at = call.answered_at or event.at
            call.extension = event.extension or call.extension
        elif event.kind == EventKind.HOLD:
            call.state = CallState.HOLD
        elif event.kind == EventKind.TRANSFER:
            call.transferred_to = event.target
            if event.target.isdigit() and event.target != "1414":  # another extension
                call.extension = event.target
        elif event.kind == EventKind.HANGUP:
            call.ended_at, call.hangup_cause = event.at, event.cause
    if call.ended_at:
        call.state = CallState.ENDED
    call.started_at = call.started_at or (events[0].at if events else None)


def cti_event_ingest(*, system: PhoneSystem, event: CtiEventIn) -> Ingested:
    """Store one CTI event and bring its call up to date."""
    with transaction.atomic():
        call = _call_for(system, event)
        try:
            with transaction.atomic():
                CallEvent.objects.create(
                    phone_system=system,
                    event_id=event.event_id,
                    call=call,
                    kind=event.event,
                    at=event.at,
                    extension=event.extension,
                    cause=event.cause,
                    target=event.target,
                )
        except IntegrityError:
            return Ingested(call=call, duplicate=True)
        call.direction = event.direction
        call.called = call.called or event.called
        call.line = call.line or event.line
        _caller(call, event)
        _replay(call)
        call.consultant = (
            User.objects.filter(extension=call.extension, is_active=True).first()
            if call.extension
            else None
        )
        call.save()
    return Ingested(call=call, duplicate=False)


def call_link_appeal(*, user: User, call_id: str, appeal: Appeal) -> bool:
    """Link the appeal registered during a call to that call — only a call the consultant
    answered at their own extension; anything else is ignored."""
    if not call_id.isdigit() or not user.extension:
        return False
    linked = Call.objects.filter(pk=int(call_id), extension=user.extension, appeal__isnull=True)
    return bool(linked.update(appeal=appeal))
