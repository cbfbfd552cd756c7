"""Pages of the calls context.

- The screen pop: the consultant's page asks every two seconds (htmx) for the
  call they are on; when one is answered at their extension it shows the caller's earlier
  appeals, found through the phone's blind index (never when the number is withheld), a link
  that opens the new-appeal form with the phone filled in, and the outcome form (rules 6(n), 6(o)).
- The live board for supervisors, refreshed every three seconds.
- Written demands, with undecided ones past their deadline escalated at the top for
  supervisors, and the call search by which auditors tick the calls a demand names (rule 6(p));
  the quality officer's review tasks with the player (decision 0008).
- Review assignment: a supervisor asks a quality officer to review a call, from the call
  search or from an appeal's calls (a panel the appeal page loads).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.appeals.access import access_appeal, access_earlier_appeals
from qorgau.appeals.models import Appeal
from qorgau.appeals.views import registration_page
from qorgau.calls import release
from qorgau.calls.access import (
    access_answered_call,
    access_call,
    access_call_search,
    demands_overdue,
    demands_visible,
    review_tasks_of,
)
from qorgau.calls.actions import call_link_appeal, call_outcome_record
from qorgau.calls.forms import CallSearchForm, DemandPageForm
from qorgau.calls.selectors import (
    SEARCH_LIMIT,
    active_referral_bodies,
    appeal_calls_with_reviews,
    current_call,
    live_board,
    quality_officers,
)
from qorgau.core.access import require
from qorgau.core.errors import FieldErrors
from qorgau.core.roles import Perm, has_perm
from qorgau.core.validation import form_int
from qorgau.staff.auth import request_user


@login_required
def screen_pop(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.APPEAL_CREATE)
    call = current_call(request.user)
    earlier = []
    if call is not None and call.caller:
        earlier = access_earlier_appeals(
            request.user, phone=call.caller, reason="screen pop: incoming call"
        )
    bodies = active_referral_bodies()
    return render(
        request, "calls/_screen_pop.html", {"call": call, "earlier": earlier, "bodies": bodies}
    )


@login_required
@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """The outcome form of the screen pop: transfer to 1414 or referral, with the note."""
    errors: dict[str, str] = {}
    try:
        call_outcome_record(
            actor=request.user,
            call=access_call(request.user, pk),
            kind=request.POST.get("kind", ""),
            note=request.POST.get("note", ""),
            referral_body_id=form_int(request.POST, "referral_body"),
        )
    except FieldErrors as exc:
        errors = exc.fields
    return render(request, "calls/_outcome_saved.html", {"errors": errors})


def _board_context() -> dict[str, Any]:
    data = live_board()
    data["busiest"] = max([h["calls"] for h in data["calls_per_hour"]] or [0]) or 1
    return data


@login_required
def board(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CALL_BOARD)
    template = "calls/_board.html" if request.htmx else "calls/board.html"  # type: ignore[attr-defined]
    return render(request, template, _board_context())


def _add_errors(form: forms.Form, exc: FieldErrors) -> None:
    for field, message in exc.fields.items():
        form.add_error(field if field in form.fields else None, message)


@login_required
def demands(request: HttpRequest) -> HttpResponse:
    """Written demands: auditors register, supervisors decide, the recipient downloads.
    Undecided demands past their deadline head the page for supervisors (rule 6(p))."""
    rows = [
        (d, release.demand_is_urgent(d), release.demand_is_overdue(d))
        for d in demands_visible(request.user)
    ]
    form = DemandPageForm()
    if request.method == "POST":
        form = DemandPageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                release.demand_register(actor=request.user, data=form.demand())
                return redirect("calls:demands")
            except FieldErrors as exc:
                _add_errors(form, exc)
    can_register = has_perm(request.user, Perm.DEMAND_REGISTER)
    can_decide = has_perm(request.user, Perm.DEMAND_DECIDE)
    context = {
        "rows": rows,
        "form": form if can_register else None,
        "search_form": CallSearchForm() if can_register else None,
        "can_decide": can_decide,
        "can_search": has_perm(request.user, Perm.CALL_SEARCH),
        "overdue": list(demands_overdue(request.user)) if can_decide else [],
    }
    return render(request, "calls/demands.html", context)


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The call search (auditors and supervisors). Posted, because it may carry a phone; on
    the demands page (htmx, `pick`) each result has a box that ticks it into the demand."""
    require(request.user, Perm.CALL_SEARCH)
    form = CallSearchForm(request.POST if request.method == "POST" else None)
    found = None
    if form.is_bound and form.is_valid():
        try:
            found = access_call_search(request.user, **form.cleaned_data)
        except FieldErrors as exc:
            _add_errors(form, exc)
    context = {
        "form": form,
        "found": None if found is None else found[:SEARCH_LIMIT],
        "more": found is not None and len(found) > SEARCH_LIMIT,
        "limit": SEARCH_LIMIT,
        "pick": request.POST.get("pick") == "1",
        "officers": _officers_for(request.user),
    }
    template = "calls/_search_results.html" if request.htmx else "calls/search.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_POST
def decide(request: HttpRequest, demand_id: int) -> HttpResponse:
    approve = request.POST.get("approve") == "1"
    release.demand_decide(actor=request.user, demand_id=demand_id, approve=approve)
    return redirect("calls:demands")


@login_required
def reviews(request: HttpRequest) -> HttpResponse:
    """The quality officer's open review tasks, each with the call's recording player."""
    return render(request, "calls/reviews.html", {"tasks": review_tasks_of(request.user)})


@login_required
@require_http_methods(["GET", "POST"])
def register_from_call(request: HttpRequest, pk: int) -> HttpResponse:
    """The new-appeal form opened from the screen pop: the caller's number is filled in from the
    call record (never taken from a URL, rule 5) and the new appeal is linked to the call."""
    user = request_user(request)
    call = access_answered_call(user, pk)

    def link(appeal: Appeal) -> None:
        call_link_appeal(actor=user, call=call, appeal=appeal)

    return registration_page(request, phone=call.caller, on_registered=link)


def _officers_for(user: Any) -> list[Any]:
    """The quality officers to offer in the assign-review control, to those who assign."""
    return list(quality_officers()) if has_perm(user, Perm.REVIEW_ASSIGN) else []


@login_required
@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: assign the call's quality review to the chosen quality officer."""
    context: dict[str, Any] = {"call_id": pk, "officers": _officers_for(request.user)}
    try:
        context["task"] = release.review_task_assign(
            actor=request.user, call_id=pk, assignee=request.POST.get("assignee", "")
        )
    except FieldErrors as exc:
        context["errors"] = exc.fields
    return render(request, "calls/_review_assign.html", context)


@login_required
def appeal_reviews(request: HttpRequest, number: str) -> HttpResponse:
    """htmx: the appeal's calls, each with its open reviews and the assign control."""
    require(request.user, Perm.REVIEW_ASSIGN)
    appeal = access_appeal(request.user, number)
    context = {
        "calls": appeal_calls_with_reviews(appeal.pk),
        "officers": _officers_for(request.user),
    }
    return render(request, "calls/_appeal_reviews.html", context)
