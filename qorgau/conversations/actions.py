"""State changes of written conversations (rule 6(f)): each in one transaction, the row locked,
the audit row last. The applicant's secret code is made and checked with the appeals'
status-code helpers and kept only as a digest."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.actions import status_code_digest, status_code_new
from qorgau.appeals.models import Appeal
from qorgau.audit.actions import AuditedKind
from qorgau.audit.events import AuditEvent
from qorgau.conversations.models import (
    ApplicantKind,
    Channel,
    Conversation,
    ConversationStatus,
    ConversationYearCounter,
    Direction,
    Message,
    Outcome,
)
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors
from qorgau.core.kztime import kz_year
from qorgau.core.roles import Perm, has_perm
from qorgau.reference.models import Region
from qorgau.staff.models import User

audit_conversation = AuditedKind("conversation")  # ref: the conversation's number
TEXT_MAX = 5000
CONTACT_MAX = 200
BODY_MAX = 300  # the competent body named (rule 6(o))
NUMBER_SQL = (
    "UPDATE conversations_conversationyearcounter SET last = last + 1 "
    "WHERE year = %(year)s RETURNING last"
)


@dataclass(frozen=True)
class ConversationData:
    """What the applicant filled in on the form; only `text` is required."""

    text: str
    name: str = ""
    contact: str = ""
    region: Region | None = None
    channel: Channel = Channel.WEB
    sender_index: str = ""  # messengers and e-mail: conversations.inbound.sender_blind_index


def _take_number(year: int) -> str:
    """The next number of the year; the counter row stays locked until the caller commits, so
    numbers are unique and gapless with any number of processes."""
    with connection.cursor() as cursor:
        cursor.execute(NUMBER_SQL, {"year": year})
        row = cursor.fetchone()
    if row is None:
        try:
            with transaction.atomic():
                ConversationYearCounter.objects.create(year=year, last=0)
        except IntegrityError:
            pass  # another conversation created it first
        return _take_number(year)
    return f"W-{year}-{int(row[0]):06d}"


def clean_text(text: str, *, empty: str = "") -> str:
    """The message as stored, or FieldErrors in the user's language (`empty`: what to say when
    nothing was written)."""
    text = text.strip()
    if not text:
        raise FieldErrors(fields={"text": empty or _("Write what happened.")})
    if len(text) > TEXT_MAX:
        raise FieldErrors(fields={"text": _("At most %(n)d characters, please.") % {"n": TEXT_MAX}})
    return text


def conversation_open(*, data: ConversationData, language: str) -> tuple[Conversation, str]:
    """A new conversation with the applicant's first message; returns it and its secret code,
    which is shown once and never stored."""
    text = clean_text(data.text)
    name, contact = data.name.strip()[:CONTACT_MAX], data.contact.strip()[:CONTACT_MAX]
    code = status_code_new()
    now = timezone.now()
    with transaction.atomic():
        conversation = Conversation.objects.create(
            number=_take_number(kz_year(now)),
            code_digest=status_code_digest(code),
            language=language if language in ("kk", "ru") else "kk",
            region=data.region,
            channel=data.channel,
            sender_index=data.sender_index,
            applicant_kind=ApplicantKind.INDIVIDUAL if name else ApplicantKind.ANONYMOUS,
            name=name,
            contact=contact,
            created_at=now,
            last_inbound_at=now,
        )
        Message.objects.create(conversation=conversation, direction=Direction.IN, text=text, at=now)
        audit_conversation(actor=None, event=AuditEvent.CONVERSATION_OPEN, ref=conversation.number)
    return conversation, code


def message_add_from_applicant(*, conversation: Conversation, text: str) -> Message:
    """The applicant writes more; a closed conversation takes no more messages."""
    text = clean_text(text)
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == ConversationStatus.CLOSED:
            raise Conflict(_("This conversation is closed."), code="conversation_closed")
        message = Message.objects.create(conversation=locked, direction=Direction.IN, text=text)
        locked.last_inbound_at = message.at
        locked.status = ConversationStatus.OPEN
        locked.save(update_fields=["last_inbound_at", "status"])
        audit_conversation(actor=None, event=AuditEvent.CONVERSATION_WRITE, ref=locked.number)
    return message


def message_reply(*, actor: User, conversation: Conversation, text: str) -> Message:
    """The centre answers; the conversation is then answered until the applicant writes again."""
    require(actor, Perm.CONVERSATION_HANDLE)
    text = clean_text(text, empty=_("Write the reply."))
    with transaction.atomic():
        locked = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if locked.status == ConversationStatus.CLOSED:
            raise Conflict(_("This conversation is closed."), code="conversation_closed")
        message = Message.objects.create(
            conversation=locked, direction=Direction.OUT, author=actor, text=text
        )
        locked.last_outbound_at = message.at
        locked.status = ConversationStatus.ANSWERED
        fields = ["last_outbound_at", "status"]
        if locked.first_reply_at is None:  # the first-response timer stops here
            locked.first_reply_at = message.at
            fields.append("first_reply_at")
        if locked.assigned_id is None:
            locked.assigned = actor
            fields.append("assigned")
        locked.save(update_fields=fields)
        audit_conversation(actor=actor, event=AuditEvent.CONVERSATION_REPLY, ref=locked.number)
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
