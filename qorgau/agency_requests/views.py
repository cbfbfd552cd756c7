"""Pages of the agency portal (an officer's own agency's requests and replies) and the
supervisor's deadline board. Thin: the same access helpers and actions as the API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qorgau.agency_requests.access import (
    access_agency_request,
    access_portal_attachment,
    agency_heads,
    agency_request_content,
    agency_requests,
    chosen_agency,
    chosen_head,
)
from qorgau.agency_requests.actions import replies as act
from qorgau.agency_requests.deadlines import latest_extension
from qorgau.agency_requests.document import local_time, request_document
from qorgau.agency_requests.models import AgencyRequest, RequestStatus
from qorgau.agency_requests.selectors import (
    active_agencies,
    deadline_board,
    urgent_waiting,
)
from qorgau.core.errors import ApplicationError, FieldErrors, NotFound
from qorgau.core.files import file_response
from qorgau.core.kztime import KZ_TZ
from qorgau.core.validation import form_int
from qorgau.staff.auth import request_user


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    found = agency_requests(request.user).order_by("-urgent", "answer_due_at", "-created_at")
    return render(request, "agency_requests/portal.html", {"requests": found[:200]})


def offered_steps(found: AgencyRequest) -> frozenset[str]:
    """The steps the officer may take in the request's state: none once it is closed
    (answered, passed on), acknowledging only once, confirming only once."""
    if not found.open:
        return frozenset()
    steps = {"answer", "clarification", "extension", "pass-on"}
    if not found.acknowledged_at:
        steps.add("acknowledge")
    if found.status not in (RequestStatus.CONFIRMED, RequestStatus.NOT_CONFIRMED):
        steps.add("confirmation")
    return frozenset(steps)


def _detail(request: HttpRequest, request_id: int, error: str = "", status: int = 200) -> Any:
    found = access_agency_request(request.user, request_id)
    content = agency_request_content(request.user, found)
    context = {
        "req": found,
        "number": content.get("number", ""),
        "document": request_document(content, (get_language() or "kk")[:2]),
        "steps": offered_steps(found),
        "replies": found.replies.select_related("by", "decided_by").prefetch_related("attachments"),
        "agencies": active_agencies().exclude(pk=found.agency_id).order_by("name_ru")[:400],
        "heads": agency_heads(request.user),
        "latest_extension": latest_extension(found.delivered_at or found.created_at),
        "error": error,
    }
    return render(request, "agency_requests/portal_request.html", context, status=status)


@login_required
def portal_request(request: HttpRequest, request_id: int) -> HttpResponse:
    return _detail(request, request_id)


@login_required
def portal_attachment(request: HttpRequest, request_id: int, attachment_id: int) -> HttpResponse:
    found = access_portal_attachment(request.user, request_id, attachment_id)
    return file_response(
        act.attachment_bytes(found), found.content_type, found.name, f"reply-file-{found.pk}"
    )


def _end_of(day_text: str) -> datetime:
    try:
        day = parse_date(day_text)
    except ValueError:  # well formed but not a date, e.g. 2026-02-31
        day = None
    if day is None:
        raise FieldErrors(fields={"until": _("Give a date, YYYY-MM-DD.")})
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=KZ_TZ)


def _uploaded(file: UploadedFile) -> act.Attachment:
    return act.Attachment(
        file.name or "file", file.content_type or "application/octet-stream", file.read()
    )


def _do(request: HttpRequest, found: AgencyRequest, step: str) -> str:
    """Take the step; what happened, for the officer to read after the redirect."""
    officer, post = request_user(request), request.POST
    at = {"time": local_time(timezone.now())[-5:]}
    if step == "acknowledge":
        act.request_acknowledge(actor=officer, agency_request=found)
        return _("Receipt acknowledged at %(time)s.") % at
    if step == "confirmation":
        confirmed = post.get("confirmed") == "1"
        act.request_confirm(
            actor=officer,
            agency_request=found,
            confirmed=confirmed,
            measures=post.get("measures", "")[:5000],
        )
        done = _("Confirmed at %(time)s.") if confirmed else _("Not confirmed, sent at %(time)s.")
        return done % at
    if step == "clarification":
        act.request_ask_clarification(
            actor=officer, agency_request=found, question=post.get("question", "")[:5000]
        )
        return _("Question sent at %(time)s.") % at
    if step == "extension":
        decision = request.FILES.get("decision")
        until = _end_of(post.get("until", ""))
        act.request_extend(
            actor=officer,
            agency_request=found,
            until=until,
            reason=post.get("reason", "")[:1000],
            decided_by=chosen_head(officer, post.get("decided_by", "")[:150]),
            decision=_uploaded(decision) if decision else None,
        )
        return _("Term extended until %(date)s.") % {"date": until.strftime("%d.%m.%Y")}
    if step == "pass-on":
        to = chosen_agency(form_int(post, "agency") or 0)
        act.request_pass_on(
            actor=officer, agency_request=found, to=to, reason=post.get("reason", "")[:500]
        )
        return _("Passed on to %(agency)s at %(time)s.") % {"agency": to.name, **at}
    files = [_uploaded(f) for f in request.FILES.getlist("attachments")[:3]]
    act.request_answer(
        actor=officer, agency_request=found, text=post.get("text", "")[:20000], attachments=files
    )
    return _("Answer sent at %(time)s.") % at


STEPS = frozenset(
    {"acknowledge", "confirmation", "clarification", "extension", "pass-on", "answer"}
)


@login_required
@require_POST
def portal_step(request: HttpRequest, request_id: int, step: str) -> HttpResponse:
    found = access_agency_request(request.user, request_id)
    if step not in STEPS:
        raise NotFound()
    if found.open and step not in offered_steps(found):  # e.g. a second tab acknowledging again
        return _detail(request, request_id, error=_("This step was already taken."), status=409)
    try:
        done = _do(request, found, step)
    except ApplicationError as exc:
        text = "; ".join([exc.message, *[str(v) for v in exc.fields.values()]])
        return _detail(request, request_id, error=text, status=422)
    messages.success(request, done)
    return redirect("agency_requests:portal_request", request_id=request_id)


@login_required
def board(request: HttpRequest) -> HttpResponse:
    return render(request, "agency_requests/board.html", deadline_board(request.user))


def urgent_alert(request: HttpRequest) -> HttpResponse:
    """htmx, polled from every supervisor page: urgent appeals still without a request. No
    login redirect: a signed-out or other role's poll gets 403, which htmx does not swap in."""
    context = {
        "waiting": urgent_waiting(request.user),
        "minutes": settings.URGENT_SEND_MINUTES,
        "poll_seconds": settings.URGENT_ALERT_POLL_SECONDS,
    }
    return render(request, "agency_requests/_urgent_alert.html", context)
