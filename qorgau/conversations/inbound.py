"""One way in for every written channel (rule 6(f), 2(7)): a message from a messenger, SMS or
e-mail joins its sender's open conversation on that channel, found by the blind index of the
sender's id, or opens a new one. The web form opens conversations through the same actions, so
whatever an arriving message sets off (risk check, alerts) happens once, in the actions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qorgau.conversations.abuse import sender_admitted
from qorgau.conversations.actions import (
    ConversationData,
    conversation_open,
    message_add_from_applicant,
)
from qorgau.conversations.models import Channel, Conversation, ConversationStatus, Message
from qorgau.core.crypto import blind_index


def sender_blind_index(channel: str, sender_id: str) -> str:
    """The keyed hash a sender is found by; the id itself is kept only encrypted (`contact`)."""
    return blind_index(f"sender-{channel}", sender_id.strip().lower())


@dataclass(frozen=True)
class Received:
    """What arrived: the conversation it joined or opened, and the stored message. `code` is
    the new conversation's secret code (shown to the applicant once) or "" when it joined."""

    conversation: Conversation
    message: Message
    code: str


def sender_open_conversation(channel: str, sender_id: str) -> Conversation | None:
    """The sender's latest conversation on this channel that is not closed."""
    return (
        Conversation.objects.filter(
            channel=channel, sender_index=sender_blind_index(channel, sender_id)
        )
        .exclude(status=ConversationStatus.CLOSED)
        .order_by("-created_at", "-pk")
        .first()
    )


def message_receive(
    *,
    channel: Channel,
    sender_id: str,
    text: str,
    language: str = "kk",
    name: str = "",
    files: Sequence[bytes] = (),
) -> Received | None:
    """Store an inbound message from `sender_id` (a chat id, phone number or e-mail address):
    it joins the sender's open conversation on `channel`, or opens one whose contact is the
    sender, so replies can go back the same way. `files`: photos and PDFs, checked as on the web
    form (conversations/attachments.py).

    None: the message was dropped, stored nowhere and owed no reply, because the sender is
    blocked or past their limit (conversations/abuse.py). A risky message is never dropped."""
    if not sender_admitted(channel, sender_blind_index(channel, sender_id), text):
        return None
    existing = sender_open_conversation(channel, sender_id)
    if existing is not None:
        message = message_add_from_applicant(conversation=existing, text=text, files=files)
        return Received(existing, message, "")
    conversation, code = conversation_open(
        data=ConversationData(
            text=text,
            name=name,
            contact=sender_id.strip(),
            channel=channel,
            sender_index=sender_blind_index(channel, sender_id),
            files=files,
        ),
        language=language,
    )
    return Received(conversation, conversation.messages.get(), code)
