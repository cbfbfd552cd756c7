"""Pages of the agency portal (an officer's own agency's requests and replies), the requests
panel on the consultant's appeal page, and the supervisor's deadline board. Thin: the same
access helpers and actions as the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.agencies.models import Agency
from qorgau.appeals.access import access_appeal
from qorgau.core.auth import request_user
from qorgau.core.errors import ApplicationError, FieldErrors
from qorgau.core.kztime import KZ_TZ
from qorgau.core.validation import form_int
from qorgau.interaction import agency_actions as act
from qorgau.interaction.access import (
    access_agency_request,
    agency_request_content,
    agency_requests,
    chosen_agency,
)
from qorgau.interaction.selectors import deadline_board


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    found = agency_requests(request.user).order_by("-urgent", "answer_due_at", "-created_at")
    return render(request, "interaction/portal.html", {"requests": found[:200]})


def _detail(request: HttpRequest, request_id: int, error: str = "", status: int = 200) -> Any:
    found = access_agency_request(request.user, request_id)
    context = {
        "req": found,
        "content": agency_request_content(request.user, found),
        "replies": found.replies.select_related("by").prefetch_related("attachments"),
        "agencies": Agency.objects.filter(active=True)
        .exclude(pk=found.agency_id)
        .order_by("name_ru")[:400],
        "error": error,
    }
    return render(request, "interaction/portal_request.html", context, status=status)


@login_required
def portal_request(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail(request, request_id)


def _end_of(day_text: str) -> datetime:
    try:
        day = parse_date(day_text)
    except ValueError:  # well formed but not a date, e.g. 2026-02-31
        day = None
    if day is None:
        raise FieldErrors(fields={"until": _("Give a date, YYYY-MM-DD.")})
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=KZ_TZ)


def _do(request: HttpRequest, found: Any, step: str) -> None:
    officer, post = request_user(request), request.POST
    if step == "acknowledge":
        act.request_acknowledge(officer=officer, request=found)
    elif step == "confirmation":
        act.request_confirm(
            officer=officer,
            request=found,
            confirmed=post.get("confirmed") == "1",
            measures=post.get("measures", "")[:5000],
        )
    elif step == "clarification":
        act.request_ask_clarification(
            officer=officer, request=found, question=post.get("question", "")[:5000]
        )
    elif step == "extension":
        act.request_extend(
            officer=officer,
            request=found,
            until=_end_of(post.get("until", "")),
            reason=post.get("reason", "")[:1000],
        )
    elif step == "pass-on":
        act.request_pass_on(
            officer=officer,
            request=found,
            to=chosen_agency(form_int(post, "agency") or 0),
            reason=post.get("reason", "")[:500],
        )
    elif step == "answer":
        files = [
            act.Attachment(f.name or "file", f.content_type or "application/octet-stream", f.read())
            for f in request.FILES.getlist("attachments")[:3]
        ]
        act.request_answer(
            officer=officer, request=found, text=post.get("text", "")[:20000], attachments=files
        )


@login_required
@require_POST
def portal_step(request: HttpRequest, request_id: int, step: str) -> HttpResponse:
    found = access_agency_request(request.user, request_id)
    try:
        _do(request, found, step)
    except ApplicationError as exc:
        text = "; ".join([exc.message, *[str(v) for v in exc.fields.values()]])
        return _detail(request, request_id, error=text, status=422)
    return redirect("interaction:portal_request", request_id=request_id)


@login_required
def appeal_requests_panel(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: the requests of an appeal and the agencies' replies, refreshed while open."""
    appeal = access_appeal(request.user, number)
    found = appeal.requests.select_related("agency").prefetch_related("replies")
    return render(
        request, "interaction/_appeal_requests.html", {"appeal": appeal, "requests": found}
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "interaction/board.html", deadline_board(request.user))
