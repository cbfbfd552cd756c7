"""Staff pages of written conversations: the inbox's queues, one conversation (read, claim,
assign, reply from a knowledge-base article, close, register as an appeal or attach to one) and
the supervisor's first-reply breaches. Forms work without script: a plain POST, then a redirect
or the page again with its error; htmx swaps the same page's part when it is there."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.appeals.access import access_appeal
from qorgau.appeals.models import Appeal
from qorgau.appeals.views import registration_page
from qorgau.conversations.abuse import sender_blocked
from qorgau.conversations.access import access_conversation, access_thread, attachment_download
from qorgau.conversations.actions import (
    conversation_assign,
    conversation_claim,
    conversation_close,
    conversation_link_appeal,
    message_reply,
    sender_block,
    sender_unblock,
)
from qorgau.conversations.attachments import files_form, uploads
from qorgau.conversations.models import Channel, Conversation, Direction, Message, Outcome
from qorgau.conversations.selectors import (
    LANGUAGES,
    QUEUES,
    assignable_staff,
    blocked_senders,
    first_reply_breaches,
    first_reply_due,
    inbox_page,
    queue_counts,
    urgent_unclaimed,
)
from qorgau.core.access import require
from qorgau.core.errors import ApplicationError, Conflict, FieldErrors, NotFound
from qorgau.core.files import file_response
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Perm, has_perm
from qorgau.core.signals import reply_article_search, reply_article_text
from qorgau.staff.auth import request_user
from qorgau.triage.actions import suggestion_decide, suggestion_make
from qorgau.triage.models import Route, SubjectKind
from qorgau.triage.risk import flag_labels
from qorgau.triage.selectors import panel_context

# The appeals' reference channel a conversation's channel is registered as (rule 2(7)).
APPEAL_CHANNEL = {Channel.WEB: "web_form", Channel.SCHOOL: "school_qr"}
SUMMARY_MAX = 200


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


def timer_phrase(conversation: Conversation, now: datetime) -> str:
    """The first-response timer as one translated sentence in Kazakhstan time, or "" once the
    first reply was given (or the conversation closed)."""
    due = first_reply_due(conversation)
    if due is None:
        return ""
    at = due.astimezone(KZ_TZ).strftime("%H:%M")
    seconds = (due - now).total_seconds()
    if seconds >= 0:
        minutes = int(seconds // 60)
        return ngettext(
            "First reply due by %(time)s: %(n)d minute left",
            "First reply due by %(time)s: %(n)d minutes left",
            minutes,
        ) % {"time": at, "n": minutes}
    late = int(-seconds // 60)
    return ngettext(
        "First reply overdue by %(n)d minute (due %(time)s)",
        "First reply overdue by %(n)d minutes (due %(time)s)",
        late,
    ) % {"time": at, "n": late}


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """One queue of open conversations (?queue=&lang=, never personal data), urgent first, with
    the count of each queue; never a message text."""
    require(request.user, Perm.CONVERSATION_HANDLE)
    queue = request.GET.get("queue", "all")
    queue = queue if queue in QUEUES else "all"
    lang = request.GET.get("lang", "")
    lang = lang if lang in LANGUAGES else ""
    raw_page = request.GET.get("page", "1")
    number = int(raw_page) if raw_page.isdigit() and 0 < len(raw_page) < 6 else 1
    page = inbox_page(request.user, queue=queue, lang=lang, page=max(number, 1))
    now = timezone.now()
    rows = [
        (row, waiting_phrase(row.last_inbound_at, now), timer_phrase(row, now)) for row in page.rows
    ]
    context = {
        "rows": rows,
        "page": page,
        "queue": queue,
        "lang": lang,
        "counts": queue_counts(request.user, lang=lang),
        "all_counts": queue_counts(request.user) if lang else None,
        "can_see_breaches": has_perm(request.user, Perm.CONVERSATION_ASSIGN),
    }
    return render(request, "conversations/inbox.html", context)


def _thread(
    request: HttpRequest,
    conversation: Conversation,
    *,
    error: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
    text: str | None = None,
    hits: list[tuple[str, str]] | None = None,
) -> HttpResponse:
    can_assign = has_perm(request.user, Perm.CONVERSATION_ASSIGN)
    outcomes = [o for o in Outcome if can_assign or o != Outcome.NO_REPLY_NEEDED]
    context: dict[str, Any] = {
        "conversation": conversation,
        "flags": flag_labels(conversation.risk_flags),
        "can_block": has_perm(request.user, Perm.CONVERSATION_BLOCK),
        "blocked": sender_blocked(conversation.channel, conversation.sender_index),
        "thread": access_thread(request.user, conversation),
        "error": error,
        "errors": errors or {},
        "text": text if text is not None else (request.POST.get("text", "") if error else ""),
        "timer": timer_phrase(conversation, timezone.now()),
        "can_assign": can_assign,
        "assignable": assignable_staff() if can_assign else [],
        "outcomes": outcomes,
        "can_register": has_perm(request.user, Perm.APPEAL_CREATE),
        "can_attach": has_perm(request.user, Perm.APPEAL_VIEW),
        "kb_query": request.POST.get("q", ""),
        "hits": hits,
        "values": request.POST if (error or errors) else {},
        "files_form": files_form(),
    }
    context["triage"] = _suggestion(request, conversation, context["thread"])
    return render(request, "conversations/thread.html", context, status=status)


def _suggestion(
    request: HttpRequest, conversation: Conversation, thread: list[Message]
) -> dict[str, Any]:
    """The triage assistant's reading of what the applicant wrote (rules 6(j), 10)."""
    text = "\n".join(m.text for m in thread if m.direction == Direction.IN)
    shown = suggestion_make(
        actor=request_user(request),
        text=text,
        subject_kind=SubjectKind.CONVERSATION,
        subject_number=conversation.number,
    )
    return panel_context(shown, accept=False)


def _fail(request: HttpRequest, conversation: Conversation, exc: ApplicationError) -> HttpResponse:
    message = exc.message if not exc.fields else "; ".join(exc.fields.values())
    return _thread(request, conversation, error=message, errors=exc.fields, status=exc.status)


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
        return _fail(request, conversation, exc)
    return redirect("conversations:thread", number=number)


@login_required
@require_POST
def assign(request: HttpRequest, number: str) -> HttpResponse:
    """A supervisor gives the conversation to a colleague (or takes it from one)."""
    require(request.user, Perm.CONVERSATION_ASSIGN)
    conversation = access_conversation(request.user, number)
    try:
        to = assignable_staff().filter(username=request.POST.get("to", "")).first()
        if to is None:
            raise FieldErrors(fields={"to": _("Choose an active consultant or supervisor.")})
        conversation_assign(actor=request_user(request), conversation=conversation, to=to)
    except ApplicationError as exc:
        return _fail(request, conversation, exc)
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
    """A supervisor blocks the conversation's sender, with a reason (audited). The permission
    is checked before the look-up, so others cannot tell which numbers exist."""
    require(request.user, Perm.CONVERSATION_BLOCK)
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
@require_POST
def knowledge(request: HttpRequest, number: str) -> HttpResponse:
    """The reply box's knowledge-base search (`q`) and insertion (`article`): the page again
    with the articles found, or with the article's text (in the conversation's language when
    it has one) added to what was already typed. Nothing is sent: the consultant edits it and
    sends it with the reply button. The knowledge base answers through core's hooks."""
    require(request.user, Perm.KB_READ)
    conversation = access_conversation(request.user, number)
    text = request.POST.get("text", "")
    if key := request.POST.get("article", ""):
        answers = reply_article_text.send(
            sender=Conversation, user=request.user, key=key[:120], lang=conversation.language
        )
        found = next((a for _r, a in answers if a), None)
        if found is None:
            raise NotFound()
        return _thread(request, conversation, text="\n\n".join(t for t in (text, found) if t))
    query = request.POST.get("q", "").strip()[:500]
    answers = reply_article_search.send(
        sender=Conversation, user=request.user, text=query, lang=conversation.language
    )
    hits = [hit for _r, answer in answers for hit in cast(list[tuple[str, str]], answer or [])]
    return _thread(request, conversation, text=text, hits=hits)


@login_required
@require_POST
def close(request: HttpRequest, number: str) -> HttpResponse:
    """Close with an outcome (rules 6(n), 6(o)); the conversation leaves the open queues."""
    conversation = access_conversation(request.user, number)
    try:
        conversation_close(
            actor=request_user(request),
            conversation=conversation,
            outcome=request.POST.get("outcome", ""),
            competent_body=request.POST.get("competent_body", ""),
        )
    except ApplicationError as exc:
        return _fail(request, conversation, exc)
    suggestion_decide(
        actor=request_user(request),
        suggestion_id="",
        subject_kind=SubjectKind.CONVERSATION,
        subject_number=number,
        direction=None,
        urgent=conversation.urgent,
        route=ROUTE_OF_CLOSING.get(request.POST.get("outcome", ""), ""),
    )
    return redirect("conversations:thread", number=number)


# The route each way of closing a conversation took (the triage assistant's agreement figures).
ROUTE_OF_CLOSING: dict[str, str] = {
    Outcome.ANSWERED: Route.CONSULT_ONLY,
    Outcome.TRANSFERRED_1414: Route.TRANSFER_1414,
    Outcome.OUT_OF_COMPETENCE: Route.OUT_OF_COMPETENCE,
}


def _initial(conversation: Conversation, thread: list[Any]) -> dict[str, str]:
    """The new-appeal form filled from the conversation: written channel, language, region,
    the applicant's words as the summary draft and the description."""
    words = "\n\n".join(m.text for m in thread if m.direction == Direction.IN)
    summary = " ".join(words.split())
    if len(summary) > SUMMARY_MAX:
        summary = summary[: SUMMARY_MAX - 1].rstrip() + "…"
    initial = {
        "channel": APPEAL_CHANNEL.get(Channel(conversation.channel), "e_letter"),
        "language": conversation.language,
        "region": conversation.region.code if conversation.region else "",
        "summary": summary,
        "description": words,
        "applicant.kind": "individual" if conversation.name else "anonymous",
        "applicant.name": conversation.name,
    }
    if conversation.urgent:  # rule 6(j)
        initial["urgency"] = "urgent"
        initial["urgency_reason"] = _("Marked urgent in the written appeals inbox")
    return initial


@login_required
@require_http_methods(["GET", "POST"])
def register_appeal(request: HttpRequest, number: str) -> HttpResponse:
    """The new-appeal form opened from a conversation, filled from it (the texts shown: the view
    is audited); once registered, the conversation is linked to the appeal and its code opens
    the appeal's status too."""
    user = request_user(request)
    require(user, Perm.APPEAL_CREATE)
    conversation = access_conversation(user, number)
    if conversation.appeal_id is not None:  # never a second appeal for one conversation
        raise Conflict(
            _("This conversation is already linked to an appeal."), code="conversation_linked"
        )

    def link(appeal: Appeal) -> None:
        conversation_link_appeal(
            actor=user, conversation=conversation, appeal=appeal, registered=True
        )

    initial = None
    if request.method == "GET":
        initial = _initial(conversation, access_thread(user, conversation))
    return registration_page(request, initial=initial, on_registered=link)


@login_required
@require_POST
def attach_appeal(request: HttpRequest, number: str) -> HttpResponse:
    """Attach the conversation to an existing appeal the user may see, by its number."""
    conversation = access_conversation(request.user, number)
    require(request.user, Perm.APPEAL_VIEW)
    try:
        wanted = request.POST.get("appeal", "").strip().upper()[:40]
        try:
            appeal = access_appeal(request.user, wanted)
        except NotFound:
            raise FieldErrors(fields={"appeal": _("No appeal has this number.")}) from None
        conversation_link_appeal(
            actor=request_user(request), conversation=conversation, appeal=appeal, registered=False
        )
    except ApplicationError as exc:
        return _fail(request, conversation, exc)
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


def breaches(request: HttpRequest) -> HttpResponse:
    """Supervisors: conversations whose first reply is overdue, live (htmx polls the list; a
    link refreshes it without script), with the waiting time and who has it; no message text."""
    require(request.user, Perm.CONVERSATION_ASSIGN)
    now = timezone.now()
    rows = [
        (row, waiting_phrase(row.created_at, now), timer_phrase(row, now))
        for row in first_reply_breaches(now)
    ]
    return render(request, "conversations/breaches.html", {"rows": rows, "now": now})
