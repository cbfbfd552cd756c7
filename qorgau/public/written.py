"""The public pages of written conversations (rule 6(f)): write to the centre, then read its
answers with the number and secret code. No sign-in, no script needed.

The number and code never travel in a URL: the page that shows them is the answer to the POST
itself (with Cache-Control: no-store), and the thread is opened by POSTing them. Files (photos
and PDFs, conversations/attachments.py) go with a message in the same multipart POST, and are
downloaded by POSTing the number and code again.

A school's QR code opens /s/<token>/: the same form with the school shown and recorded (channel
school); an unknown token answers 404 like any unknown page. A campaign's link /c/<code>/ opens
the plain form and records its source code; an unknown or stopped code records nothing (rule
6(s)). Every form asks, optionally, how the applicant heard of 111.

A honeypot field (`website`) is hidden from people; a form that fills it is a robot's and is
silently dropped, but answered with the same thank-you page (a made-up number and code that
open nothing), so the robot learns nothing.

Abuse (rule 5; conversations/abuse.py and proof.py): the form carries a proof-of-work challenge
that a small static script solves; without script it is still accepted, within a stricter
per-address limit. A web sender is known by the blind index of the client address, which a
supervisor can block (a shared address — a school, a mobile operator's NAT — is blocked for
everyone behind it, so blocks are for plain abuse only). A blocked or over-limit form gets the
robot's decoy page; a risky text (rule 6(j)) is always stored."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from qorgau.appeals.actions import status_code_new
from qorgau.appeals.lookup_throttle import lookup_succeeded
from qorgau.appeals.models import Appeal
from qorgau.conversations.abuse import address_index, sender_blocked, unproven_allowed
from qorgau.conversations.access import (
    access_conversation_public,
    attachment_download,
    public_thread,
    throttle_reserve,
)
from qorgau.conversations.actions import (
    TEXT_MAX,
    ConversationData,
    conversation_open,
    message_add_from_applicant,
)
from qorgau.conversations.attachments import files_form, uploads
from qorgau.conversations.models import Channel
from qorgau.conversations.proof import FIELD_CHALLENGE, FIELD_NONCE, challenge_new, proof_check
from qorgau.core.errors import ApplicationError, FieldErrors, Throttled
from qorgau.core.files import file_response
from qorgau.core.kztime import kz_year
from qorgau.outreach.models import HeardFrom, School, SourceCode
from qorgau.outreach.selectors import school_by_token, source_by_code
from qorgau.public.api import client_address
from qorgau.public.status import appeal_status_label
from qorgau.reference.models import Region
from qorgau.reference.selectors import reference_by_code
from qorgau.triage.risk import risk_assess

HONEYPOT = "website"


def _error(exc: ApplicationError) -> str:
    return "; ".join([exc.message, *exc.fields.values()]) if exc.fields else exc.message


def _write_form(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "regions": Region.objects.all(),
        "heard_choices": HeardFrom.choices,
        "text_max": TEXT_MAX,
        "form": request.POST,
        "proof_challenge": challenge_new(),
        "proof_bits": settings.WRITE_PROOF_BITS,
        "files_form": files_form(),
        **extra,
    }


def _decoy() -> tuple[str, str]:
    """A number and code for a robot: shaped like real ones, opening nothing."""
    return f"W-{kz_year(timezone.now())}-{secrets.randbelow(10**6):06d}", status_code_new()


def _admitted(request: HttpRequest, text: str) -> bool:
    """Whether the form is stored: a wrong or spent proof is refused (FieldErrors, 422); a form
    without one (no script) counts against the stricter limit and past it is refused (429, said
    plainly, with the phone number); a blocked address's form is dropped silently. A risky text
    (rule 6(j)) passes all of these except a wrong proof."""
    client = client_address(request)
    proven = proof_check(
        request.POST.get(FIELD_CHALLENGE, ""), request.POST.get(FIELD_NONCE, "").strip()
    )
    if any(sender_blocked(c, address_index(client)) for c in (Channel.WEB, Channel.SCHOOL)):
        return bool(risk_assess(text))
    if proven or unproven_allowed(client) or risk_assess(text):
        return True
    raise Throttled(
        _(
            "Many messages were sent from this connection. Please try again in an hour, or "
            "call 111: it is free and works around the clock."
        ),
        code="unproven_throttled",
    )


def _open(
    request: HttpRequest, school: School | None, source: SourceCode | None
) -> tuple[str, str]:
    """A new conversation from the form's fields; its number and secret code (a decoy's when the
    form is dropped)."""
    text = request.POST.get("text", "")[: TEXT_MAX * 2]
    if not _admitted(request, text):
        return _decoy()
    region_code = request.POST.get("region", "")[:40]
    region = reference_by_code(Region, region_code) if "\x00" not in region_code else None
    if region_code and region is None:  # a forged choice: 422, nothing stored
        raise FieldErrors(fields={"region": _("Choose an answer from the list.")})
    conversation, code = conversation_open(
        data=ConversationData(
            text=text,
            name=request.POST.get("name", ""),
            kind=request.POST.get("kind", "")[:20],
            contact=request.POST.get("contact", ""),
            region=region,
            sender_index=address_index(client_address(request)),
            files=uploads(request),
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
    context.update(conversation=conversation, code=code, text_max=TEXT_MAX, files_form=files_form())
    status = 200
    if "text" in request.POST:
        text = request.POST["text"][: TEXT_MAX * 2]
        blocked = sender_blocked(conversation.channel, conversation.sender_index)
        try:
            if not blocked or risk_assess(text):  # a blocked sender's text is not stored
                message_add_from_applicant(
                    conversation=conversation, text=text, files=uploads(request)
                )
            context["sent"] = True
        except ApplicationError as exc:
            context.update(write_error=_error(exc), text=request.POST["text"])
            status = exc.status
    context["thread"] = public_thread(conversation)
    if conversation.appeal_id is not None:  # registered as an appeal, or attached to one
        appeal = Appeal.objects.get(pk=conversation.appeal_id)
        context.update(appeal_number=appeal.number, appeal_status=appeal_status_label(appeal))
    return render(request, "public/conversation.html", context, status=status)


@never_cache
@require_http_methods(["POST"])
def conversation_file(request: HttpRequest) -> HttpResponse:
    """One file of the applicant's conversation as a download: the number, code and file are
    POSTed (never in a URL); a wrong code answers like an unknown number. Audited."""
    number = request.POST.get("number", "")[:40]
    try:
        conversation = access_conversation_public(
            client=client_address(request), number=number, code=request.POST.get("code", "")[:40]
        )
        wanted = request.POST.get("attachment", "")[:12]
        found, data = attachment_download(
            None, conversation, int(wanted) if wanted.isdigit() else 0
        )
    except ApplicationError as exc:
        context = {"number": number, "error": exc.message}
        return render(request, "public/conversation.html", context, status=exc.status)
    return file_response(data, found.content_type, found.download_name, f"attachment-{found.pk}")
