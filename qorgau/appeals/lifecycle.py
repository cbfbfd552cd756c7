"""The appeal's status lifecycle: registered → in progress → waiting for agency → answered →
closed, with reopen. Allowed moves are data; anything not listed is refused."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.appeals.models import Status

S = Status
TRANSITIONS: dict[str, frozenset[str]] = {
    # A consultant may answer during the call itself (rule 6(b)), so registered → answered, and
    # an urgent appeal goes to the agency at once (rule 6(j)), so registered → waiting.
    S.REGISTERED: frozenset({S.IN_PROGRESS, S.WAITING_AGENCY, S.ANSWERED}),
    S.IN_PROGRESS: frozenset({S.WAITING_AGENCY, S.ANSWERED}),
    S.WAITING_AGENCY: frozenset({S.IN_PROGRESS, S.ANSWERED}),
    S.ANSWERED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset({S.IN_PROGRESS}),  # reopen
}


def is_reopen(from_status: str, to_status: str) -> bool:
    return from_status == S.CLOSED and to_status == S.IN_PROGRESS


def allowed_targets(from_status: str) -> frozenset[str]:
    return TRANSITIONS.get(from_status, frozenset())


# What the applicant sees of each step (rule 6(l)): progress, never the agency or the content.
PUBLIC_STEP_LABELS = {
    S.REGISTERED: _("Your appeal has been registered"),
    S.IN_PROGRESS: _("A consultant is working on your appeal"),
    S.WAITING_AGENCY: _("Your appeal has been passed to the competent body"),
    S.ANSWERED: _("An answer has been given"),
    S.CLOSED: _("The appeal is closed"),
}
REOPEN_LABEL = _("Your appeal has been reopened")

# Steps on the agency's side as the applicant sees them (keys: agency_requests.models.ReplyKind).
AGENCY_STEP_LABELS = {
    "acknowledged": _("The competent body has received your appeal"),
    "confirmed": _("The competent body has checked the information and is taking measures"),
    "not_confirmed": _("The competent body has checked the information"),
    "passed_on": _("Your appeal has been passed on to another competent body"),
    "extension": _("The competent body has extended the time to answer"),
    "answer": _("The competent body has answered"),
}
