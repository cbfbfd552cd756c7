"""Staff pages of the registry (templates + htmx). Thin: parse → access → action →
render; the same actions and access helpers as the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails
from pydantic import ValidationError

from qorgau.appeals.access import access_appeal, access_earlier_appeals, access_personal_data
from qorgau.appeals.actions import appeal_lower_urgency, appeal_register, appeal_transition
from qorgau.appeals.forms import appeal_payload, filters_from_query, form_choices
from qorgau.appeals.identifiers import iin_is_valid, normalise_iin, normalise_phone
from qorgau.appeals.lifecycle import allowed_targets, is_reopen
from qorgau.appeals.models import Appeal, Status
from qorgau.appeals.schemas import AppealIn
from qorgau.appeals.selectors import appeals_filtered
from qorgau.core.access import require
from qorgau.core.errors import ApplicationError, Conflict, FieldErrors
from qorgau.core.roles import Perm, has_perm
from qorgau.core.validation import field_errors
from qorgau.staff.auth import request_user

PAGE_SIZE = 50
FORM_ALREADY_REGISTERED = gettext_noop(
    "This form has already registered an appeal with other details. Check the fields and"
    " submit again to register a new appeal."
)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: an agency officer's is their agency's requests."""
    if has_perm(request.user, Perm.AGENCY_PORTAL):
        return redirect("agency_requests:portal")
    return redirect("appeals:list")


@login_required
def appeal_list(request: HtmxHttpRequest) -> HttpResponse:
    require(request.user, Perm.APPEAL_VIEW)
    filters, errors = filters_from_query(request.GET)
    appeals = appeals_filtered(request.user, filters)
    page = Paginator(appeals, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "filter_errors": errors,
        "can_register": has_perm(request.user, Perm.APPEAL_CREATE),
        **form_choices(),
    }
    template = "appeals/_list_rows.html" if request.htmx else "appeals/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    return registration_page(request)


def registration_page(
    request: HttpRequest,
    *,
    phone: str = "",
    on_registered: Callable[[Appeal], object] | None = None,
) -> HttpResponse:
    """The new-appeal form and its submission. A context above appeals (the screen pop in
    calls) opens it at its own URL with the caller's `phone` filled in and `on_registered` to
    link what it knows to the new appeal.

    The idempotency key (`form_key`) is made here once per fresh form and then kept by the
    browser: posted back with every submit, kept with the draft in the tab's sessionStorage
    (core/static/qorgau/appeal-draft.js), and put back after Back. The browser holds it rather
    than the server session because one operator may have two forms open in two tabs (two
    calls), each its own appeal; a reload or Back of one tab must resend that tab's key."""
    require(request.user, Perm.APPEAL_CREATE)
    form_key = request.POST.get("form_key", "") or uuid.uuid4().hex
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            data = AppealIn.model_validate(appeal_payload(request.POST))
            registration = appeal_register(
                actor=request_user(request),
                data=data,
                idempotency_key=form_key,
            )
        except ValidationError as exc:
            errors = field_errors(exc.errors())
        except FieldErrors as exc:
            errors = exc.fields
        except Conflict as exc:  # this form's key already registered other data: Back, retyped
            if exc.code != "idempotency_key_reused":
                raise
            errors = {"form_key": gettext(FORM_ALREADY_REGISTERED)}
            form_key = uuid.uuid4().hex  # the next submit is a new appeal
        else:
            if on_registered is not None:
                on_registered(registration.appeal)
            return render(
                request,
                "appeals/registered.html",
                {"appeal": registration.appeal, "code": registration.code, "form_key": form_key},
            )
    context = {
        "errors": errors,
        "values": request.POST,
        "form_key": form_key,
        "fresh": request.method == "GET",
        "phone": request.POST.get("applicant.phone", "") if request.method == "POST" else phone,
        **form_choices(),
    }
    return render(request, "appeals/new.html", context, status=422 if errors else 200)


@login_required
@require_POST
def caller_lookup(request: HttpRequest) -> HttpResponse:
    """htmx: the caller's earlier appeals as soon as a valid phone or IIN is typed. A POST, so
    the IIN and phone travel in the body, never in a URL that servers and proxies log (rule 5)."""
    iin = normalise_iin(request.POST.get("applicant.iin", ""))
    phone = normalise_phone(request.POST.get("applicant.phone", "")) or ""
    earlier = access_earlier_appeals(
        request.user,
        iin=iin if iin_is_valid(iin) else "",
        phone=phone,
        reason="caller look-up while registering",
    )
    return render(request, "appeals/_caller.html", {"earlier": earlier})


@login_required
def appeal_detail(request: HttpRequest, number: str) -> HttpResponse:
    appeal = access_appeal(request.user, number)
    return render(
        request, "appeals/detail.html", _detail_context(request, appeal, _personal(request, appeal))
    )


def _personal(request: HttpRequest, appeal: Any) -> Any:
    """The applicant's personal data for roles that may see it (audited), else None."""
    if not has_perm(request.user, Perm.APPEAL_VIEW_PERSONAL):
        return None
    return access_personal_data(request.user, appeal, reason="appeal page")


def _detail_context(request: HttpRequest, appeal: Any, personal: Any) -> dict[str, Any]:
    targets = [
        (s, Status(s).label)
        for s in Status.values
        if s in allowed_targets(appeal.status)
        and (not is_reopen(appeal.status, s) or has_perm(request.user, Perm.APPEAL_REOPEN))
    ]
    return {
        "appeal": appeal,
        "personal": personal,
        "history": appeal.status_changes.select_related("by"),
        "persons": appeal.persons.all(),
        "targets": targets if has_perm(request.user, Perm.APPEAL_TRANSITION) else [],
        "show_comments": has_perm(request.user, Perm.APPEAL_VIEW_PERSONAL),
        "can_lower_urgency": appeal.urgency == "urgent"
        and has_perm(request.user, Perm.APPEAL_LOWER_URGENCY),
    }


@login_required
@require_POST
def appeal_transition_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    """Change the status from the appeal page. Nothing is pre-selected, so a stray click moves
    nothing; a reopen needs a comment; a move that closes the appeal is asked again (a confirm
    step rendered by the server, so it works without JS). Someone else's earlier move (409) is
    shown with the status found, never swallowed. With htmx the status section is re-rendered
    and the heading follows out of band (appeals/_header.html)."""
    appeal = access_appeal(request.user, number, then=Perm.APPEAL_TRANSITION)
    to_status = request.POST.get("to", "")
    comment = request.POST.get("comment", "").strip()[:2000]
    errors = _transition_errors(appeal, to_status, comment)
    status = 422 if errors else 200
    if not errors and to_status == Status.CLOSED and request.POST.get("confirm") != "yes":
        return _transition_page(request, appeal, {"confirm_to": to_status, "comment": comment})
    if not errors:
        try:
            appeal = appeal_transition(
                actor=request_user(request), appeal=appeal, to_status=to_status, comment=comment
            )
        except ApplicationError as exc:
            errors, status = {"to": exc.message, "conflict": "yes"}, exc.status
            appeal = access_appeal(request.user, number)  # the status someone else left
        else:
            if not request.htmx:
                return redirect("appeals:detail", number=appeal.number)
    state = {"transition_errors": errors, "comment": comment, "chosen": to_status}
    return _transition_page(request, appeal, state, status=status)


def _transition_errors(appeal: Appeal, to_status: str, comment: str) -> dict[str, str]:
    """What the form itself lacks: a chosen status, and a comment for a reopen."""
    if not to_status:
        return {"to": gettext("Choose the next status.")}
    if is_reopen(appeal.status, to_status) and not comment:
        return {"comment": gettext("Say why the appeal is reopened.")}
    return {}


def _transition_page(
    request: HtmxHttpRequest, appeal: Appeal, state: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The status section for htmx (the heading out of band), else the whole appeal page."""
    if request.htmx:
        context = {**_detail_context(request, appeal, None), **state, "oob_header": True}
        return render(request, "appeals/_history.html", context, status=status)
    context = {**_detail_context(request, appeal, _personal(request, appeal)), **state}
    return render(request, "appeals/detail.html", context, status=status)


@login_required
@require_POST
def appeal_lower_urgency_view(request: HttpRequest, number: str) -> HttpResponse:
    """A supervisor makes an urgent appeal normal, with a reason (rule 6(j))."""
    appeal = access_appeal(request.user, number, then=Perm.APPEAL_LOWER_URGENCY)
    try:
        appeal_lower_urgency(
            actor=request_user(request), appeal=appeal, reason=request.POST.get("reason", "")[:300]
        )
    except (FieldErrors, Conflict) as exc:  # no reason; or already lowered (a double click)
        appeal = access_appeal(request.user, number)
        context = {
            **_detail_context(request, appeal, _personal(request, appeal)),
            "urgency_error": exc.fields.get("reason", exc.message),
        }
        return render(request, "appeals/detail.html", context, status=exc.status)
    return redirect("appeals:detail", number=appeal.number)
