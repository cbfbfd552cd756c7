"""Staff pages and htmx panels of case work: parse, access, act, render.

The panel on the appeal page (notes, follow-ups, forms to add them) answers htmx with the
re-rendered panel and tells the page's timeline to reload (`qorgau-changed`); without script,
the appeal page links to the panel as a page of its own, whose forms post and are redirected
back to it (or re-render it with their errors). A
periodic refresh that would show nothing new answers 204: no new view, no audit row."""

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
from qorgau.appeals.models import Appeal
from qorgau.casework import actions, forms
from qorgau.casework.access import (
    AttachmentsShown,
    access_attachment,
    access_attachment_content,
    access_attachments,
    access_casework,
    access_followup,
    access_task_list,
    attachment_removable,
)
from qorgau.casework.actions import (
    ATTACHMENT_ACCEPT,
    attachment_add,
    attachment_remove,
    attachment_too_large,
)
from qorgau.casework.models import Attachment, FollowUp, FollowUpKind
from qorgau.casework.selectors import assignable_staff, casework_fingerprint
from qorgau.core.errors import ApplicationError, NotFound
from qorgau.core.files import file_response
from qorgau.core.roles import Perm, has_perm
from qorgau.staff.auth import request_user
from qorgau.staff.models import User

PANEL = "casework/_panel.html"
PAGE = "casework/page.html"


def _error(exc: ApplicationError) -> str:
    return "; ".join([str(exc.message), *[str(v) for v in exc.fields.values()]])


def _staff_context(request: HttpRequest) -> dict[str, Any]:
    """Whom a follow-up may go to; a supervisor assigns to anyone, others hand over only their
    own and plan only for themselves."""
    return {
        "staff": assignable_staff(),
        "supervisor": has_perm(request.user, Perm.CASE_TASKS_ANY),
    }


# --- the panel on the appeal page -------------------------------------------------------------


def _panel(request: HttpRequest, appeal: Appeal, *, status: int = 200, **extra: Any) -> Any:
    """The panel (htmx) or, without script, a page around it; after a change, the timeline is
    told to reload."""
    now = timezone.now()
    context = {
        "appeal": appeal,
        "work": access_casework(request.user, appeal, reason="appeal page"),
        "fingerprint": casework_fingerprint(appeal),
        "now": now,
        "default_due": forms.default_due(now),
        "kinds": FollowUpKind.choices,
        **_staff_context(request),
        "notes_allowed": has_perm(request.user, Perm.CASE_NOTES),
        "fragment": PANEL,
        **extra,
    }
    template = PANEL if getattr(request, "htmx", False) else PAGE
    response = render(request, template, context, status=status)
    if "done" in extra:
        response["HX-Trigger"] = "qorgau-changed"  # the timeline reloads
    return response


def _case_appeal(request: HttpRequest, number: str) -> Appeal:
    return access_appeal(request.user, number, then=Perm.CASE_TASKS)


@login_required
def panel(request: HttpRequest, number: str) -> HttpResponse:
    appeal = _case_appeal(request, number)
    if request.GET.get("seen") == casework_fingerprint(appeal):
        return HttpResponse(status=204)
    return _panel(request, appeal)


def _after(request: HttpRequest, appeal: Appeal, done: str) -> HttpResponse:
    if getattr(request, "htmx", False):
        return _panel(request, appeal, done=done)
    messages.success(request, done)
    return redirect("casework:panel", number=appeal.number)


@login_required
@require_POST
def note_add(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access_appeal(request.user, number, then=Perm.CASE_NOTES)
    try:
        data = forms.note_form(request.POST)
        actions.note_add(actor=request_user(request), appeal=appeal, text=data.text)
    except ApplicationError as exc:
        return _panel(request, appeal, status=422, note_error=_error(exc), posted=request.POST)
    return _after(request, appeal, _("The note is added."))


def _assignee(user_id: int | None) -> User | None:
    return User.objects.filter(pk=user_id).first() if user_id else None


@login_required
@require_POST
def followup_add(request: HttpRequest, number: str) -> HttpResponse:
    appeal = _case_appeal(request, number)
    try:
        data = forms.followup_form(request.POST)
        actions.followup_create(
            actor=request_user(request),
            appeal=appeal,
            kind=data.kind,
            what=data.what,
            due_at=data.due_at,
            assignee=_assignee(data.assignee),
        )
    except ApplicationError as exc:
        return _panel(request, appeal, status=422, followup_error=_error(exc), posted=request.POST)
    return _after(request, appeal, _("The follow-up is planned."))


# --- closing and handing over a follow-up, from the panel or from My tasks ---------------------


def _step(request: HttpRequest, found: FollowUp, step: str) -> str:
    """Take the step; what happened, to be read back."""
    actor = request_user(request)
    if step == "complete":
        result = forms.complete_form(request.POST).result
        actions.followup_complete(actor=actor, followup=found, result=result)
        return _("The follow-up is done.")
    if step == "cancel":
        reason = forms.cancel_form(request.POST).reason
        actions.followup_cancel(actor=actor, followup=found, reason=reason)
        return _("The follow-up is cancelled.")
    to = _assignee(forms.reassign_form(request.POST).assignee)
    actions.followup_reassign(actor=actor, followup=found, to=to)
    return _("The follow-up is handed over.")


STEPS = frozenset({"complete", "cancel", "reassign"})


@login_required
@require_POST
def followup_step(request: HttpRequest, followup_id: int, step: str) -> HttpResponse:
    found = access_followup(request.user, followup_id)
    if step not in STEPS:
        raise NotFound()
    from_tasks = request.POST.get("back") == "tasks"
    try:
        done = _step(request, found, step)
    except ApplicationError as exc:
        if getattr(request, "htmx", False) and not from_tasks:
            status = exc.status if exc.status in (409, 422) else 422
            extra = {"step_error": _error(exc), "failed": found.pk}
            return _panel(request, found.appeal, status=status, **extra)
        messages.error(request, _error(exc))
        return _back(from_tasks, found)
    if from_tasks:
        messages.success(request, done)
        return _back(from_tasks, found)
    return _after(request, found.appeal, done)


def _back(from_tasks: bool, found: FollowUp) -> HttpResponse:
    if from_tasks:
        return redirect("casework:my_tasks")
    return redirect("casework:panel", number=found.appeal.number)


# --- My tasks -----------------------------------------------------------------------------------

SHOW = ("mine", "everyone", "unassigned")


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The user's open follow-ups by due time: overdue, today, later; a supervisor may look at
    everyone's or at those whose assignee can no longer act. Their texts are shown, and the
    view is audited (rule 5)."""
    show = request.GET.get("show", "mine")
    if show not in SHOW:
        show = "mine"
    now = timezone.now()
    groups = access_task_list(
        request.user,
        now=now,
        everyone=show == "everyone",
        unassigned=show == "unassigned",
        reason="task list",
    )
    sections = [
        (_("Overdue"), groups.overdue, "overdue"),
        (_("Due today"), groups.today, "today"),
        (_("Later"), groups.later, "later"),
    ]
    context = {
        "groups": groups,
        "sections": sections,
        "now": now,
        "show": show,
        **_staff_context(request),
    }
    return render(request, "casework/my_tasks.html", context)


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
