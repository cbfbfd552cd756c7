"""The public pages of written conversations (rule 6(f)): write to the centre, then read its
answers with the number and secret code. No sign-in, no script needed.

The number and code never travel in a URL: the page that shows them is the answer to the POST
itself (with Cache-Control: no-store), and the thread is opened by POSTing them.

A school's QR code opens /s/<token>/: the same form with the school shown and recorded (channel
school); an unknown token answers 404 like any unknown page. A campaign's link /c/<code>/ opens
the plain form and records its source code; an unknown or stopped code records nothing (rule
6(s)). Every form asks, optionally, how the applicant heard of 111.

A honeypot field (`website`) is hidden from people; a form that fills it is a robot's and is
silently dropped, but answered with the same thank-you page (a made-up number and code that
open nothing), so the robot learns nothing."""

from __future__ import annotations

import secrets
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qorgau.appeals.actions import status_code_new
from qorgau.appeals.lookup_throttle import lookup_succeeded
from qorgau.conversations.access import (
    access_conversation_public,
    public_thread,
    throttle_reserve,
)
from qorgau.conversations.actions import (
    TEXT_MAX,
    ConversationData,
    conversation_open,
    message_add_from_applicant,
)
from qorgau.core.errors import ApplicationError
from qorgau.core.kztime import kz_year
from qorgau.outreach.models import HeardFrom, School, SourceCode
from qorgau.outreach.selectors import school_by_token, source_by_code
from qorgau.public.api import client_address
from qorgau.reference.models import Region
from qorgau.reference.selectors import reference_by_code

HONEYPOT = "website"


def _error(exc: ApplicationError) -> str:
    return "; ".join([exc.message, *exc.fields.values()]) if exc.fields else exc.message


def _write_form(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "regions": Region.objects.all(),
        "heard_choices": HeardFrom.choices,
        "text_max": TEXT_MAX,
        "form": request.POST,
        **extra,
    }


def _decoy() -> tuple[str, str]:
    """A number and code for a robot: shaped like real ones, opening nothing."""
    return f"W-{kz_year(timezone.now())}-{secrets.randbelow(10**6):06d}", status_code_new()


def _open(
    request: HttpRequest, school: School | None, source: SourceCode | None
) -> tuple[str, str]:
    """A new conversation from the form's fields; its number and secret code."""
    conversation, code = conversation_open(
        data=ConversationData(
            text=request.POST.get("text", "")[: TEXT_MAX * 2],
            name=request.POST.get("name", ""),
            contact=request.POST.get("contact", ""),
            region=reference_by_code(Region, request.POST.get("region", "")[:40]),
            school=school,
            source=source,
            heard_from=request.POST.get("heard_from", "")[:20],
        ),
        language=get_language() or "kk",
    )
    return conversation.number, code


def _write(
    request: HttpRequest, *, school: School | None = None, source: SourceCode | None = None
) -> HttpResponse:
    if request.method == "GET":
        return render(request, "public/write.html", _write_form(request, school=school))
    try:
        client = throttle_reserve(client_address(request))
        try:
            if request.POST.get(HONEYPOT):
                number, code = _decoy()
            else:
                number, code = _open(request, school, source)
        finally:
            lookup_succeeded(client)  # writing counts as a request, never as a failed guess
    except ApplicationError as exc:
        context = _write_form(request, error=_error(exc), school=school)
        return render(request, "public/write.html", context, status=exc.status)
    return render(request, "public/written.html", {"number": number, "code": code})


@never_cache
@require_http_methods(["GET", "POST"])
def write_page(request: HttpRequest) -> HttpResponse:
    """Write to 111: anonymous unless a name is given; the answer shows the number and code."""
    return _write(request)


@never_cache
@require_http_methods(["GET", "POST"])
def school_write_page(request: HttpRequest, token: str) -> HttpResponse:
    """A school's QR form: the school shown and recorded, channel school; anonymous unless the
    child gives a name. An unknown token is an unknown page (404, no hint)."""
    school = school_by_token(token)
    if school is None:
        raise Http404
    return _write(request, school=school)


@never_cache
@require_http_methods(["GET", "POST"])
def source_write_page(request: HttpRequest, code: str) -> HttpResponse:
    """A campaign's link: the plain form, with the source code recorded if it is active."""
    return _write(request, source=source_by_code(code))


@never_cache
@require_http_methods(["GET", "POST"])
def conversation_page(request: HttpRequest) -> HttpResponse:
    """The thread, opened with number and code (POST only); with `text`, the applicant adds a
    message first."""
    if request.method == "GET":
        return render(request, "public/conversation.html", {})
    number = request.POST.get("number", "")[:40]
    code = request.POST.get("code", "")[:40]
    context: dict[str, Any] = {"number": number}
    try:
        conversation = access_conversation_public(
            client=client_address(request), number=number, code=code
        )
    except ApplicationError as exc:
        context["error"] = exc.message
        return render(request, "public/conversation.html", context, status=exc.status)
    context.update(conversation=conversation, code=code, text_max=TEXT_MAX)
    status = 200
    if "text" in request.POST:
        try:
            message_add_from_applicant(
                conversation=conversation, text=request.POST["text"][: TEXT_MAX * 2]
            )
            context["sent"] = True
        except ApplicationError as exc:
            context.update(write_error=_error(exc), text=request.POST["text"])
            status = exc.status
    context["thread"] = public_thread(conversation)
    return render(request, "public/conversation.html", context, status=status)
