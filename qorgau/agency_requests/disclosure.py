"""Composing a request from an appeal under the disclosure policy (rule 15): only the fields the
policy allows for the direction and the agency's kind leave the centre; free text is scanned and
personal data the policy does not allow is masked. The consultant sees the same composition as
a preview before sending (what will go, what was withheld)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.agencies.models import Agency
from qorgau.agency_requests.models import DisclosureRule
from qorgau.appeals.models import Appeal
from qorgau.triage.masking import mask_text

# Always sent: what the agency needs to identify and prioritise the request.
ALWAYS = ("number", "received_at", "region", "direction", "urgency")
# May be sent where the policy allows it.
OPTIONAL = {
    "summary": _("Summary"),
    "description": _("Description"),
    "urgency_reason": _("Reason for urgency"),
    "risk_flags": _("Risks"),
    "persons": _("Persons concerned (kind and age)"),
    "applicant_name": _("Applicant's name"),
    "applicant_phone": _("Applicant's phone"),
    "applicant_email": _("Applicant's e-mail"),
    "applicant_iin": _("Applicant's IIN"),
    "applicant_address": _("Address"),
}
FREE_TEXT = ("summary", "description", "urgency_reason")
# Which kind of personal data in free text each field's permission lets through.
TEXT_KIND_OF_FIELD = {
    "applicant_iin": "iin",
    "applicant_phone": "phone",
    "applicant_email": "email",
}


@dataclass
class Composition:
    content: dict[str, Any]
    withheld_fields: list[str]
    masked: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def withheld(self) -> dict[str, Any]:
        """What was left out, without any of its content (safe to store and show)."""
        return {"fields": self.withheld_fields, "masked": self.masked}


def allowed_fields(direction_code: str, agency_kind: str) -> frozenset[str]:
    """The policy's fields for this direction and kind of agency: the most specific rule."""
    rules = DisclosureRule.objects.filter(
        Q(direction=direction_code) | Q(direction=""),
        Q(agency_kind=agency_kind) | Q(agency_kind=""),
    )
    ranked = sorted(rules, key=lambda r: (r.direction == "", r.agency_kind == ""))
    return frozenset(ranked[0].fields) & OPTIONAL.keys() if ranked else frozenset()


def _values(appeal: Appeal) -> dict[str, Any]:
    return {
        "number": appeal.number,
        "received_at": appeal.received_at.isoformat(),
        "region": {
            "code": appeal.region.code,
            "kk": appeal.region.name_kk,
            "ru": appeal.region.name_ru,
        },
        "direction": int(appeal.direction.code),
        "urgency": appeal.urgency,
        "summary": appeal.summary,
        "description": appeal.description,
        "urgency_reason": appeal.urgency_reason,
        "risk_flags": appeal.risk_flags,
        "persons": [{"kind": p.kind, "age": p.age} for p in appeal.persons.all()],
        "applicant_name": appeal.applicant_name,
        "applicant_phone": appeal.applicant_phone,
        "applicant_email": appeal.applicant_email,
        "applicant_iin": appeal.applicant_iin,
        "applicant_address": appeal.applicant_address,
    }


def _names_to_mask(appeal: Appeal, allowed: frozenset[str]) -> list[str]:
    names = [p.name for p in appeal.persons.all() if p.name]
    if "applicant_name" not in allowed and appeal.applicant_name:
        names.append(appeal.applicant_name)
    return names


def mask_for_agency(
    appeal: Appeal, agency: Agency, text: str, allowed: frozenset[str] | None = None
) -> tuple[str, dict[str, int]]:
    """Free text about `appeal` as `agency` may read it, and how many of each kind were masked."""
    if allowed is None:
        allowed = allowed_fields(appeal.direction.code, agency.kind)
    text_allow = frozenset(kind for f, kind in TEXT_KIND_OF_FIELD.items() if f in allowed)
    masked = mask_text(text, allow=text_allow, known_names=_names_to_mask(appeal, allowed))
    counts: dict[str, int] = {}
    for removal in masked.removals:
        counts[removal.kind] = counts.get(removal.kind, 0) + 1
    return masked.text, counts


def compose_request(appeal: Appeal, agency: Agency) -> Composition:
    """What a request about `appeal` to `agency` carries, and what is withheld."""
    allowed = allowed_fields(appeal.direction.code, agency.kind)
    values = _values(appeal)
    content = {key: values[key] for key in ALWAYS}
    withheld = [key for key in OPTIONAL if key not in allowed and values[key]]
    composition = Composition(content=content, withheld_fields=withheld)
    for key in sorted(allowed):
        value = values[key]
        if key in FREE_TEXT and value:
            value, counts = mask_for_agency(appeal, agency, value, allowed)
            if counts:
                composition.masked[key] = counts
        content[key] = value
    return composition
