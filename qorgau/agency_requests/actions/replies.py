"""What an agency officer does with a request addressed to their agency (rule 13, decision 0011):
acknowledge receipt, confirm or not with the initial measures, ask for clarification,
extend the term, pass it on to the competent body, give the final answer. Each is a reply on the
request's timeline, audited, and may move the appeal (never beyond what its lifecycle allows)."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.agencies.models import Agency
from qorgau.agency_requests.actions.send import (
    automatic_contacts,
    delivery_moment,
    queue_deliveries,
)
from qorgau.agency_requests.deadlines import latest_extension
from qorgau.agency_requests.models import (
    AgencyReply,
    AgencyRequest,
    ReplyAttachment,
    ReplyKind,
    RequestStatus,
)
from qorgau.appeals.actions import appeal_follow
from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.models import Status
from qorgau.audit.events import AuditEvent
from qorgau.core.errors import Conflict, FieldErrors
from qorgau.staff.models import User

MAX_ATTACHMENT_BYTES = 700 * 1024  # the whole HTTP request body is limited to 1 MB


@dataclass(frozen=True)
class Attachment:
    name: str
    content_type: str
    data: bytes


REPLY_EVENTS = {
    ReplyKind.ACKNOWLEDGED: AuditEvent.REQUEST_ACKNOWLEDGE,
    ReplyKind.CONFIRMED: AuditEvent.REQUEST_CONFIRM,
    ReplyKind.NOT_CONFIRMED: AuditEvent.REQUEST_NOT_CONFIRM,
    ReplyKind.CLARIFICATION: AuditEvent.REQUEST_ASK_CLARIFICATION,
    ReplyKind.PASSED_ON: AuditEvent.REQUEST_PASS_ON,
    ReplyKind.EXTENSION: AuditEvent.REQUEST_EXTEND,
    ReplyKind.ANSWER: AuditEvent.REQUEST_ANSWER,
}


def _reply(
    actor: User, agency_request: AgencyRequest, kind: str, text: str = "", **extra: object
) -> AgencyReply:
    reply = AgencyReply.objects.create(
        request=agency_request, kind=kind, text=text, by=actor, at=timezone.now(), **extra
    )
    audit_appeal(
        actor=actor,
        event=REPLY_EVENTS[ReplyKind(kind)],
        ref=agency_request.appeal.number,
        reason="agency reply",
        details={
            "request": agency_request.pk,
            "agency": agency_request.agency_id,
            **({"decided_by": reply.decided_by.username} if reply.decided_by else {}),
        },
    )
    return reply


def _locked_open(agency_request: AgencyRequest) -> AgencyRequest:
    locked = (
        AgencyRequest.objects.select_for_update().select_related("appeal").get(pk=agency_request.pk)
    )
    if not locked.open:
        raise Conflict(_("This request is already closed."), code="request_closed")
    return locked


def request_acknowledge(*, actor: User, agency_request: AgencyRequest) -> AgencyReply | None:
    """Receipt acknowledged; repeating it changes nothing."""
    with transaction.atomic():
        locked = _locked_open(agency_request)
        if locked.acknowledged_at:
            return None
        locked.acknowledged_at = timezone.now()
        if locked.status in (RequestStatus.QUEUED, RequestStatus.DELIVERED):
            locked.status = RequestStatus.ACKNOWLEDGED
        locked.save(update_fields=["acknowledged_at", "status"])
        return _reply(actor, locked, ReplyKind.ACKNOWLEDGED)


def request_confirm(
    *, actor: User, agency_request: AgencyRequest, confirmed: bool, measures: str
) -> AgencyReply:
    """Rule 13: the information is confirmed (with the initial measures taken) or not."""
    if confirmed and not measures.strip():
        raise FieldErrors(fields={"measures": _("Describe the initial measures taken.")})
    with transaction.atomic():
        locked = _locked_open(agency_request)
        locked.status = RequestStatus.CONFIRMED if confirmed else RequestStatus.NOT_CONFIRMED
        locked.acknowledged_at = locked.acknowledged_at or timezone.now()
        locked.save(update_fields=["status", "acknowledged_at"])
        kind = ReplyKind.CONFIRMED if confirmed else ReplyKind.NOT_CONFIRMED
        return _reply(actor, locked, kind, measures.strip())


def request_ask_clarification(
    *, actor: User, agency_request: AgencyRequest, question: str
) -> AgencyReply:
    """The agency needs more facts: the appeal goes back to the consultant."""
    if not question.strip():
        raise FieldErrors(fields={"question": _("Write the question.")})
    with transaction.atomic():
        locked = _locked_open(agency_request)
        locked.status = RequestStatus.CLARIFICATION
        locked.save(update_fields=["status"])
        reply = _reply(actor, locked, ReplyKind.CLARIFICATION, question.strip())
        appeal_follow(actor=actor, appeal=locked.appeal, to_status=Status.IN_PROGRESS)
    return reply


DECISION_SIGNATURES = (b"%PDF-", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")  # PDF, JPEG, PNG


def _decision_errors(
    actor: User, decider: User | None, decision: Attachment | None
) -> dict[str, str]:
    """Rule 11 (administrative procedure code): the head of the agency or a deputy decides an
    extension. A head records their own decision; anyone else records it with the signed
    decision attached (a scan or PDF) and names the head or deputy who signed it."""
    if decider is None and not actor.is_agency_head:
        return {
            "decided_by": _(
                "Only the head or a deputy head of the agency decides an extension: choose who "
                "decided it and attach the signed decision."
            )
        }
    errors = {}
    if decision is None and decider not in (None, actor):
        errors["decision"] = _("Attach the signed decision (a scan or PDF).")
    if decision and not decision.data.startswith(DECISION_SIGNATURES):
        errors["decision"] = _("The signed decision must be a PDF, JPEG or PNG file.")
    if decision and len(decision.data) > MAX_ATTACHMENT_BYTES:
        errors["decision"] = _("Each attachment must be under 700 KB.")
    return errors


def _term_errors(agency_request: AgencyRequest, until: datetime, reason: str) -> dict[str, str]:
    errors = {}
    if not reason.strip():
        errors["reason"] = _("Give the reason for the extension.")
    received = agency_request.delivered_at or agency_request.created_at
    if until > latest_extension(received):
        errors["until"] = _("An answer term can be extended to two months after receipt at most.")
    if agency_request.answer_due_at and until <= agency_request.answer_due_at:
        errors["until"] = _("The new term must be later than the current one.")
    return errors


def request_extend(
    *,
    actor: User,
    agency_request: AgencyRequest,
    until: datetime,
    reason: str,
    decided_by: User | None = None,
    decision: Attachment | None = None,
) -> AgencyReply:
    """Extend the answer term with a reason, up to MAX_EXTENSION_MONTHS from receipt in all, on
    the decision of the agency's head or deputy (`decided_by`; the acting officer when omitted),
    with the signed decision attached when someone else records it. The public status shows the new
    term at once (rule 6(l))."""
    errors = {
        **_term_errors(agency_request, until, reason),
        **_decision_errors(actor, decided_by, decision),
    }
    if errors:
        raise FieldErrors(fields=errors)
    with transaction.atomic():
        locked = _locked_open(agency_request)
        locked.answer_due_at = until
        locked.save(update_fields=["answer_due_at"])
        reply = _reply(
            actor,
            locked,
            ReplyKind.EXTENSION,
            reason.strip(),
            extended_until=until,
            decided_by=decided_by or actor,
        )
        ReplyAttachment.objects.bulk_create(_attachment_rows(reply, [decision] if decision else []))
    return reply


def request_pass_on(
    *, actor: User, agency_request: AgencyRequest, to: Agency, reason: str
) -> AgencyRequest:
    """Pass the request to the competent body: it gets the same content, nothing more."""
    if not reason.strip():
        raise FieldErrors(fields={"reason": _("Say why the other body is competent.")})
    if to.pk == agency_request.agency_id or not to.active:
        raise FieldErrors(fields={"agency": _("Choose another, active agency.")})
    contacts = automatic_contacts(to)
    if not contacts:
        raise FieldErrors(fields={"agency": _("That agency has no e-mail or webhook contact.")})
    now = timezone.now()
    with transaction.atomic():
        locked = _locked_open(agency_request)
        locked.status = RequestStatus.PASSED_ON
        locked.save(update_fields=["status"])
        _reply(actor, locked, ReplyKind.PASSED_ON, reason.strip())
        passed = AgencyRequest.objects.create(
            appeal=locked.appeal,
            agency=to,
            urgent=locked.urgent,
            proposed=False,
            choice_reason=reason.strip()[:500],
            content=locked.content,
            withheld=locked.withheld,
            created_by=actor,
            passed_from=locked,
        )
        queue_deliveries(passed, contacts, due=delivery_moment(to, urgent=locked.urgent, now=now))
    return passed


def _attachment_rows(reply: AgencyReply, files: list[Attachment]) -> list[ReplyAttachment]:
    return [
        ReplyAttachment(
            reply=reply,
            name=f.name[:200],
            content_type=f.content_type[:100],
            size=len(f.data),
            data=base64.b64encode(f.data).decode(),
        )
        for f in files
    ]


def request_answer(
    *,
    actor: User,
    agency_request: AgencyRequest,
    text: str,
    attachments: list[Attachment] | tuple[()] = (),
) -> AgencyReply:
    """The final answer. When no other request about the appeal is still open, the appeal is
    answered; the consultant closes it after telling the applicant."""
    if not text.strip():
        raise FieldErrors(fields={"text": _("Write the answer.")})
    if any(len(f.data) > MAX_ATTACHMENT_BYTES for f in attachments):
        raise FieldErrors(fields={"attachments": _("Each attachment must be under 700 KB.")})
    with transaction.atomic():
        locked = _locked_open(agency_request)
        locked.status = RequestStatus.ANSWERED
        locked.acknowledged_at = locked.acknowledged_at or timezone.now()
        locked.save(update_fields=["status", "acknowledged_at"])
        reply = _reply(actor, locked, ReplyKind.ANSWER, text.strip())
        ReplyAttachment.objects.bulk_create(_attachment_rows(reply, list(attachments)))
        if not any(r.open for r in locked.appeal.requests.exclude(pk=locked.pk)):
            appeal_follow(actor=actor, appeal=locked.appeal, to_status=Status.ANSWERED)
    return reply


def attachment_bytes(attachment: ReplyAttachment) -> bytes:
    return base64.b64decode(attachment.data)
