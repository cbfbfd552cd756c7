"""The suggestion panel (rules 6(h), 6(j), 10): htmx posts the text a consultant is typing and
gets back what the assistant reads in it, with the reasons and one-key buttons that fill the
form. The text travels in the POST body, never in a URL, and is neither stored nor logged."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from qorgau.core.roles import Perm, has_perm
from qorgau.staff.auth import request_user
from qorgau.triage.actions import suggestion_make
from qorgau.triage.models import SubjectKind
from qorgau.triage.selectors import panel_context


@login_required
@require_POST
def suggest(request: HttpRequest) -> HttpResponse:
    """The registration form's panel for the summary and description typed so far."""
    if not has_perm(request.user, Perm.APPEAL_CREATE):
        raise PermissionDenied
    text = "\n".join(request.POST.get(k, "") for k in ("summary", "description")).strip()
    shown = suggestion_make(
        actor=request_user(request),
        text=text,
        subject_kind=SubjectKind.APPEAL_FORM,
        replaces=request.POST.get("triage_suggestion", ""),
    )
    return render(request, "triage/_panel.html", {"p": panel_context(shown, accept=True)})
