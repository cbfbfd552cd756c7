"""What a correction of an appeal compares (appeals/actions.py: appeal_correct): the appeal's
editable state as the registration body (AppealIn) has it, a partial correction laid over it,
the names of the fields that differ, and each field's value worded for people."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

from qorgau.appeals.models import RISK_FLAGS, Appeal, ApplicantKind, Language, PersonKind, Urgency
from qorgau.reference.models import Channel, Direction, HelpKind, Outcome, Region
from qorgau.reference.selectors import reference_by_code

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from qorgau.appeals.schemas import AppealPatch

# Every field a correction may change, in the order of the form; `received_at`, the number and
# the status are not among them. Lowering the urgency is not a correction (rule 6(j)).
FIELD_LABELS: dict[str, StrOrPromise] = {
    "urgency": _("Urgency"),
    "urgency_reason": _("Reason for urgency"),
    "risk_flags": _("Risks"),
    "channel": _("Channel"),
    "language": _("Language of the applicant"),
    "region": _("Region"),
    "direction": _("Direction"),
    "summary": _("Summary"),
    "description": _("Description"),
    "applicant.kind": _("Applicant is"),
    "applicant.name": _("Applicant's name"),
    "applicant.iin": _("Applicant's IIN"),
    "applicant.phone": _("Applicant's phone"),
    "applicant.email": _("Applicant's e-mail"),
    "applicant.address": _("Applicant's address"),
    "persons": _("Persons concerned"),
    "help_given": _("Help given"),
    "outcome": _("Outcome"),
    "competent_body": _("Competent body"),
}
UNORDERED = {"risk_flags", "help_given"}  # lists compared as sets
REFERENCES: dict[str, type[Channel | Region | Direction | Outcome]] = {
    "channel": Channel,
    "region": Region,
    "direction": Direction,
    "outcome": Outcome,
}


def appeal_state(appeal: Appeal) -> dict[str, Any]:
    """The appeal as a registration body (AppealIn.model_dump()'s shape), personal data
    decrypted: for the correction to compare with, and to fill the correction form."""
    return {
        "channel": appeal.channel.code,
        "received_at": appeal.received_at,
        "language": appeal.language,
        "applicant": {
            "kind": appeal.applicant_kind,
            "name": appeal.applicant_name,
            "iin": appeal.applicant_iin,
            "phone": appeal.applicant_phone,
            "email": appeal.applicant_email,
            "address": appeal.applicant_address,
        },
        "persons": [
            {"kind": p.kind, "age": p.age, "name": p.name} for p in appeal.persons.order_by("pk")
        ],
        "region": appeal.region.code,
        "direction": int(appeal.direction.code),
        "summary": appeal.summary,
        "description": appeal.description,
        "urgency": appeal.urgency,
        "urgency_reason": appeal.urgency_reason,
        "risk_flags": appeal.risk_flags,
        "help_given": [h.code for h in appeal.help_given.order_by("position")],
        "outcome": appeal.outcome.code if appeal.outcome else "",
        "competent_body": appeal.competent_body,
    }


def corrected_body(state: dict[str, Any], patch: AppealPatch) -> dict[str, Any]:
    """The state with the patch's fields laid over it; a field left out or given as null stays
    as it was (the applicant's fields one by one)."""
    given = {k: v for k, v in patch.model_dump(exclude_unset=True).items() if v is not None}
    applicant = {k: v for k, v in (given.pop("applicant", None) or {}).items() if v is not None}
    body = {**state, **{k: v for k, v in given.items() if k in FIELD_LABELS}}
    body["applicant"] = {**state["applicant"], **applicant}
    return body


def field_value(state: dict[str, Any], field: str) -> Any:
    """A field of a state by its name ("summary", "applicant.phone")."""
    value: Any = state
    for part in field.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return sorted(value or []) if field in UNORDERED else value


def changed_fields(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """The names of the fields whose values differ, in the order of the form."""
    return [f for f in FIELD_LABELS if field_value(old, f) != field_value(new, f)]


def _choice(choices: Sequence[tuple[str, StrOrPromise]], value: str) -> str:
    return str(dict(choices).get(value, value))


def _persons(persons: list[dict[str, Any]]) -> str:
    shown = []
    for p in persons:
        parts = [_choice(PersonKind.choices, p["kind"])]
        parts += [str(p[k]) for k in ("age", "name") if p.get(k) not in (None, "")]
        shown.append(", ".join(parts))
    return "; ".join(shown)


def display(state: dict[str, Any], field: str) -> str:
    """A field's value worded for people in the active language; "—" when empty."""
    value = field_value(state, field)
    if field in REFERENCES and value not in (None, ""):
        row = reference_by_code(REFERENCES[field], str(value))
        shown = f"{value}. {row.name}" if field == "direction" and row else getattr(row, "name", "")
    elif field == "help_given":
        shown = ", ".join(getattr(reference_by_code(HelpKind, c), "name", c) for c in value)
    elif field == "risk_flags":
        shown = ", ".join(str(label) for flag, label in RISK_FLAGS if flag in value)
    elif field == "persons":
        shown = _persons(value or [])
    else:
        choices = {
            "language": Language.choices,
            "urgency": Urgency.choices,
            "applicant.kind": ApplicantKind.choices,
        }
        shown = _choice(choices[field], value) if field in choices else str(value or "")
    return shown or "—"


def field_label(field: str) -> str:
    return str(FIELD_LABELS.get(field, field))
