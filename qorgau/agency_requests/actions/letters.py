"""Letters to and from agencies and outbound calls, on the appeal's timeline (rules 6(d), 6(i)).

An outgoing letter's body is masked like a request's free text (rule 15) before it is stored;
scans of incoming letters are stored encrypted. The PDF is made by letter_pdf.py."""

from __future__ import annotations

import base64

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.agencies.models import Agency
from qorgau.agency_requests.disclosure import mask_for_agency
from qorgau.agency_requests.models import CallResult, Letter, LetterDirection, OutboundCall
from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.models import Appeal
from qorgau.audit.events import AuditEvent
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors
from qorgau.core.roles import Perm
from qorgau.staff.models import User

MAX_SCAN_BYTES = 700 * 1024


def _audit(actor: User, action: AuditEvent, appeal: Appeal, pk: int) -> None:
    audit_appeal(
        actor=actor,
        event=action,
        ref=appeal.number,
        reason="correspondence",
        details={"id": pk},
    )


def letter_write(
    *, actor: User, appeal: Appeal, agency: Agency, language: str, subject: str, body: str
) -> Letter:
    """An outgoing letter; personal data the policy does not allow is masked first."""
    require(actor, Perm.REQUEST_SEND)
    if not body.strip() or not subject.strip():
        raise FieldErrors(
            fields={"body" if not body.strip() else "subject": _("This field must not be empty.")}
        )
    masked, _counts = mask_for_agency(appeal, agency, body.strip())
    with transaction.atomic():
        letter = Letter.objects.create(
            appeal=appeal,
            agency=agency,
            direction=LetterDirection.OUTGOING,
            language=language,
            subject=subject.strip()[:300],
            body=masked,
            by=actor,
            at=timezone.now(),
        )
        _audit(actor, AuditEvent.LETTER_WRITE, appeal, letter.pk)
    return letter


def letter_receive(
    *,
    actor: User,
    appeal: Appeal,
    agency: Agency,
    subject: str,
    scan_name: str,
    scan: bytes,
    note: str = "",
) -> Letter:
    """An incoming letter with its scan."""
    require(actor, Perm.REQUEST_SEND)
    if len(scan) > MAX_SCAN_BYTES:
        raise FieldErrors(fields={"scan": _("Each attachment must be under 700 KB.")})
    with transaction.atomic():
        letter = Letter.objects.create(
            appeal=appeal,
            agency=agency,
            direction=LetterDirection.INCOMING,
            language=appeal.language,
            subject=subject.strip()[:300],
            body=note,
            scan_name=scan_name[:200],
            scan=base64.b64encode(scan).decode() if scan else "",
            by=actor,
            at=timezone.now(),
        )
        _audit(actor, AuditEvent.LETTER_RECEIVE, appeal, letter.pk)
    return letter


def call_log(
    *, actor: User, appeal: Appeal, agency: Agency, number: str, summary: str, result: str
) -> OutboundCall:
    """A call the consultant made to an agency: who, when, number, summary, result."""
    require(actor, Perm.REQUEST_SEND)
    if result not in CallResult.values:
        raise FieldErrors(fields={"result": _("Unknown value.")})
    with transaction.atomic():
        call = OutboundCall.objects.create(
            appeal=appeal,
            agency=agency,
            number=number.strip()[:30],
            summary=summary.strip(),
            result=result,
            by=actor,
            at=timezone.now(),
        )
        _audit(actor, AuditEvent.CALL_LOG, appeal, call.pk)
    return call
