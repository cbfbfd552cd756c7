"""State changes of written conversations (rule 6(f)): each in one transaction, the row locked,
the audit row last. The applicant's secret code is made and checked with the appeals'
status-code helpers and kept only as a digest."""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.actions import status_code_digest, status_code_new
from qorgau.appeals.models import Appeal
from qorgau.audit.actions import AuditedKind
from qorgau.audit.events import AuditEvent
from qorgau.conversations.attachments import (
    StoredFile,
    attachments_clean,
    attachments_discard,
    attachments_link,
    attachments_store,
)
from qorgau.conversations.channels.email import email_reply_queue
from qorgau.conversations.models import (
    ApplicantKind,
    BlockedSender,
    Channel,
    Conversation,
    ConversationStatus,
    ConversationYearCounter,
    Direction,
    Message,
    Outcome,
)
from qorgau.conversations.outbox import outgoing_for_reply
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors, NotFound
from qorgau.core.kztime import kz_year
from qorgau.core.roles import Perm, has_perm
from qorgau.core.sql import counter_next
from qorgau.outreach.models import HeardFrom, School, SourceCode
from qorgau.reference.models import Region
from qorgau.staff.models import User
from qorgau.triage.actions import suggestion_make
from qorgau.triage.models import SubjectKind
from qorgau.triage.risk import RiskResult, risk_assess

audit_conversation = AuditedKind("conversation")  # ref: the conversation's number
TEXT_MAX = 5000
CONTACT_MAX = 200
BODY_MAX = 300  # the competent body named (rule 6(o))
NUMBER_SQL = (
    "UPDATE conversations_conversationyearcounter SET last = last + 1 "
    "WHERE year = %(year)s RETURNING last"
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConversationData:
    """What the applicant filled in on the form; only `text` is required. `kind`: who writes
    (anonymous, a person, an organisation); empty: a person if a name is given."""

    text: str
    name: str = ""
    kind: str = ""
    contact: str = ""
    region: Region | None = None
    channel: Channel = Channel.WEB
    sender_index: str = ""  # messengers and e-mail: conversations.inbound.sender_blind_index
    files: Sequence[bytes] = ()  # photos and PDFs as uploaded (conversations/attachments.py)
    # outreach (rule 6(s)): the school of a QR form, a campaign's source code, "heard of 111"
    school: School | None = None
    source: SourceCode | None = None
    heard_from: str = ""


def _take_number(year: int) -> str:
    """The next number of the year; the counter row stays locked until the caller commits, so
    numbers are unique and gapless with any number of processes (core/sql.py)."""
    return f"W-{year}-{counter_next(ConversationYearCounter, year, NUMBER_SQL, {'year': year}):06d}"


def nul_refused() -> str:
    return _("Text must not contain NUL characters.")


def clean_text(text: str, *, empty: str = "", files: bool = False) -> str:
    """The message as stored, or FieldErrors in the user's language (`empty`: what to say when
    nothing was written; with `files` a message may be only its files)."""
    text = text.strip()
    if "\x00" in text:  # PostgreSQL cannot store it: refused, never a 500
        raise FieldErrors(fields={"text": nul_refused()})
    if not text and not files:
        raise FieldErrors(fields={"text": empty or _("Write what happened.")})
    if len(text) > TEXT_MAX:
        raise FieldErrors(fields={"text": _("At most %(n)d characters, please.") % {"n": TEXT_MAX}})
    return text


def _merge_flags(stored: str, found: tuple[str, ...]) -> str:
    """The conversation's flags with the new ones added (never removed: rule 6(j))."""
    flags = [flag for flag in stored.split(",") if flag]
    flags += [flag for flag in found if flag not in flags]
    return ",".join(flags)


def _applicant_text(conversation: Conversation) -> str:
    """Everything the applicant wrote in the conversation, oldest first."""
    messages = conversation.messages.filter(direction=Direction.IN).order_by("at", "id")
    return "\n".join(m.text for m in messages)


def _read_on_arrival(conversation: Conversation, text: str, risk: RiskResult) -> RiskResult:
    """The triage assistant reads the applicant's words as they arrive, at night too (rule
    6(j)): its suggestion is stored for the inbox, and urgency errs toward recall, so a text the
    model reads as urgent alerts like the danger words do. If the model cannot run, the danger
    words alone decide and the message is kept all the same."""
    try:
        with transaction.atomic():  # a savepoint: a failed reading leaves the message's write whole
            shown = suggestion_make(
                actor=None,
                text=text,
                subject_kind=SubjectKind.CONVERSATION,
                subject_number=conversation.number,
            )
    except Exception:  # the message is stored whatever happens to its reading
        logger.exception("triage reading failed for conversation %s", conversation.number)
        return risk
    if risk or conversation.urgent or shown is None or not shown.reading.urgent:
        return risk  # an urgent conversation stays urgent; only new danger words add flags
    return RiskResult(flags=shown.reading.flags)


def _risk_noted(conversation: Conversation, risk: RiskResult) -> list[str]:
    """A risky message (rule 6(j)) makes its conversation urgent (never less) and adds its flags;
    the audit row names the flags only, never the words. The fields to save; the alert on every
    staff page (views.alerts) follows from `urgent` on a conversation nobody has taken."""
    if not risk:
        return []
    conversation.urgent = True
    conversation.risk_flags = _merge_flags(conversation.risk_flags, risk.flags)
    audit_conversation(
        actor=None,
        event=AuditEvent.CONVERSATION_RISK,
        ref=conversation.number,
        details={"flags": list(risk.flags)},
    )
    return ["urgent", "risk_flags"]


@contextmanager
def _with_files(uploads: Sequence[bytes]) -> Iterator[list[StoredFile]]:
    """Check the files (FieldErrors before anything is stored), write them encrypted, and yield
    them for one transaction that links them; if it fails they are deleted again."""
    cleaned = attachments_clean(uploads)
    stored = attachments_store(cleaned)
    try:
        with transaction.atomic():
            yield stored
    except BaseException:
        attachments_discard(stored)
        raise


def _details(files: Sequence[object]) -> dict[str, int] | None:
    return {"files": len(files)} if files else None


def _applicant_kind(kind: str, name: str) -> str:
    """Who writes: as chosen (a person or an organisation must give a name; an anonymous
    applicant's name, if typed, is not kept), else a person when a name is given and anonymous
    without one."""
    if not kind:
        return ApplicantKind.INDIVIDUAL if name else ApplicantKind.ANONYMOUS
    if kind not in ApplicantKind.values:
        raise FieldErrors(fields={"kind": _("Choose an answer from the list.")})
    if kind == ApplicantKind.ORGANISATION and not name:
        raise FieldErrors(fields={"name": _("Write the organisation's name.")})
    if kind == ApplicantKind.INDIVIDUAL and not name:
        raise FieldErrors(fields={"name": _("Write your name, or choose to write anonymously.")})
    return kind


def conversation_open(*, data: ConversationData, language: str) -> tuple[Conversation, str]:
    """A new conversation with the applicant's first message (and its files); returns it and
    its secret code, which is shown once and never stored."""
    text = clean_text(data.text, files=bool(data.files))
    risk = risk_assess(text)
    if data.heard_from and data.heard_from not in HeardFrom.values:
        raise FieldErrors(fields={"heard_from": _("Choose an answer from the list.")})
    if refused := {f: nul_refused() for f in ("name", "contact") if "\x00" in getattr(data, f)}:
        raise FieldErrors(fields=refused)
    name, contact = data.name.strip()[:CONTACT_MAX], data.contact.strip()[:CONTACT_MAX]
    kind = _applicant_kind(data.kind, name)
    code = status_code_new()
    now = timezone.now()
    with _with_files(data.files) as stored:
        conversation = Conversation.objects.create(
            number=_take_number(kz_year(now)),
            code_digest=status_code_digest(code),
            language=language if language in ("kk", "ru") else "kk",
            region=data.region or (data.school.region if data.school else None),
            channel=Channel.SCHOOL if data.school else data.channel,
            sender_index=data.sender_index,
            school=data.school,
            source=data.source,
            heard_from=data.heard_from,
            applicant_kind=kind,
            name="" if kind == ApplicantKind.ANONYMOUS else name,
            contact=contact,
            created_at=now,
            last_inbound_at=now,
        )
        message = Message.objects.create(
            conversation=conversation,
            direction=Direction.IN,
            text=text,
            at=now,
            risk_flags=",".join(risk.flags),
        )
        attachments_link(message, stored)
        audit_conversation(
            actor=None,
            event=AuditEvent.CONVERSATION_OPEN,
            ref=conversation.number,
            details=_details(stored),
        )
        risk = _read_on_arrival(conversation, text, risk)
        if fields := _risk_noted(conversation, risk):
            conversation.save(update_fields=fields)
    return conversation, code


def message_add_from_applicant(
    *, conversation: Conversation, text: str, files: Sequence[bytes] = ()
) -> Message:
    """The applicant writes more (with files); a closed conversation takes no more messages."""
    text = clean_text(text, files=bool(files))
    risk = risk_assess(text)
    with _with_files(files) as stored:
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == ConversationStatus.CLOSED:
            raise Conflict(_("This conversation is closed."), code="conversation_closed")
        message = Message.objects.create(
            conversation=locked, direction=Direction.IN, text=text, risk_flags=",".join(risk.flags)
        )
        attachments_link(message, stored)
        locked.last_inbound_at = message.at
        locked.awaiting_reply = True
        locked.status = ConversationStatus.OPEN
        audit_conversation(
            actor=None,
            event=AuditEvent.CONVERSATION_WRITE,
            ref=locked.number,
            details=_details(stored),
        )
        risk = _read_on_arrival(locked, _applicant_text(locked), risk)
        fields = ["last_inbound_at", "awaiting_reply", "status", *_risk_noted(locked, risk)]
        locked.save(update_fields=fields)
    return message


def message_reply(
    *, actor: User, conversation: Conversation, text: str, files: Sequence[bytes] = ()
) -> Message:
    """The centre answers (with files); the conversation is then answered until the applicant
    writes again. The reply goes back by e-mail in its thread, or on the messenger it came by,
    or the applicant gets a notice that it is waiting (conversations/outbox.py, rules 5, 6(l))."""
    require(actor, Perm.CONVERSATION_HANDLE)
    text = clean_text(text, empty=_("Write the reply."))
    with _with_files(files) as stored:
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == ConversationStatus.CLOSED:
            raise Conflict(_("This conversation is closed."), code="conversation_closed")
        message = Message.objects.create(
            conversation=locked, direction=Direction.OUT, author=actor, text=text
        )
        attachments_link(message, stored)
        if locked.channel == Channel.EMAIL:
            email_reply_queue(message)
        locked.last_outbound_at = message.at
        locked.awaiting_reply = False
        locked.status = ConversationStatus.ANSWERED
        fields = ["last_outbound_at", "awaiting_reply", "status"]
        if locked.first_reply_at is None:  # the first-response timer stops here
            locked.first_reply_at = message.at
            fields.append("first_reply_at")
        if locked.assigned_id is None:
            locked.assigned = actor
            fields.append("assigned")
        locked.save(update_fields=fields)
        outgoing_for_reply(locked, message)  # back on its messenger, or a notice (outbox.py)
        audit_conversation(
            actor=actor,
            event=AuditEvent.CONVERSATION_REPLY,
            ref=locked.number,
            details=_details(stored),
        )
    return message


def conversation_claim(*, actor: User, conversation: Conversation) -> Conversation:
    """The consultant takes a conversation nobody has taken (never a colleague's)."""
    require(actor, Perm.CONVERSATION_HANDLE)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.assigned_id == actor.pk:
            return locked
        if locked.assigned_id is not None:
            raise Conflict(
                _("A colleague has already taken this conversation."), code="conversation_taken"
            )
        locked.assigned = actor
        locked.save(update_fields=["assigned"])
        audit_conversation(actor=actor, event=AuditEvent.CONVERSATION_CLAIM, ref=locked.number)
    return locked


def sender_block(*, actor: User, conversation: Conversation, reason: str) -> BlockedSender:
    """A supervisor blocks the sender of a conversation (rule 5: abuse of the channel): their
    next messages are stored nowhere and answered by nothing, except risky ones (rule 6(j))."""
    require(actor, Perm.CONVERSATION_BLOCK)
    reason = reason.strip()[:300]
    if not reason:
        raise FieldErrors(fields={"reason": _("Say why the sender is blocked.")})
    if not conversation.sender_index:
        raise FieldErrors(
            _("This sender cannot be blocked: nothing identifies them."), code="not_blockable"
        )
    with transaction.atomic():
        blocked = BlockedSender.objects.filter(
            channel=conversation.channel, sender_index=conversation.sender_index, active=True
        ).first()
        if blocked is not None:
            return blocked
        blocked = BlockedSender.objects.create(
            channel=conversation.channel,
            sender_index=conversation.sender_index,
            number=conversation.number,
            reason=reason,
            created_by=actor,
        )
        audit_conversation(
            actor=actor, event=AuditEvent.CONVERSATION_BLOCK, ref=conversation.number, reason=reason
        )
    return blocked


def sender_unblock(*, actor: User, blocked_id: int) -> BlockedSender:
    """A supervisor lifts a block; audited on the conversation it was set from."""
    require(actor, Perm.CONVERSATION_BLOCK)
    with transaction.atomic():
        blocked = BlockedSender.objects.select_for_update().filter(pk=blocked_id).first()
        if blocked is None:
            raise NotFound()
        if not blocked.active:
            return blocked
        blocked.active = False
        blocked.save(update_fields=["active"])
        audit_conversation(actor=actor, event=AuditEvent.CONVERSATION_UNBLOCK, ref=blocked.number)
    return blocked


def conversation_assign(*, actor: User, conversation: Conversation, to: User) -> Conversation:
    """A supervisor gives a conversation to a colleague who handles written appeals, or takes it
    from one (`conversation.assign`); the audit row names both, never a text."""
    require(actor, Perm.CONVERSATION_ASSIGN)
    if not has_perm(to, Perm.CONVERSATION_HANDLE):
        raise FieldErrors(fields={"to": _("Choose an active consultant or supervisor.")})
    with transaction.atomic():
        rows = Conversation.objects.select_for_update(of=("self",)).select_related("assigned")
        locked = rows.get(pk=conversation.pk)
        if locked.assigned_id == to.pk:
            return locked
        previous = locked.assigned.username if locked.assigned else ""
        locked.assigned = to
        locked.save(update_fields=["assigned"])
        audit_conversation(
            actor=actor,
            event=AuditEvent.CONVERSATION_ASSIGN,
            ref=locked.number,
            details={"from": previous, "to": to.username},
        )
    return locked


def conversation_close(
    *, actor: User, conversation: Conversation, outcome: str, competent_body: str = ""
) -> Conversation:
    """Close with an outcome: a consultation given, transferred to 1414 (rule 6(n)), outside the
    centre's competence with the competent body named (rule 6(o)), or — a supervisor only — no
    reply needed. A consultant closes only a conversation that is theirs or nobody's."""
    require(actor, Perm.CONVERSATION_HANDLE)
    if outcome not in Outcome.values:
        raise FieldErrors(fields={"outcome": _("Choose how the conversation ends.")})
    if outcome == Outcome.NO_REPLY_NEEDED:
        require(actor, Perm.CONVERSATION_ASSIGN)
    body = competent_body.strip()
    if outcome == Outcome.OUT_OF_COMPETENCE and not body:
        raise FieldErrors(
            fields={"competent_body": _("Name the body competent to resolve the issue.")}
        )
    if len(body) > BODY_MAX:
        raise FieldErrors(
            fields={"competent_body": _("At most %(n)d characters, please.") % {"n": BODY_MAX}}
        )
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == ConversationStatus.CLOSED:
            raise Conflict(_("This conversation is closed."), code="conversation_closed")
        if locked.assigned_id not in (None, actor.pk) and not has_perm(
            actor, Perm.CONVERSATION_ASSIGN
        ):
            raise Conflict(
                _("A colleague has already taken this conversation."), code="conversation_taken"
            )
        locked.status = ConversationStatus.CLOSED
        locked.outcome = outcome
        locked.competent_body = body if outcome == Outcome.OUT_OF_COMPETENCE else ""
        locked.closed_at = timezone.now()
        fields = ["status", "outcome", "competent_body", "closed_at"]
        if locked.assigned_id is None:
            locked.assigned = actor
            fields.append("assigned")
        locked.save(update_fields=fields)
        audit_conversation(
            actor=actor,
            event=AuditEvent.CONVERSATION_CLOSE,
            ref=locked.number,
            details={"outcome": outcome},
        )
    return locked


def conversation_link_appeal(
    *, actor: User, conversation: Conversation, appeal: Appeal, registered: bool
) -> Conversation:
    """Link a conversation to the appeal registered from it (`registered`: then the applicant's
    conversation code opens the appeal's status too) or to an existing appeal on the same matter
    (then the applicant's conversation page shows that appeal's number and status only)."""
    require(actor, Perm.CONVERSATION_HANDLE)
    require(actor, Perm.APPEAL_VIEW)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.appeal_id == appeal.pk and locked.appeal_registered_here >= registered:
            return locked
        if locked.appeal_id is not None and locked.appeal_id != appeal.pk:
            raise Conflict(
                _("This conversation is already linked to an appeal."), code="conversation_linked"
            )
        locked.appeal = appeal
        locked.appeal_registered_here = registered
        locked.save(update_fields=["appeal", "appeal_registered_here"])
        audit_conversation(
            actor=actor,
            event=AuditEvent.CONVERSATION_APPEAL,
            ref=locked.number,
            details={"appeal": appeal.number, "how": "registered" if registered else "attached"},
        )
    return locked
