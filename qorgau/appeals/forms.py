"""Turning the pages' posted forms and query strings into the API's schemas, so pages and API
validate the same way (docs/style.md: never the same operation written twice)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

from django.http import QueryDict
from pydantic import ValidationError

from qorgau.appeals.models import RISK_FLAGS, PersonKind, Status
from qorgau.appeals.schemas import AppealFilters
from qorgau.appeals.selectors import SORTS, ListOptions
from qorgau.core.identifiers import iin_is_valid, normalise_phone
from qorgau.core.validation import field_errors
from qorgau.reference.models import Channel, Direction, HelpKind, Outcome, Region

MAX_FORM_PERSONS = 3  # empty rows of a new form
MAX_PERSONS = 20  # as AppealIn takes
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
        {
            "kind": post.get(f"persons.{i}.kind"),
            "age": post.get(f"persons.{i}.age") or None,
            "name": post.get(f"persons.{i}.name", ""),
        }
        for i in range(MAX_PERSONS)
        if post.get(f"persons.{i}.kind")
    ]
    return payload


def correction_payload(post: QueryDict) -> dict[str, Any]:
    """The correction form as the API's PATCH body. The form shows every field, so a field
    emptied is given empty (cleared), never left out (which would leave it unchanged)."""
    payload = appeal_payload(post)
    payload.update({f: post.get(f, "") for f in TEXT_FIELDS if f != "received_at"})
    payload.pop("received_at", None)  # not corrected
    payload.update(expected_version=post.get("version", ""), reason=post.get("reason", ""))
    return payload


def form_values(state: dict[str, Any]) -> QueryDict:
    """An appeal's state (appeals/corrections.py: appeal_state) as the form would post it, to
    fill the correction form."""
    values = QueryDict(mutable=True)
    for field in TEXT_FIELDS:
        if field != "received_at":
            values[field] = str(state[field] or "")
    values["direction"] = str(state["direction"])
    for field in APPLICANT_FIELDS:
        values[f"applicant.{field}"] = state["applicant"][field] or ""
    values.setlist("risk_flags", state["risk_flags"])
    values.setlist("help_given", state["help_given"])
    for i, person in enumerate(state["persons"]):
        for key in ("kind", "age", "name"):
            values[f"persons.{i}.{key}"] = "" if person[key] is None else str(person[key])
    return values


def person_rows(values: QueryDict) -> list[dict[str, str | int]]:
    """The form's rows of persons concerned, as typed or stored: MAX_FORM_PERSONS rows, or one
    more than those filled."""
    filled = sum(1 for i in range(MAX_PERSONS) if values.get(f"persons.{i}.kind"))
    rows = min(MAX_PERSONS, max(MAX_FORM_PERSONS, filled + 1))
    keys = ("kind", "age", "name")
    return [{"i": i, **{k: values.get(f"persons.{i}.{k}", "") for k in keys}} for i in range(rows)]


def filters_from_query(query: QueryDict) -> tuple[AppealFilters, dict[str, str]]:
    """List filters from the query string; invalid ones are reported and ignored."""
    raw = {k: v for k, v in query.items() if k in AppealFilters.model_fields and v}
    try:
        return AppealFilters.model_validate(raw), {}
    except ValidationError as exc:
        errors = field_errors(exc.errors())
        valid = {k: v for k, v in raw.items() if k not in errors}
        return AppealFilters.model_validate(valid), errors


# A registration number, whole ("111-2026-000237") or its end ("000237", "2026-000237").
NUMBER = re.compile(r"(\d{3}-)?(\d{4}-)?\d{1,7}")
LIST_FIELDS: tuple[str, ...] = ("status", "direction", "region", "channel", "urgency")
LIST_FIELDS += ("received_from", "received_to")
MINE: dict[str, Literal["assigned", "registered"]] = {
    "assigned": "assigned",
    "registered": "registered",
}


@dataclass(frozen=True)
class Search:
    """What the list's search box was given: a number, an IIN, a phone or summary words."""

    kind: Literal["", "number", "iin", "phone", "words"] = ""
    value: str = ""


def search_from(text: str) -> Search:
    """Tell a number from an IIN, a phone number and words of a summary."""
    text = " ".join(text.split())[:200]
    compact = re.sub(r"[\s()+-]", "", text)
    if not text:
        return Search()
    if NUMBER.fullmatch(text):
        return Search("number", text)
    if iin_is_valid(compact):
        return Search("iin", compact)
    phone = normalise_phone(text) if compact.isdigit() and len(compact) >= 10 else None
    if phone:
        return Search("phone", phone)
    return Search("words", text)


def list_options(
    query: QueryDict, search: Search, caller_ids: tuple[int, ...] | None = None
) -> ListOptions:
    """The staff list's order, "my appeals" and search; unknown values are ignored. A number
    may come in the query string (a number is no personal data) or from the search box."""
    sort = (query.getlist("sort") or [""])[-1]  # a header button comes after the hidden field
    number = query.get("number", "")
    if search.kind == "number":
        number = search.value
    mine = query.get("mine", "")
    return ListOptions(
        sort=sort if sort.removeprefix("-") in SORTS else "-received",
        mine=MINE.get(mine, ""),
        number=number if NUMBER.fullmatch(number) else "",
        words=tuple(search.value.split()) if search.kind == "words" else (),
        caller_ids=caller_ids,
    )


def list_query(filters: AppealFilters, options: ListOptions) -> list[tuple[str, str]]:
    """The filters and options that may travel in a URL and be saved: never the search box's
    words, phone or IIN (rule 5)."""
    pairs = [(f, str(getattr(filters, f))) for f in LIST_FIELDS if getattr(filters, f)]
    pairs += [(k, v) for k, v in (("mine", options.mine), ("number", options.number)) if v]
    if options.sort != ListOptions.sort:
        pairs.append(("sort", options.sort))
    return pairs


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
    }
