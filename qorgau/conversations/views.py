"""Staff pages of written conversations: the inbox and one conversation (read, claim, reply).
Forms work without script: a plain POST, then a redirect or the page again with its error."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.conversations.access import access_conversation, access_thread, attachment_download
from qorgau.conversations.actions import conversation_claim, message_reply
from qorgau.conversations.attachments import files_form, uploads
from qorgau.conversations.models import Conversation
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


@login_required
@require_GET
def attachment(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """A file of the conversation as a download, never shown inline; audited (rule 5)."""
    conversation = access_conversation(request.user, number)
    found, data = attachment_download(request.user, conversation, attachment_id)
    return file_response(data, found.content_type, found.download_name, f"attachment-{found.pk}")
