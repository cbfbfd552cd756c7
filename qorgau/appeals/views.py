"""Staff pages of the registry (templates + htmx). Thin: parse → access → action →
render; the same actions and access helpers as the API."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import suppress
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails
from pydantic import ValidationError

from qorgau.appeals.access import (
    access_appeal,
    access_assignee,
    access_correction,
    access_duplicate,
    access_earlier_appeals,
    access_personal_data,
    access_possible_duplicates,
)
from qorgau.appeals.actions import (
    appeal_assign,
    appeal_correct,
    appeal_lower_urgency,
    appeal_merge,
    appeal_register,
    appeal_transition,
    merge_blockers,
    merge_refusal,
)
from qorgau.appeals.corrections import (
    changed_fields,
    corrected_body,
    display,
    field_label,
)
from qorgau.appeals.forms import (
    Search,
    appeal_payload,
    correction_payload,
    filters_from_query,
    form_choices,
    form_values,
    list_options,
    list_query,
    person_rows,
    search_from,
)
from qorgau.appeals.lifecycle import allowed_targets, is_reopen
from qorgau.appeals.models import Appeal, Status, appeal_version
from qorgau.appeals.saved_filters import saved_filter_delete, saved_filter_save
from qorgau.appeals.schemas import AppealCorrectionIn, AppealIn
from qorgau.appeals.selectors import appeals_filtered, assignable_staff, saved_filters_of
from qorgau.core.access import require
from qorgau.core.errors import ApplicationError, Conflict, FieldErrors
from qorgau.core.identifiers import iin_is_valid, normalise_iin, normalise_phone
from qorgau.core.roles import Perm, has_perm
from qorgau.core.validation import field_errors
from qorgau.staff.auth import request_user
from qorgau.triage.actions import suggestion_decide, suggestion_make
from qorgau.triage.models import SubjectKind
from qorgau.triage.selectors import ROUTE_OF_OUTCOME, panel_context

PAGE_SIZE = 50
CALLER_LIMIT = 500  # a caller's appeals on the caller page and in a phone / IIN search
SORTABLE = [
    ("received", gettext_lazy("Received")),
    ("status", gettext_lazy("Status")),
    ("urgency", gettext_lazy("Urgency")),
    ("direction", gettext_lazy("Direction")),
    ("region", gettext_lazy("Region")),
]

# Each role's start page, by the permission that opens it; the first match wins. The auditor
# may also read appeals but comes to the written demands, their own work.
START_PAGES: list[tuple[Perm, str]] = [
    (Perm.ADMIN_SITE, "qorgau_admin:index"),
    (Perm.AGENCY_PORTAL, "agency_requests:portal"),
    (Perm.REVIEW_TASKS, "calls:reviews"),
    (Perm.DEMAND_REGISTER, "calls:demands"),
    (Perm.APPEAL_VIEW, "appeals:list"),
]

FORM_ALREADY_REGISTERED = gettext_noop(
    "This form has already registered an appeal with other details. Check the fields and"
    " submit again to register a new appeal."
)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def home(request: HttpRequest) -> HttpResponse:
    """Each role's start page: the first of `START_PAGES` its permissions open; a user with no
    role sees the public status page, which anyone may open."""
    for perm, page in START_PAGES:
        if has_perm(request.user, perm):
            return redirect(page)
    return redirect("public:status")


@login_required
@require_http_methods(["GET", "POST"])
def appeal_list(request: HtmxHttpRequest) -> HttpResponse:
    """The list with its filters (GET, in the URL) and its search box (POST: a phone, an IIN or
    words of a summary stay out of URLs and logs, rule 5)."""
    require(request.user, Perm.APPEAL_VIEW)
    query = request.POST if request.method == "POST" else request.GET
    filters, errors = filters_from_query(query)
    search = search_from(request.POST.get("q", "")) if request.method == "POST" else Search()
    caller_ids, search_error = _caller_ids(request, search)
    options = list_options(query, search, caller_ids)
    appeals = appeals_filtered(request.user, filters, options)
    page = Paginator(appeals, PAGE_SIZE).get_page(query.get("page"))
    pairs = list_query(filters, options)
    context = {
        "page": page,
        "filters": filters,
        "filter_errors": errors,
        "options": options,
        "search_text": request.POST.get("q", "")[:200] if request.method == "POST" else "",
        "search_error": search_error,
        "searching": request.method == "POST",
        "carried": [(k, v) for k, v in pairs if k != "number"],  # the box says which number
        "list_query": urlencode(pairs),
        "headers": _headers(options.sort),
        "saved_filters": saved_filters_of(request.user),
        "can_register": has_perm(request.user, Perm.APPEAL_CREATE),
        "can_lookup_caller": has_perm(request.user, Perm.APPEAL_LOOKUP_CALLER),
        **form_choices(),
    }
    template = "appeals/_list_rows.html" if request.htmx else "appeals/list.html"
    return render(request, template, context)


def _caller_ids(request: HttpRequest, search: Search) -> tuple[tuple[int, ...] | None, str]:
    """The appeals of the phone or IIN in the search box (an audited look-up), or why not."""
    if search.kind not in ("phone", "iin"):
        return None, ""
    if not has_perm(request.user, Perm.APPEAL_LOOKUP_CALLER):
        return (), _("Your role may not look up a caller's appeals.")
    found = _caller_appeals(request, search, reason="appeal list search")
    return tuple(a.pk for a in found), ""


def _caller_appeals(request: HttpRequest, search: Search, *, reason: str) -> list[Appeal]:
    return access_earlier_appeals(
        request.user,
        iin=search.value if search.kind == "iin" else "",
        phone=search.value if search.kind == "phone" else "",
        reason=reason,
        limit=CALLER_LIMIT,
    )


def _headers(sort: str) -> list[dict[str, Any]]:
    """The sortable columns: a click sorts by the column, a second click reverses it."""
    headers = []
    for key, label in SORTABLE:
        current = sort.removeprefix("-") == key
        descending = sort.startswith("-")
        headers.append(
            {
                "key": key,
                "label": label,
                "next": key if current and descending else f"-{key}",
                "arrow": ("↓" if descending else "↑") if current else "",
            }
        )
    return headers


@login_required
@require_POST
def saved_filters(request: HttpRequest) -> HttpResponse:
    """Save the list's current filters under a name, or delete one of one's saved filters."""
    user = request_user(request)
    query = request.POST.get("query", "")
    if request.POST.get("delete"):
        saved_filter_delete(owner=user, pk=request.POST["delete"])
        return redirect("appeals:list")
    filters, _errors = filters_from_query(QueryDict(query))
    clean = urlencode(list_query(filters, list_options(QueryDict(query), Search())))
    with suppress(FieldErrors):  # no name: nothing to save; the list shows again as it was
        saved_filter_save(owner=user, name=request.POST.get("name", ""), query=clean)
    return redirect(f"{reverse('appeals:list')}?{clean}")


@login_required
@require_http_methods(["GET", "POST"])
def caller_page(request: HttpRequest) -> HttpResponse:
    """All appeals of one phone number or IIN, typed into a POST form (rule 5); the look-up
    is audited like the one on the registration form."""
    require(request.user, Perm.APPEAL_LOOKUP_CALLER)
    search = search_from(request.POST.get("q", "")) if request.method == "POST" else Search()
    found: list[Appeal] = []
    if search.kind in ("phone", "iin"):
        found = _caller_appeals(request, search, reason="caller page")
    context = {
        "appeals": found,
        "searched": request.method == "POST",
        "not_an_identifier": request.method == "POST" and search.kind not in ("phone", "iin"),
        "search_text": request.POST.get("q", "")[:200],
    }
    return render(request, "appeals/caller_page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_new(request: HttpRequest) -> HttpResponse:
    return registration_page(request)


def registration_page(
    request: HttpRequest,
    *,
    phone: str = "",
    initial: dict[str, str] | None = None,
    on_registered: Callable[[Appeal], object] | None = None,
) -> HttpResponse:
    """The new-appeal form and its submission. A context above appeals (the screen pop in
    calls) opens it at its own URL with the caller's `phone` filled in and `on_registered` to
    link what it knows to the new appeal; `initial` fills a fresh form's fields (a written
    conversation's channel, language, region and text, conversations/views.py).

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
            _triage_decided(request, registration.appeal)
            if on_registered is not None:
                on_registered(registration.appeal)
            return render(
                request,
                "appeals/registered.html",
                {"appeal": registration.appeal, "code": registration.code, "form_key": form_key},
            )
    context = {
        "errors": errors,
        "values": request.POST if request.method == "POST" else (initial or {}),
        "form_key": form_key,
        "fresh": request.method == "GET",
        "phone": request.POST.get("applicant.phone", "") if request.method == "POST" else phone,
        "person_rows": person_rows(request.POST),
        **form_choices(),
    }
    return render(request, "appeals/new.html", context, status=422 if errors else 200)


def _triage_decided(request: HttpRequest, appeal: Appeal) -> None:
    """Record what the consultant chose beside the assistant's suggestion (rules 6(j), 10)."""
    suggestion_decide(
        actor=request_user(request),
        suggestion_id=request.POST.get("triage_suggestion", ""),
        subject_number=appeal.number,
        direction=int(appeal.direction.code),
        urgent=appeal.urgency == "urgent",
        route=ROUTE_OF_OUTCOME.get(appeal.outcome.code if appeal.outcome else "", ""),
    )


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


@login_required
@require_GET
def appeal_suggestion(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: the triage assistant's reading of the appeal's summary and description beside what
    the appeal says now (rules 6(j), 10); reading the description is audited as a view."""
    require(request.user, Perm.APPEAL_CREATE)
    appeal = access_appeal(request.user, number)
    personal = access_personal_data(request.user, appeal, reason="triage suggestion")
    shown = suggestion_make(
        actor=request_user(request),
        text=f"{appeal.summary}\n{personal.description}",
        subject_kind=SubjectKind.APPEAL,
        subject_number=appeal.number,
    )
    context = {
        "p": panel_context(shown, accept=False),
        "appeal": appeal,
        "differs": shown is not None
        and (
            shown.reading.direction != int(appeal.direction.code)
            or (shown.reading.urgent and appeal.urgency != "urgent")
        ),
    }
    return render(request, "appeals/_suggestion.html", context)


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
        "persons": appeal.persons.all(),
        "targets": targets
        if has_perm(request.user, Perm.APPEAL_TRANSITION) and appeal.merged_into_id is None
        else [],
        "can_correct": appeal.merged_into_id is None
        and has_perm(request.user, Perm.APPEAL_EDIT)
        and (appeal.status != Status.CLOSED or has_perm(request.user, Perm.APPEAL_EDIT_CLOSED)),
        "can_lower_urgency": appeal.urgency == "urgent"
        and has_perm(request.user, Perm.APPEAL_LOWER_URGENCY),
        **_assign_merge_context(request, appeal),
    }


@login_required
@require_POST
def appeal_transition_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    """Change the status from the appeal page. Nothing is pre-selected, so a stray click moves
    nothing; a reopen needs a comment; a move that closes the appeal is asked again (a confirm
    step rendered by the server, so it works without JS). Someone else's earlier move (409) is
    shown with the status found, never swallowed. With htmx the status section is re-rendered,
    the heading follows out of band (appeals/_header.html) and the timeline is told to reload."""
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
        response = render(request, "appeals/_status_section.html", context, status=status)
        if status == 200 and "confirm_to" not in state:
            response["HX-Trigger"] = "qorgau-changed"  # the timeline shows the new step
        return response
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


def _assign_merge_context(request: HttpRequest, appeal: Appeal) -> dict[str, Any]:
    """What the appeal page shows of its consultant and of merging: the assignment form (a
    supervisor) or the take button (a consultant, while nobody has it), and for a supervisor the
    possible duplicates (an audited look-up) and the merge form."""
    open_to_change = appeal.merged_into_id is None
    can_assign = open_to_change and has_perm(request.user, Perm.APPEAL_ASSIGN)
    can_merge = (
        open_to_change
        and appeal.status != Status.CLOSED
        and has_perm(request.user, Perm.APPEAL_MERGE)
    )
    return {
        "can_assign": can_assign,
        "assignable": assignable_staff() if can_assign else [],
        "can_take": open_to_change
        and appeal.assigned_consultant_id is None
        and has_perm(request.user, Perm.APPEAL_TAKE),
        "can_merge": can_merge,
        # Looked up (and audited) only where a template shows them: not for htmx fragments.
        "duplicates": SimpleLazyObject(
            lambda: access_possible_duplicates(request.user, appeal) if can_merge else []
        ),
        "merged_here": appeal.merged_duplicates(),
    }


def _assign_page(
    request: HtmxHttpRequest, appeal: Appeal, state: dict[str, Any], *, status: int = 200
) -> HttpResponse:
    """The consultant's line for htmx, else the whole appeal page."""
    if request.htmx:
        context = {"appeal": appeal, **_assign_merge_context(request, appeal), **state}
        return render(request, "appeals/_assign.html", context, status=status)
    context = {**_detail_context(request, appeal, _personal(request, appeal)), **state}
    return render(request, "appeals/detail.html", context, status=status)


@login_required
@require_POST
def appeal_assign_view(request: HtmxHttpRequest, number: str) -> HttpResponse:
    """A supervisor assigns or reassigns the appeal; a consultant takes one nobody has. Refusals
    (a colleague took it first: 409) are shown on the form with the consultant found."""
    actor = request_user(request)
    perm = Perm.APPEAL_ASSIGN if has_perm(actor, Perm.APPEAL_ASSIGN) else Perm.APPEAL_TAKE
    appeal = access_appeal(actor, number, then=perm)
    reason = request.POST.get("reason", "").strip()[:300]
    try:
        consultant = access_assignee(request.POST.get("consultant", "")[:150])
        appeal = appeal_assign(actor=actor, appeal=appeal, consultant=consultant, reason=reason)
    except ApplicationError as exc:
        appeal = access_appeal(actor, number)
        error = exc.fields.get("consultant", exc.message)
        state = {"assign_error": error, "reason": reason}
        return _assign_page(request, appeal, state, status=exc.status)
    if not request.htmx:
        return redirect("appeals:detail", number=appeal.number)
    return _assign_page(request, access_appeal(actor, number), {"assign_done": True})


@login_required
@require_POST
def appeal_merge_view(request: HttpRequest, number: str) -> HttpResponse:
    """Merge another appeal into this one: the form (number and reason) leads to a confirmation
    page rendered by the server with both appeals side by side and anything that blocks the
    merge; only its "yes" merges. A refusal re-renders the appeal page with the reason."""
    into = access_appeal(request.user, number, then=Perm.APPEAL_MERGE)
    reason = request.POST.get("reason", "").strip()[:300]
    typed = request.POST.get("duplicate", "").strip()[:40]
    try:
        duplicate = access_duplicate(request.user, typed)
        if refusal := merge_refusal(duplicate, into, reason):
            raise refusal
        if request.POST.get("confirm") != "yes":
            context = {
                "into": into,
                "duplicate": duplicate,
                "reason": reason,
                "blockers": merge_blockers(duplicate),
            }
            return render(request, "appeals/merge_confirm.html", context)
        appeal_merge(actor=request_user(request), duplicate=duplicate, into=into, reason=reason)
    except ApplicationError as exc:
        into = access_appeal(request.user, number)
        state = {
            "merge_errors": exc.fields or {"duplicate": exc.message},
            "merge_typed": typed,
            "merge_reason": reason,
        }
        context = {**_detail_context(request, into, _personal(request, into)), **state}
        return render(request, "appeals/detail.html", context, status=exc.status)
    return redirect("appeals:detail", number=into.number)


@login_required
@require_http_methods(["GET", "POST"])
def appeal_edit(request: HttpRequest, number: str) -> HttpResponse:
    """Correct an appeal: the registration form filled with the appeal, and what was corrected
    and why. Opening it shows personal data (audited). Saved: back to the appeal page with the
    fields named. Invalid: the form again with everything typed. Changed by someone else since
    the form was opened (409): the form again with everything typed, the appeal's current
    values beside it and its new version, so saving again is a decision taken knowingly."""
    appeal, state = access_correction(request.user, number, reason="appeal correction form")
    values, version = form_values(state), appeal_version(appeal)
    errors: dict[str, str] = {}
    differences: list[dict[str, str]] = []
    status = 200
    if request.method == "POST":
        values = request.POST
        version = request.POST.get("version", "")
        try:
            AppealIn.model_validate(appeal_payload(request.POST))  # as the registration form
            data = AppealCorrectionIn.model_validate(correction_payload(request.POST))
            correction = appeal_correct(
                actor=request_user(request),
                appeal=appeal,
                data=data,
                expected_version=data.expected_version,
                reason=data.reason,
            )
        except ValidationError as exc:
            errors, status = field_errors(exc.errors()), 422
        except FieldErrors as exc:
            errors, status = exc.fields, exc.status
        except Conflict as exc:
            if exc.code != "appeal_changed":
                raise
            appeal, state = access_correction(request.user, number, reason="correction conflict")
            differences = _differences(state, data)
            errors, status, version = {"version": exc.message}, exc.status, appeal_version(appeal)
        else:
            messages.success(request, _corrected_message(correction.changed))
            return redirect("appeals:detail", number=appeal.number)
    context = {
        "appeal": appeal,
        "errors": errors,
        "values": values,
        "version": version,
        "differences": differences,
        "phone": values.get("applicant.phone", ""),
        "person_rows": person_rows(values),
        "urgency_kept": state["urgency"] == "urgent",
        "kept_flags": state["risk_flags"],
        "reason": request.POST.get("reason", ""),
        **form_choices(),
    }
    return render(request, "appeals/edit.html", context, status=status)


def _differences(state: dict[str, Any], data: AppealCorrectionIn) -> list[dict[str, str]]:
    """Where the appeal as it is now differs from what was typed, field by field."""
    typed = corrected_body(state, data)
    return [
        {"field": field_label(f), "now": display(state, f), "typed": display(typed, f)}
        for f in changed_fields(state, typed)
    ]


def _corrected_message(changed: list[str]) -> str:
    if not changed:
        return gettext("Nothing was changed: the appeal is as it was.")
    fields = ", ".join(field_label(f) for f in changed)
    return gettext("Corrected: %(fields)s.") % {"fields": fields}
