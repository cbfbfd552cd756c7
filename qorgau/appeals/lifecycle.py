"""The appeal's status lifecycle: registered → in progress → waiting for agency → answered →
closed, with reopen. Allowed moves are data; anything not listed is refused."""

from __future__ import annotations

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
