"""Taking in CTI events. An event is stored once (a repeat is answered as a duplicate and
changes nothing); then the call's state is recomputed from all its events in time order, so
out-of-order delivery by the phone system cannot leave a call in the wrong state."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.identifiers import normalise_phone
from qorgau.appeals.models import Appeal
from qorgau.audit.actions import audit_record
from qorgau.calls.models import (
    Call,
    CallEvent,
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
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.core.roles import Perm, Role
from qorgau.staff.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

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


def call_for_staff(user: User | AnonymousUser, call_pk: int) -> Call:
    """A call the user may act on: a supervisor any; a consultant only a call answered at their
    own extension. Anything else answers 404."""
    require(user, Perm.CALL_OUTCOME)
    calls = Call.objects.filter(pk=call_pk)
    if getattr(user, "role", "") != Role.SUPERVISOR:
        calls = calls.filter(extension=getattr(user, "extension", "") or "-")
    call = calls.first()
    if call is None:
        raise NotFound()
    return call


def call_outcome_record(
    *,
    user: User | AnonymousUser,
    call_pk: int,
    kind: str,
    note: str,
    referral_body_id: int | None = None,
) -> CallOutcomeRecord:
    """Record that the call was transferred to 1414 (rule 6(n)) or that the caller was referred
    to a competent body from the directory (rule 6(o)), with what the caller was told. A later
    record of the same call replaces the earlier one; both stay in the audit log."""
    call = call_for_staff(user, call_pk)
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
                "by": user,
                "at": timezone.now(),
            },
        )
        audit_record(
            actor=user,
            action="call.outcome",
            object_type="call",
            object_ref=str(call.pk),
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
