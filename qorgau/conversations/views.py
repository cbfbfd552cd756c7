"""Staff pages of written conversations: the inbox and one conversation (read, claim, reply).
Forms work without script: a plain POST, then a redirect or the page again with its error."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.conversations.abuse import sender_blocked
from qorgau.conversations.access import access_conversation, access_thread, attachment_download
from qorgau.conversations.actions import (
    conversation_claim,
    message_reply,
    sender_block,
    sender_unblock,
)
from qorgau.conversations.attachments import files_form, uploads
from qorgau.conversations.models import Conversation
from qorgau.conversations.risk import flag_labels
from qorgau.conversations.selectors import blocked_senders, urgent_unclaimed
from qorgau.conversations.selectors import inbox as inbox_rows
from qorgau.core.errors import ApplicationError
from qorgau.core.files import file_response
from qorgau.core.roles import Perm, has_perm
from qorgau.staff.auth import request_user


def waiting_phrase(since: datetime, now: datetime) -> str:
    """How long the applicant has waited, as one translated sentence."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return ngettext("Waiting %(n)d minute", "Waiting %(n)d minutes", minutes) % {"n": minutes}
    hours = minutes // 60
    if hours < 48:
        return ngettext("Waiting %(n)d hour", "Waiting %(n)d hours", hours) % {"n": hours}
    days = hours // 24
    return ngettext("Waiting %(n)d day", "Waiting %(n)d days", days) % {"n": days}


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """Open conversations, those waiting for our reply first; never a message text."""
    if not has_perm(request.user, Perm.CONVERSATION_HANDLE):
        raise PermissionDenied
    now = timezone.now()
    rows = [(row, waiting_phrase(row.last_inbound_at, now)) for row in inbox_rows()]
    return render(request, "conversations/inbox.html", {"rows": rows})


def _thread(
    request: HttpRequest, conversation: Conversation, *, error: str = "", status: int = 200
) -> HttpResponse:
    context = {
        "conversation": conversation,
        "flags": flag_labels(conversation.risk_flags),
        "can_block": has_perm(request.user, Perm.CONVERSATION_BLOCK),
        "blocked": sender_blocked(conversation.channel, conversation.sender_index),
        "thread": access_thread(request.user, conversation),
        "error": error,
        "text": request.POST.get("text", "") if error else "",
        "files_form": files_form(),
    }
    return render(request, "conversations/thread.html", context, status=status)


@login_required
@require_GET
def thread(request: HttpRequest, number: str) -> HttpResponse:
    """One conversation's messages, oldest first (the view audited)."""
    return _thread(request, access_conversation(request.user, number))


@login_required
@require_POST
def claim(request: HttpRequest, number: str) -> HttpResponse:
    conversation = access_conversation(request.user, number)
    try:
        conversation_claim(actor=request_user(request), conversation=conversation)
    except ApplicationError as exc:
        return _thread(request, conversation, error=exc.message, status=exc.status)
    return redirect("conversations:thread", number=number)


@login_required
@require_http_methods(["POST"])
def reply(request: HttpRequest, number: str) -> HttpResponse:
    conversation = access_conversation(request.user, number)
    try:
        message_reply(
            actor=request_user(request),
            conversation=conversation,
            text=request.POST.get("text", ""),
            files=uploads(request),
        )
    except ApplicationError as exc:
        message = "; ".join([exc.message, *exc.fields.values()]) if exc.fields else exc.message
        return _thread(request, conversation, error=message, status=exc.status)
    return redirect("conversations:thread", number=number)


def _alert_rows() -> list[tuple[Conversation, list[str], str]]:
    now = timezone.now()
    return [
        (row, flag_labels(row.risk_flags), waiting_phrase(row.last_inbound_at, now))
        for row in urgent_unclaimed()
    ]


def alerts(request: HttpRequest) -> HttpResponse:
    """Urgent written appeals nobody has taken (rule 6(j)): the banner every staff page with
    `conversation.handle` polls (htmx, every WRITTEN_ALERT_POLL_SECONDS), and without script a
    page of its own with a refresh link. Numbers, flags and waiting time only, never a text. No
    login redirect: a signed-out or other role's poll gets 403, which htmx does not swap in."""
    if not has_perm(request.user, Perm.CONVERSATION_HANDLE):
        raise PermissionDenied
    context = {"rows": _alert_rows(), "poll_seconds": settings.WRITTEN_ALERT_POLL_SECONDS}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "conversations/_alert.html", context)
    return render(request, "conversations/alerts.html", context)


@login_required
@require_POST
def block(request: HttpRequest, number: str) -> HttpResponse:
    """A supervisor blocks the conversation's sender, with a reason (audited)."""
    conversation = access_conversation(request.user, number)
    try:
        sender_block(
            actor=request_user(request),
            conversation=conversation,
            reason=request.POST.get("reason", ""),
        )
    except ApplicationError as exc:
        message = "; ".join([exc.message, *exc.fields.values()]) if exc.fields else exc.message
        return _thread(request, conversation, error=message, status=exc.status)
    return redirect("conversations:thread", number=number)


@login_required
@require_GET
def blocked(request: HttpRequest) -> HttpResponse:
    """The supervisors' block list, to unblock (no sender is named: only the conversation)."""
    if not has_perm(request.user, Perm.CONVERSATION_BLOCK):
        raise PermissionDenied
    return render(request, "conversations/blocked.html", {"rows": blocked_senders()})


@login_required
@require_POST
def unblock(request: HttpRequest, blocked_id: int) -> HttpResponse:
    sender_unblock(actor=request_user(request), blocked_id=blocked_id)
    return redirect("conversations:blocked")


@login_required
@require_GET
def attachment(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """A file of the conversation as a download, never shown inline; audited (rule 5)."""
    conversation = access_conversation(request.user, number)
    found, data = attachment_download(request.user, conversation, attachment_id)
    return file_response(data, found.content_type, found.download_name, f"attachment-{found.pk}")
