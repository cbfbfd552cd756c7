"""Staff pages and htmx panels of case work: parse, access, act, render."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.appeals.access import access_appeal
from qorgau.casework.access import (
    AttachmentsShown,
    access_attachment,
    access_attachment_content,
    access_attachments,
    attachment_removable,
)
from qorgau.casework.actions import (
    ATTACHMENT_ACCEPT,
    attachment_add,
    attachment_remove,
    attachment_too_large,
)
from qorgau.casework.models import Attachment
from qorgau.core.errors import ApplicationError, NotFound
from qorgau.core.files import file_response
from qorgau.core.roles import Perm
from qorgau.staff.auth import request_user

ATTACHMENTS_PANEL = "casework/_attachments.html"


def _attachments_answer(
    request: HttpRequest, shown: AttachmentsShown, status: int = 200, **extra: Any
) -> HttpResponse:
    """The panel for htmx (after a change, the page's timeline is told to reload); without
    script, the attachments page around it."""
    now = timezone.now()
    items = [(a, attachment_removable(request.user, a, now)) for a in shown.items]
    context = {
        "appeal": shown.appeal,
        "shown": shown,
        "items": items,
        "max_mb": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "max_bytes": settings.ATTACHMENT_MAX_BYTES,
        "too_large": attachment_too_large(),
        "accept": ATTACHMENT_ACCEPT,
        **extra,
    }
    template = ATTACHMENTS_PANEL if getattr(request, "htmx", False) else "casework/attachments.html"
    response = render(request, template, context, status=status)
    if "done" in extra:
        response["HX-Trigger"] = "qorgau-changed"
    return response


def _attachment_changed(request: HttpRequest, number: str, done: str) -> HttpResponse:
    """After an upload or a removal: the panel again for htmx; a plain form is redirected to
    the attachments page, which shows what was done."""
    if getattr(request, "htmx", False):
        return _attachments_answer(request, access_attachments(request.user, number), done=done)
    messages.success(request, done)
    return redirect("casework:attachments", number=number)


def _attachment_error(request: HttpRequest, number: str, exc: ApplicationError) -> HttpResponse:
    error = "; ".join([*(str(v) for v in exc.fields.values())] or [exc.message])
    shown = access_attachments(request.user, number)
    return _attachments_answer(
        request, shown, 422 if exc.status == 422 else exc.status, error=error
    )


@login_required
@require_http_methods(["GET", "POST"])
def attachments(request: HttpRequest, number: str) -> HttpResponse:
    """The appeal's files: the list (names for the roles that attach files, else the count)
    and, posted, a new file (multipart; with or without script)."""
    if request.method == "GET":
        return _attachments_answer(request, access_attachments(request.user, number))
    appeal = access_appeal(request.user, number, then=Perm.CASE_ATTACH)
    upload = request.FILES.get("file")
    name, data = ((upload.name or ""), upload.read()) if upload else ("", b"")
    try:  # no file: the action asks for one
        added = attachment_add(actor=request_user(request), appeal=appeal, name=name, data=data)
    except ApplicationError as exc:
        return _attachment_error(request, number, exc)
    return _attachment_changed(request, number, _("Attached: %(name)s") % {"name": added.name})


def _attachment_of(request: HttpRequest, number: str, attachment_id: int) -> Attachment:
    found = access_attachment(request.user, attachment_id)
    if found.appeal.number != number:
        raise NotFound()
    return found


@login_required
def attachment_download(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    """The file as a download, never shown inline; every download is audited (rule 5)."""
    found = _attachment_of(request, number, attachment_id)
    data = access_attachment_content(request.user, found)
    stem = f"attachment-{found.pk}"
    return file_response(data, found.content_type, found.download_name(), stem, full_name=True)


@login_required
@require_POST
def attachment_remove_view(request: HttpRequest, number: str, attachment_id: int) -> HttpResponse:
    found = _attachment_of(request, number, attachment_id)
    try:
        attachment_remove(
            actor=request_user(request), attachment=found, reason=request.POST.get("reason", "")
        )
    except ApplicationError as exc:
        return _attachment_error(request, number, exc)
    return _attachment_changed(request, number, _("Removed: %(name)s") % {"name": found.name})
