"""The only ways to fetch a conversation. The applicant: by number and secret code, throttled
per client address like the status look-up (appeals/lookup_throttle.py), a wrong code and an
unknown number answered the same. Staff: by number, with `conversation.handle`; showing the
texts is a view of personal data and is audited."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from qorgau.appeals.actions import status_code_digest
from qorgau.appeals.lookup_throttle import (
    client_key,
    lookup_failed,
    lookup_reserve,
    lookup_succeeded,
)
from qorgau.audit.events import AuditEvent
from qorgau.conversations.actions import audit_conversation
from qorgau.conversations.attachments import attachment_content
from qorgau.conversations.models import Conversation, Message, MessageAttachment
from qorgau.core.access import require
from qorgau.core.errors import NotFound, Throttled
from qorgau.core.roles import Perm

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User

DUMMY_DIGEST = "0" * 64


def throttle_reserve(client: str) -> str:
    """Count one public request from the address, or Throttled; returns its client key."""
    key = client_key(client)
    if not lookup_reserve(key):
        raise Throttled()
    return key


def access_conversation_public(*, client: str, number: str, code: str) -> Conversation:
    """The conversation whose number and code these are, or the same NotFound for a wrong code
    and an unknown number (compared in constant time); Throttled past the address's limit."""
    key = throttle_reserve(client)
    number = number.replace("\x00", "").strip().upper()[:40]  # NUL: unknown, not a 500
    conversation = Conversation.objects.filter(number=number).first()
    expected = conversation.code_digest if conversation else DUMMY_DIGEST
    if not hmac.compare_digest(expected, status_code_digest(code)) or conversation is None:
        lookup_failed(key, number)
        raise NotFound(_("No conversation matches this number and code."))
    lookup_succeeded(key)
    return conversation


def public_thread(conversation: Conversation) -> list[Message]:
    """The messages of a conversation its applicant opened with number and code, oldest first
    (no staff names: the page signs the centre's replies "111 centre")."""
    return list(conversation.messages.prefetch_related("attachments"))


def access_conversation(user: User | AnonymousUser, number: str) -> Conversation:
    """A conversation for staff with `conversation.handle` (403 without, 404 if none)."""
    require(user, Perm.CONVERSATION_HANDLE)
    conversation = (
        Conversation.objects.select_related("region", "assigned").filter(number=number).first()
    )
    if conversation is None:
        raise NotFound()
    return conversation


def access_thread(user: User | AnonymousUser, conversation: Conversation) -> list[Message]:
    """The messages, oldest first, for staff; the view of their texts is audited."""
    require(user, Perm.CONVERSATION_HANDLE)
    messages = list(conversation.messages.select_related("author").prefetch_related("attachments"))
    audit_conversation(actor=user, event=AuditEvent.CONVERSATION_VIEW, ref=conversation.number)
    return messages


def _attachment_of(conversation: Conversation, attachment_id: int) -> MessageAttachment:
    found = MessageAttachment.objects.filter(
        pk=attachment_id, message__conversation=conversation
    ).first()
    if found is None:
        raise NotFound()
    return found


def attachment_download(
    actor: User | AnonymousUser | None, conversation: Conversation, attachment_id: int
) -> tuple[MessageAttachment, bytes]:
    """A file of the conversation, decrypted and checked; every download is audited (rule 5),
    by the staff member or, with no actor, by the applicant who gave the number and code."""
    found = _attachment_of(conversation, attachment_id)
    data = attachment_content(found)
    audit_conversation(
        actor=actor,
        event=AuditEvent.ATTACHMENT_DOWNLOAD,
        ref=conversation.number,
        details={"attachment": found.pk},
    )
    return found, data
