"""State changes of written conversations (rule 6(f)): each in one transaction, the row locked,
the audit row last. The applicant's secret code is made and checked with the appeals'
status-code helpers and kept only as a digest."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.appeals.actions import status_code_digest, status_code_new
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
)
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors
from qorgau.core.kztime import kz_year
from qorgau.core.roles import Perm
from qorgau.outreach.models import HeardFrom, School, SourceCode
from qorgau.reference.models import Region
from qorgau.staff.models import User

audit_conversation = AuditedKind("conversation")  # ref: the conversation's number
TEXT_MAX = 5000
CONTACT_MAX = 200
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
    # outreach (rule 6(s)): the school of a QR form, a campaign's source code, "heard of 111"
    school: School | None = None
    source: SourceCode | None = None
    heard_from: str = ""


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
    if data.heard_from and data.heard_from not in HeardFrom.values:
        raise FieldErrors(fields={"heard_from": _("Choose an answer from the list.")})
    name, contact = data.name.strip()[:CONTACT_MAX], data.contact.strip()[:CONTACT_MAX]
    code = status_code_new()
    now = timezone.now()
    with transaction.atomic():
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
