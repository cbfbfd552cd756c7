"""A request (or a reminder about it) as an e-mail an agency's clerk reads: Kazakh then Russian,
plain text and HTML alternatives, the request as a PDF and a link to reply on the portal. The
idempotency key rides in the Message-ID and its own header, so a retry is recognisable."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from qorgau.agency_requests.document import local_time, request_document, request_pdf
from qorgau.agency_requests.models import DeadlineKind, NoticeKind

LANGUAGES = ("kk", "ru")


def portal_link(request_id: int) -> str:
    """The request's page on the agency portal, as reached from outside."""
    path = reverse("agency_requests:portal_request", args=[request_id])
    return settings.QORGAU_PUBLIC_URL.rstrip("/") + path


def _reminder(body: dict[str, Any]) -> str:
    reminder = body["reminder"]
    if not reminder:
        return ""
    said = {
        "deadline": DeadlineKind(reminder["deadline"]).label,
        "due": local_time(reminder["due_at"]),
    }
    if reminder["kind"] == NoticeKind.REMINDER:
        return _("Reminder: the term “%(deadline)s” ends %(due)s.") % said
    return _("Overdue: the term “%(deadline)s” ended %(due)s.") % said


def _section(body: dict[str, Any], language: str) -> dict[str, Any]:
    with translation.override(language):
        return {
            "language": language,
            "heading": _("Request from the «111» contact centre"),
            "reminder": _reminder(body),
            "fields": request_document(body["appeal"], language),
            "reply": _("Reply on the agency portal"),
            "attached": _("The request is attached as a PDF."),
        }


def _subject(body: dict[str, Any]) -> str:
    prefix = "ШҰҒЫЛ / СРОЧНО: " if body["urgent"] else ""
    if body["reminder"]:
        prefix = "ЕСКЕ САЛУ / НАПОМИНАНИЕ: " + prefix
    return f"{prefix}111: {body['appeal']['number']}"


def request_email(body: dict[str, Any], to: str) -> EmailMessage:
    """The e-mail for one delivery of `body` (channels.request_body) to the address `to`."""
    context = {
        "sections": [_section(body, language) for language in LANGUAGES],
        "link": portal_link(body["request_id"]),
    }
    message = EmailMessage()
    message["Subject"] = _subject(body)
    message["From"] = settings.QORGAU_MAIL_FROM
    message["To"] = to
    message["Message-ID"] = f"<{body['idempotency_key'].replace(':', '.')}@qorgau.111>"
    message["X-Qorgau-Idempotency-Key"] = body["idempotency_key"]
    message.set_content(render_to_string("agency_requests/email/request.txt", context))
    html = render_to_string("agency_requests/email/request.html", context)
    message.add_alternative(html, subtype="html")
    message.add_attachment(
        request_pdf(body["appeal"], LANGUAGES),
        maintype="application",
        subtype="pdf",
        filename=f"111-{body['appeal']['number']}.pdf",
    )
    return message
