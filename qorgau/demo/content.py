"""Demo content for Qorgau: the scenarios of calls and the referral directory that the loader
turns into demo appeals, read from the data files in qorgau/demo/data/.

Everything there is invented. The scenarios are typical of calls to the "111" contact centre and
are grouped by the 13 directions of interaction (rule 10, docs/rules.md); each is written in
Kazakh and in Russian, as a consultant would record the call. Summaries and descriptions never
carry personal data: the names, IINs, phone numbers and addresses of the people in a demo appeal
come from fakes.py, so they are obviously synthetic and never copied into the free text.

- data/scenarios.json: {"<direction number>": [scenario, ...]}. A scenario has summary_kk,
  description_kk, summary_ru, description_ru and persons ([{"kind", "age"}]); an urgent one
  adds "urgent": true, urgency_reason_kk, urgency_reason_ru and risk_flags. Directions 2, 3, 4,
  5 and 9 carry most of the line's calls and so have more scenarios.
- data/referral_bodies.json: [{"name_kk", "name_ru", "handles", "contacts"}], the referral
  directory (rule 6(o)) as an administrator might start it: bodies competent for questions
  outside the 13 directions. Contacts name only the official channels, no numbers.

No Django imports. The files are read once per process; a record that breaks the rules of
Scenario stops the demo.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

PERSON_KINDS = frozenset({"child", "woman", "other"})
RISK_FLAGS = frozenset({"violence_now", "threat_to_life", "suicide", "child_without_care"})
SUMMARY_MAX_LENGTH = 120


def read_data(name: str) -> Any:
    """The JSON file `name` of qorgau/demo/data/."""
    return json.loads(resources.files("qorgau.demo").joinpath("data", name).read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class Scenario:
    """One kind of call, in Kazakh and in Russian, with the people it concerns.

    ``persons`` holds (kind, age) pairs: kind is "child", "woman" or "other", age is in years
    (0 for a baby under one) or None when the caller did not know it. ``risk_flags`` is a subset
    of RISK_FLAGS. The urgency reasons are empty unless ``urgent``.
    """

    summary_kk: str
    description_kk: str
    summary_ru: str
    description_ru: str
    persons: tuple[tuple[str, int | None], ...]
    urgent: bool = False
    urgency_reason_kk: str = ""
    urgency_reason_ru: str = ""
    risk_flags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for text in (self.summary_kk, self.summary_ru):
            if not text or len(text) > SUMMARY_MAX_LENGTH:
                raise ValueError(f"summary empty or over {SUMMARY_MAX_LENGTH} chars: {text!r}")
        if not self.description_kk or not self.description_ru:
            raise ValueError(f"description missing: {self.summary_ru!r}")
        for kind, _age in self.persons:
            if kind not in PERSON_KINDS:
                raise ValueError(f"unknown person kind {kind!r}")
        if not set(self.risk_flags) <= RISK_FLAGS:
            raise ValueError(f"unknown risk flag in {self.risk_flags!r}")
        has_reason = bool(self.urgency_reason_kk) and bool(self.urgency_reason_ru)
        if self.urgent != has_reason:
            raise ValueError(f"urgent needs both reasons, and only urgent: {self.summary_ru!r}")
        if self.risk_flags and not self.urgent:
            raise ValueError(f"risk flags on a non-urgent scenario: {self.summary_ru!r}")

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> Scenario:
        """A scenario from its record in data/scenarios.json."""
        persons = tuple((person["kind"], person["age"]) for person in record["persons"])
        risk_flags = tuple(record.get("risk_flags", ()))
        return cls(**{**record, "persons": persons, "risk_flags": risk_flags})


@cache
def scenarios() -> dict[int, tuple[Scenario, ...]]:
    """The scenarios by direction number (rule 10), in the file's order."""
    return {
        int(direction): tuple(Scenario.from_record(record) for record in records)
        for direction, records in read_data("scenarios.json").items()
    }


@cache
def referral_bodies() -> tuple[dict[str, str], ...]:
    """The referral bodies: name_kk, name_ru, handles, contacts."""
    return tuple(read_data("referral_bodies.json"))
