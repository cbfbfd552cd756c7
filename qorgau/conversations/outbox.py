"""The conversations' outbox: replies, notices and new numbers and codes sent to applicants
(rule 6(f), 6(l)), claimed and sent by the same `qorgau deliver` workers as the agencies'
deliveries (core/outbox.py: SKIP LOCKED claim, lease, back-off).

What is queued (inside the transaction of the action, so it is never lost or sent for a change
that rolled back; workers are woken at commit):
- a conversation that came by Telegram, WhatsApp or SMS gets the reply text itself back on
  that channel, cut into parts the channel takes, each due 2 s after the one before so that
  parallel workers send them in order;
- a web or school conversation whose applicant left a phone number or an e-mail address gets a
  NOTICE only, in the conversation's language: there is a reply, open the conversation page
  with your number and code. The reply's content never leaves by SMS or e-mail (rule 5). One
  notice waits at a time: replies written before it went out do not add more;
- a new conversation from a messenger gets its number and code (`outgoing_code`).

Failures back off by OUTBOX_BACKOFF_SECONDS; after OUTBOX_MAX_ATTEMPTS (or an error that will
not heal, e.g. the user blocked the bot) the row is dead and audited. A sent or dead row keeps
no text and no address. Rows of a channel with no sender registered stay
pending and are not claimed (channels/__init__.py). E-mail replies and a new e-mail
conversation's number and code are queued by channels/email.py, in the applicant's thread."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from qorgau.audit.actions import AuditedKind
from qorgau.audit.events import AuditEvent
from qorgau.conversations.channels import SENDERS, ChannelFailed, sms, telegram, whatsapp
from qorgau.conversations.models import (
    Channel,
    Conversation,
    Message,
    Outgoing,
    OutgoingKind,
    OutgoingStatus,
)
from qorgau.core.outbox import backoff, lease_claim, outbox_wake

MESSENGERS = (Channel.TELEGRAM, Channel.WHATSAPP, Channel.SMS)
PART_LIMITS = {
    Channel.TELEGRAM: telegram.TEXT_LIMIT,
    Channel.WHATSAPP: whatsapp.TEXT_LIMIT,
    Channel.SMS: sms.TEXT_LIMIT,
}
audit_conversation = AuditedKind("conversation")  # as in actions.py
PART_SPACING = timedelta(seconds=2)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def contact_route(contact: str) -> tuple[Channel, str] | None:
    """How the web form's "how can we answer you" is used: an e-mail address → e-mail; a
    Kazakhstan mobile number (+7 / 8 and ten digits, spaces, dashes and brackets allowed) → SMS
    to +7…; anything else (a name, a street address) → no notice."""
    contact = contact.strip()
    if EMAIL_RE.match(contact):
        return Channel.EMAIL, contact
    digits = re.sub(r"[\s\-()]", "", contact)
    if digits.startswith("+"):
        digits = digits[1:]
    if not digits.isdigit():
        return None
    if len(digits) == 11 and digits[0] in "78":
        return Channel.SMS, "+7" + digits[1:]
    if len(digits) == 10 and digits[0] == "7":
        return Channel.SMS, "+7" + digits
    return None


def _parts(text: str, limit: int) -> list[str]:
    """The text cut into parts of at most `limit` characters, at a line or word end if any."""
    parts = []
    while len(text) > limit:
        cut = max(text.rfind("\n", 0, limit), text.rfind(" ", 0, limit))
        cut = cut if cut > limit // 2 else limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [*parts, text] if text else parts


def conversation_page_url() -> str:
    return settings.QORGAU_PUBLIC_URL.rstrip("/") + "/conversation/"


def notice_text(language: str) -> str:
    """The notice, without any content of the reply."""
    with translation.override(language):
        notice = _(
            "There is a reply to your appeal at 111. Open the conversation page with your "
            "number and code."
        )
        return f"{notice} {conversation_page_url()}"


def code_text(conversation: Conversation, code: str) -> str:
    with translation.override(conversation.language):
        return _(
            "111 received your message. Number: %(number)s, code: %(code)s. Keep them: we "
            "answer here, and with them you can also read the conversation at %(url)s"
        ) % {"number": conversation.number, "code": code, "url": conversation_page_url()}


def _queue(conversation: Conversation, **fields: object) -> Outgoing:
    transaction.on_commit(outbox_wake)
    return Outgoing.objects.create(conversation=conversation, **fields)


def outgoing_for_reply(conversation: Conversation, message: Message) -> list[Outgoing]:
    """Queue what a reply sends (see the module's docstring); call inside the reply's
    transaction, with the conversation locked. An e-mail conversation's reply is queued as a
    mail in its thread instead (channels/email.py: email_reply_queue)."""
    if conversation.channel == Channel.EMAIL:
        return []
    if conversation.channel in MESSENGERS and conversation.contact:
        now = timezone.now()
        return [
            _queue(
                conversation,
                message=message,
                channel=conversation.channel,
                kind=OutgoingKind.REPLY,
                address=conversation.contact,
                text=part,
                due_at=now + PART_SPACING * i,  # so parallel workers keep the parts in order
            )
            for i, part in enumerate(
                _parts(message.text, PART_LIMITS[Channel(conversation.channel)])
            )
        ]
    route = contact_route(conversation.contact) if conversation.contact else None
    if route is None:
        return []
    waiting = conversation.outgoing.filter(
        kind=OutgoingKind.NOTICE, status__in=(OutgoingStatus.PENDING, OutgoingStatus.SENDING)
    )
    if waiting.exists():
        return []
    channel, address = route
    return [
        _queue(
            conversation,
            channel=channel,
            kind=OutgoingKind.NOTICE,
            address=address,
            text=notice_text(conversation.language),
        )
    ]


def outgoing_code(conversation: Conversation, code: str) -> Outgoing:
    """Send a new messenger conversation its number and code, on the channel it came by."""
    with transaction.atomic():
        return _queue(
            conversation,
            channel=conversation.channel,
            kind=OutgoingKind.CODE,
            address=conversation.contact,
            text=code_text(conversation, code),
        )


def outgoing_claim(worker: str, limit: int) -> list[Outgoing]:
    """Up to `limit` due rows of channels that have a sender, oldest first."""
    ids = lease_claim(
        Outgoing.objects.filter(channel__in=list(SENDERS)),
        worker=worker,
        limit=limit,
        order_by=("due_at", "pk"),
    )
    return list(Outgoing.objects.filter(pk__in=ids).order_by("due_at", "pk"))


def _record(outgoing: Outgoing, worker: str, now: datetime, result: str | ChannelFailed) -> None:
    with transaction.atomic():
        ours = Outgoing.objects.select_for_update().filter(
            pk=outgoing.pk, status=OutgoingStatus.SENDING, claimed_by=worker
        )
        if not ours.exists():
            return  # the lease ran out and another worker took it
        if isinstance(result, str):
            ours.update(
                status=OutgoingStatus.SENT,
                sent_at=now,
                external_id=result[:200],
                lease_until=None,
                last_error="",
                text="",
                address="",
            )
            return
        error = str(result)[:300]
        if not result.permanent and outgoing.attempts < settings.OUTBOX_MAX_ATTEMPTS:
            ours.update(
                status=OutgoingStatus.PENDING,
                due_at=now + backoff(outgoing.attempts, settings.OUTBOX_BACKOFF_SECONDS),
                lease_until=None,
                last_error=error,
            )
            return
        ours.update(
            status=OutgoingStatus.DEAD, lease_until=None, last_error=error, text="", address=""
        )
        audit_conversation(
            actor=None,
            event=AuditEvent.CONVERSATION_SEND_FAIL,
            ref=Conversation.objects.values_list("number", flat=True).get(
                pk=outgoing.conversation_id
            ),
            reason=error,
            details={"outgoing": outgoing.pk, "kind": outgoing.kind, "attempts": outgoing.attempts},
        )


def outgoing_deliver(outgoing: Outgoing, worker: str) -> bool:
    """Send one claimed row on its channel and record the outcome; True if it was sent."""
    sender = SENDERS.get(outgoing.channel)
    result: str | ChannelFailed
    if sender is None:
        result = ChannelFailed(f"{outgoing.channel}: no sender is registered")
    else:
        try:
            result = sender(outgoing)
        except ChannelFailed as exc:
            result = exc
    _record(outgoing, worker, timezone.now(), result)
    return isinstance(result, str)
