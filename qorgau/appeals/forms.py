"""Turning the pages' posted forms and query strings into the API's schemas, so pages and API
validate the same way (docs/style.md: never the same operation written twice)."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict
from pydantic import ValidationError

from qorgau.appeals.models import RISK_FLAGS, PersonKind, Status
from qorgau.appeals.schemas import AppealFilters
from qorgau.core.validation import field_errors
from qorgau.reference.models import Channel, Direction, HelpKind, Outcome, Region

MAX_FORM_PERSONS = 3
TEXT_FIELDS = (
    "channel",
    "language",
    "region",
    "summary",
    "description",
    "urgency",
    "urgency_reason",
    "outcome",
    "competent_body",
    "received_at",
)
APPLICANT_FIELDS = ("kind", "name", "iin", "phone", "email", "address")


def appeal_payload(post: QueryDict) -> dict[str, Any]:
    """The new-appeal form as the JSON body the API takes."""
    payload: dict[str, Any] = {f: post.get(f, "") for f in TEXT_FIELDS if post.get(f, "") != ""}
    payload["direction"] = post.get("direction") or None
    payload["applicant"] = {f: post.get(f"applicant.{f}", "") for f in APPLICANT_FIELDS}
    payload["applicant"]["kind"] = payload["applicant"]["kind"] or "anonymous"
    payload["risk_flags"] = post.getlist("risk_flags")
    payload["help_given"] = post.getlist("help_given")
    payload["persons"] = [
        {"kind": post.get(f"persons.{i}.kind"), "age": post.get(f"persons.{i}.age") or None}
        for i in range(MAX_FORM_PERSONS)
        if post.get(f"persons.{i}.kind")
    ]
    return payload


def filters_from_query(query: QueryDict) -> tuple[AppealFilters, dict[str, str]]:
    """List filters from the query string; invalid ones are reported and ignored."""
    raw = {k: v for k, v in query.items() if k in AppealFilters.model_fields and v}
    try:
        return AppealFilters.model_validate(raw), {}
    except ValidationError as exc:
        errors = field_errors(exc.errors())
        valid = {k: v for k, v in raw.items() if k not in errors}
        return AppealFilters.model_validate(valid), errors


def form_choices() -> dict[str, Any]:
    return {
        "channels": Channel.objects.all(),
        "regions": Region.objects.all(),
        "directions": Direction.objects.all(),
        "help_kinds": HelpKind.objects.all(),
        "outcomes": Outcome.objects.all(),
        "statuses": Status.choices,
        "risk_flags": RISK_FLAGS,
        "person_kinds": PersonKind.choices,
        "person_slots": range(MAX_FORM_PERSONS),
    }
