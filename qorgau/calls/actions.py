"""Taking in CTI events. An event is stored once (a repeat is answered as a duplicate and
changes nothing); then the call's state is recomputed from all its events in time order, so
out-of-order delivery by the phone system cannot leave a call in the wrong state."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.models import Appeal
from qorgau.audit.events import AuditEvent
from qorgau.calls.auditing import audit_call
from qorgau.calls.models import (
    Call,
    CallOutcome,
    CallOutcomeRecord,
    CallState,
    EventKind,
    PhoneSystem,
    ReferralBody,
)
from qorgau.calls.schemas import CtiEventIn
from qorgau.core import crypto
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors
from qorgau.core.identifiers import normalise_phone
from qorgau.core.roles import Perm
from qorgau.core.sql import update_columns
from qorgau.staff.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

WITHHELD = {"", "anonymous", "withheld", "restricted", "unknown", "private"}
ORDER = {kind: i for i, kind in enumerate(EventKind.values)}


@dataclass(frozen=True)
class Ingested:
    call: Call
    duplicate: bool


CALL_ROW = "SELECT * FROM calls_call WHERE phone_system_id = %s AND call_id = %s"


def _select_locked(system: PhoneSystem, call_id: str) -> Call | None:
    # SQLite has no FOR UPDATE; its IMMEDIATE transactions (settings.py) serialise writers.
    lock = CALL_ROW + (" FOR UPDATE" if connection.features.has_select_for_update else "")
    return next(iter(Call.objects.raw(lock, [system.pk, call_id])), None)


def _locked_call(system: PhoneSystem, event: CtiEventIn) -> Call:
    """The call row, locked for this transaction; created by the first event that names it
    (ON CONFLICT DO NOTHING: a concurrent first event of the same call is no error, and no
    savepoint is needed). A new_call usually creates its call, so it inserts first; the other
    events look first. Raw SQL: this runs for every event, and building the ORM query cost
    more CPU than the database spent on it."""
    call = None if event.event == EventKind.NEW_CALL else _select_locked(system, event.call_id)
    if call is None:
        Call.objects.bulk_create(
            [Call(phone_system=system, call_id=event.call_id)], ignore_conflicts=True
        )
        call = _select_locked(system, event.call_id)
    assert call is not None
    return call


INSERT_EVENT = (
    "INSERT INTO calls_callevent"
    " (phone_system_id, event_id, call_id, kind, at, extension, cause, target, received_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (phone_system_id, event_id) DO NOTHING RETURNING id"
)


def _stored(system: PhoneSystem, call: Call, event: CtiEventIn) -> bool:
    """Insert the event unless the phone system sent it before (one statement, no savepoint:
    both PostgreSQL and SQLite 3.35+ know ON CONFLICT … RETURNING)."""
    adapt = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_EVENT,
            [
                system.pk,
                event.event_id,
                call.pk,
                event.event,
                adapt(event.at),
                event.extension,
                event.cause,
                event.target,
                adapt(timezone.now()),
            ],
        )
        return cursor.fetchone() is not None


def _caller(call: Call, event: CtiEventIn) -> bool:
    """Take the caller's number from the first event that has one; True when it was set."""
    if call.caller or event.caller.strip().lower() in WITHHELD:
        return False
    phone = normalise_phone(event.caller) or event.caller.strip()
    call.caller = phone
    call.caller_index = crypto.blind_index("phone", phone) if phone.startswith("+") else ""
    return True


def _apply(call: Call, kind: str, at: datetime, extension: str, cause: str, target: str) -> None:
    """One event's effect on the call's state, the events being applied oldest first."""
    if call.started_at is None or kind == EventKind.NEW_CALL:
        call.started_at = min(filter(None, [call.started_at, at]))
    if kind in (EventKind.ANSWER, EventKind.RESUME):
        call.state = CallState.TALKING
        call.answered_at = call.answered_at or at
        call.extension = extension or call.extension
    elif kind == EventKind.HOLD:
        call.state = CallState.HOLD
    elif kind == EventKind.TRANSFER:
        call.transferred_to = target
        if target.isdigit() and target != "1414":  # another extension
            call.extension = target
    elif kind == EventKind.HANGUP:
        call.ended_at, call.hangup_cause = at, cause
    if call.ended_at:
        call.state = CallState.ENDED
    call.last_event_at, call.last_event_kind = at, kind


def _replay(call: Call) -> None:
    """Recompute the call's state and times from all its events, oldest first (for an event
    that arrived out of order)."""
    call.state, call.transferred_to, call.extension = CallState.WAITING, "", ""
    call.started_at = call.answered_at = call.ended_at = None
    call.hangup_cause = ""
    events = sorted(call.events.all(), key=lambda e: (e.at, ORDER[e.kind], e.pk))
    for e in events:
        _apply(call, e.kind, e.at, e.extension, e.cause, e.target)


def _in_order(call: Call, event: CtiEventIn) -> bool:
    if call.last_event_at is None:
        return True
    return (event.at, ORDER[event.event]) >= (call.last_event_at, ORDER[call.last_event_kind])


STATE_FIELDS = ["direction", "called", "line", "state", "extension", "started_at"]
STATE_FIELDS += ["answered_at", "ended_at", "hangup_cause", "transferred_to"]
STATE_FIELDS += ["last_event_at", "last_event_kind"]


CONSULTANT_AT = "SELECT * FROM staff_user WHERE extension = %s AND is_active ORDER BY id LIMIT 1"


def _consultant_at(extension: str) -> User | None:
    if not extension:
        return None
    return next(iter(User.objects.raw(CONSULTANT_AT, [extension])), None)


def cti_event_ingest(*, system: PhoneSystem, event: CtiEventIn) -> Ingested:
    """Store one CTI event and bring its call up to date: incrementally when the event is the
    newest of its call (the usual case), by replaying all its events when it came late."""
    with transaction.atomic():
        call = _locked_call(system, event)
        if not _stored(system, call, event):
            return Ingested(call=call, duplicate=True)
        extension = call.extension
        call.direction = event.direction
        call.called = call.called or event.called
        call.line = call.line or event.line
        fields = STATE_FIELDS + (["caller", "caller_index"] if _caller(call, event) else [])
        if _in_order(call, event):
            _apply(call, event.event, event.at, event.extension, event.cause, event.target)
        else:
            _replay(call)
        if call.extension != extension:
            call.consultant = _consultant_at(call.extension)
            fields.append("consultant")
        update_columns(call, fields)
    return Ingested(call=call, duplicate=False)


def call_link_appeal(*, actor: User, call: Call, appeal: Appeal) -> bool:
    """Link the appeal registered during a call to that call — only a call the consultant
    answered at their own extension and not linked yet; anything else is ignored."""
    if not actor.extension:
        return False
    linked = Call.objects.filter(pk=call.pk, extension=actor.extension, appeal__isnull=True)
    return bool(linked.update(appeal=appeal))


def call_outcome_record(
    *,
    actor: User | AnonymousUser,
    call: Call,
    kind: str,
    note: str,
    referral_body_id: int | None = None,
) -> CallOutcomeRecord:
    """Record that the call was transferred to 1414 (rule 6(n)) or that the caller was referred
    to a competent body from the directory (rule 6(o)), with what the caller was told. A later
    record of the same call replaces the earlier one; both stay in the audit log."""
    require(actor, Perm.CALL_OUTCOME)
    body = _referral_body(kind, referral_body_id)
    if not note.strip():
        raise FieldErrors(fields={"note": _("Write what the caller was told.")})
    with transaction.atomic():
        outcome, _created = CallOutcomeRecord.objects.update_or_create(
            call=call,
            defaults={
                "kind": kind,
                "note": note.strip(),
                "referral_body": body,
                "by": actor,
                "at": timezone.now(),
            },
        )
        audit_call(
            actor=actor,
            event=AuditEvent.CALL_RECORD_OUTCOME,
            ref=call.pk,
            reason=kind,
            details={"referral_body": body.pk if body else None},
        )
    return outcome


def _referral_body(kind: str, body_id: int | None) -> ReferralBody | None:
    if kind not in CallOutcome.values:
        raise FieldErrors(fields={"kind": _("Choose a transfer to 1414 or a referral.")})
    if kind == CallOutcome.TRANSFER_1414:
        return None
    body = ReferralBody.objects.filter(pk=body_id or 0, active=True).first()
    if body is None:
        raise FieldErrors(fields={"referral_body": _("Choose the competent body from the list.")})
    return body
