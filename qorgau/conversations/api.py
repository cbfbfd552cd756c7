"""Written conversations in the API: the inbox's queues with their counts, a supervisor's
assign, closing with an outcome, and the first-reply breaches. Thin: the same selectors,
access helpers and actions as the pages; never a message text."""

from __future__ import annotations

from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Router

from qorgau.appeals.access import access_appeal
from qorgau.conversations.access import access_conversation
from qorgau.conversations.actions import (
    conversation_assign,
    conversation_close,
    conversation_link_appeal,
)
from qorgau.conversations.models import Conversation
from qorgau.conversations.schemas import AssignIn, AttachIn, CloseIn, ConversationOut, InboxOut
from qorgau.conversations.selectors import (
    assignable_staff,
    first_reply_breaches,
    first_reply_due,
    queue_counts,
)
from qorgau.conversations.selectors import inbox as inbox_rows
from qorgau.core.access import require
from qorgau.core.api import StaffRequest, responses
from qorgau.core.errors import FieldErrors, NotFound
from qorgau.core.roles import Perm

router = Router(tags=["written appeals"])
LIMIT = 500


def _row(c: Conversation) -> dict[str, Any]:
    return {
        "number": c.number,
        "status": c.status,
        "language": c.language,
        "channel": c.channel,
        "urgent": c.urgent,
        "region": c.region.code if c.region else "",
        "assigned": c.assigned.username if c.assigned else "",
        "created_at": c.created_at,
        "last_inbound_at": c.last_inbound_at,
        "first_reply_at": c.first_reply_at,
        "first_reply_due": first_reply_due(c),
        "outcome": c.outcome,
        "appeal": c.appeal.number if c.appeal else "",
    }


@router.get(
    "/conversations",
    response=responses(InboxOut),
    summary="A queue of the inbox (urgent first) and the count of every queue",
)
def inbox(
    request: StaffRequest,
    queue: Literal["all", "urgent", "mine", "untaken", "closed"] = "all",
    lang: Literal["", "kk", "ru"] = "",
) -> dict[str, Any]:
    require(request.user, Perm.CONVERSATION_HANDLE)
    rows = inbox_rows(request.user, queue=queue, lang=lang).select_related("appeal")[:LIMIT]
    return {"counts": queue_counts(request.user, lang=lang), "items": [_row(c) for c in rows]}


@router.get(
    "/conversations/breaches",
    response=responses(list[ConversationOut]),
    summary="Conversations whose first reply is overdue (supervisors)",
)
def breaches(request: StaffRequest) -> list[dict[str, Any]]:
    require(request.user, Perm.CONVERSATION_ASSIGN)
    return [_row(c) for c in first_reply_breaches().select_related("appeal")[:LIMIT]]


@router.post(
    "/conversations/{number}/assign",
    response=responses(ConversationOut, 409),
    summary="Give a conversation to a consultant or supervisor (supervisors)",
)
def assign(request: StaffRequest, number: str, payload: AssignIn) -> dict[str, Any]:
    require(request.user, Perm.CONVERSATION_ASSIGN)
    conversation = access_conversation(request.user, number)
    to = assignable_staff().filter(username=payload.assignee).first()
    if to is None:
        raise FieldErrors(fields={"assignee": _("Choose an active consultant or supervisor.")})
    return _row(conversation_assign(actor=request.user, conversation=conversation, to=to))


@router.post(
    "/conversations/{number}/close",
    response=responses(ConversationOut, 409),
    summary="Close a conversation with an outcome (rules 6(n), 6(o))",
)
def close(request: StaffRequest, number: str, payload: CloseIn) -> dict[str, Any]:
    conversation = access_conversation(request.user, number)
    closed = conversation_close(
        actor=request.user,
        conversation=conversation,
        outcome=payload.outcome,
        competent_body=payload.competent_body,
    )
    return _row(closed)


@router.post(
    "/conversations/{number}/appeal",
    response=responses(ConversationOut, 409),
    summary="Attach a conversation to an existing appeal, by its registration number",
)
def attach(request: StaffRequest, number: str, payload: AttachIn) -> dict[str, Any]:
    conversation = access_conversation(request.user, number)
    require(request.user, Perm.APPEAL_VIEW)
    try:
        appeal = access_appeal(request.user, payload.appeal.strip().upper())
    except NotFound:
        raise FieldErrors(fields={"appeal": _("No appeal has this number.")}) from None
    linked = conversation_link_appeal(
        actor=request.user, conversation=conversation, appeal=appeal, registered=False
    )
    return _row(linked)
