"""Reads of the triage assistant: what a panel shows, and the latest suggestion for an appeal
or a conversation."""

from __future__ import annotations

from typing import Any

from qorgau.reference.models import Direction
from qorgau.reference.selectors import reference_by_code
from qorgau.triage.actions import Shown
from qorgau.triage.models import Route, Suggestion
from qorgau.triage.risk import flag_labels

# The outcome of the registration form (reference Outcome) that each route suggests.
OUTCOME_OF_ROUTE = {
    Route.AGENCY: "referred",
    Route.CONSULT_ONLY: "consultation",
    Route.TRANSFER_1414: "transferred_1414",
    Route.OUT_OF_COMPETENCE: "out_of_competence",
}

ROUTE_OF_OUTCOME = {outcome: route for route, outcome in OUTCOME_OF_ROUTE.items()}


def direction_name(code: int) -> str:
    row = reference_by_code(Direction, str(code))
    return f"{code}. {row.name}" if row else str(code)


def panel_context(shown: Shown | None, *, accept: bool) -> dict[str, Any]:
    """What the suggestion panel shows; `accept` adds the buttons that fill a form."""
    if shown is None:
        return {"shown": None}
    reading = shown.reading
    return {
        "shown": shown,
        "accept": accept,
        "direction": direction_name(reading.direction),
        "confidence": round(reading.direction_confidence * 100),
        "others": [
            {"code": code, "name": direction_name(code), "percent": round(p * 100)}
            for code, p in reading.directions[1:]
        ],
        "flags": flag_labels(reading.flags),
        "route": Route(reading.route).label,
        "outcome": OUTCOME_OF_ROUTE[Route(reading.route)],
        "neighbours": [n.direction for n in reading.neighbours],
    }


def latest_suggestion(subject_kind: str, number: str) -> Suggestion | None:
    """The newest suggestion stored for this appeal or conversation."""
    return (
        Suggestion.objects.filter(subject_kind=subject_kind, subject_number=number)
        .order_by("-created_at")
        .first()
    )


def latest_suggestions(subject_kind: str, numbers: list[str]) -> dict[str, Suggestion]:
    """The newest suggestion of each of these appeals or conversations, in one query."""
    latest: dict[str, Suggestion] = {}
    rows = Suggestion.objects.filter(subject_kind=subject_kind, subject_number__in=numbers)
    for row in rows.order_by("created_at"):
        latest[row.subject_number] = row
    return latest
