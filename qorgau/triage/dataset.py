"""The labelled texts of the triage assistant (data/README.md): reading the marked-up lines into
plain text with personal-data spans, and checking a file before it is used.

`python -m qorgau.triage.dataset FILE…` checks files and prints counts; it exits 1 on the first
bad line, naming it.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
SPAN_TYPES = (
    "name",
    "iin",
    "phone",
    "email",
    "address",
    "school",
    "birth_date",
    "car_plate",
)
FLAGS = ("suicide", "violence_now", "sexual_abuse", "threat_to_life", "child_without_care")
ROUTES = ("agency", "consult_only", "transfer_1414", "out_of_competence")
LANGS = ("kk", "ru", "mixed")
WRITERS = ("child", "teen", "parent", "grandparent", "neighbour", "teacher", "official", "other")
REGISTERS = ("formal", "colloquial", "mixed", "typos", "nopunct")
MARK = re.compile(r"⟦([a-z_]+):([^⟦⟧]+)⟧")


@dataclass(frozen=True)
class Span:
    """Characters start:end of a text are personal data of this type."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Example:
    """One labelled text, its marks removed."""

    id: str
    text: str
    lang: str
    direction: int
    urgent: bool
    flags: tuple[str, ...]
    route: str
    spans: tuple[Span, ...] = field(default=())
    writer: str = "other"
    register: str = "colloquial"


class DatasetError(ValueError):
    """A line of a labelled file is not as data/README.md describes."""


def unmark(marked: str) -> tuple[str, tuple[Span, ...]]:
    """The text without its ⟦type:surface⟧ marks, and the spans the marks made."""
    parts: list[str] = []
    spans: list[Span] = []
    length = 0
    last = 0
    for match in MARK.finditer(marked):
        before = marked[last : match.start()]
        parts.append(before)
        length += len(before)
        kind, surface = match.group(1), match.group(2)
        if kind not in SPAN_TYPES:
            raise DatasetError(f"unknown span type {kind!r}")
        spans.append(Span(length, length + len(surface), kind))
        parts.append(surface)
        length += len(surface)
        last = match.end()
    parts.append(marked[last:])
    text = "".join(parts)
    if "⟦" in text or "⟧" in text:
        raise DatasetError("a mark is not closed or not of the form ⟦type:surface⟧")
    return text, tuple(spans)


def _choice(row: dict[str, object], key: str, allowed: Iterable[object]) -> None:
    if row.get(key) not in tuple(allowed):
        raise DatasetError(f"{key} is {row.get(key)!r}; expected one of {tuple(allowed)}")


def example_from_row(row: dict[str, object]) -> Example:
    """Check one parsed line and turn it into an Example."""
    _choice(row, "lang", LANGS)
    _choice(row, "route", ROUTES)
    _choice(row, "direction", range(1, 14))
    if not isinstance(row.get("urgent"), bool):
        raise DatasetError("urgent must be true or false")
    flags = row.get("flags", [])
    if not isinstance(flags, list) or any(flag not in FLAGS for flag in flags):
        raise DatasetError(f"flags must be a list of {FLAGS}")
    if bool(flags) != row["urgent"]:
        raise DatasetError("urgent must be true exactly when flags is not empty")
    if not isinstance(row.get("text"), str) or not str(row["text"]).strip():
        raise DatasetError("text is missing")
    text, spans = unmark(str(row["text"]))
    writer, register = row.get("writer", "other"), row.get("register", "colloquial")
    _choice(row | {"writer": writer}, "writer", WRITERS)
    _choice(row | {"register": register}, "register", REGISTERS)
    return Example(
        id=str(row.get("id", "")),
        text=text,
        lang=str(row["lang"]),
        direction=int(row["direction"]),  # type: ignore[call-overload]
        urgent=bool(row["urgent"]),
        flags=tuple(str(flag) for flag in flags),
        route=str(row["route"]),
        spans=spans,
        writer=str(writer),
        register=str(register),
    )


def load(path: Path) -> list[Example]:
    """Every example of one file; DatasetError names the first bad line."""
    examples: list[Example] = []
    seen: set[str] = set()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            example = example_from_row(json.loads(line))
        except (json.JSONDecodeError, DatasetError) as exc:
            raise DatasetError(f"{path.name}:{number}: {exc}") from exc
        if example.id in seen:
            raise DatasetError(f"{path.name}:{number}: id {example.id!r} is used twice")
        seen.add(example.id)
        examples.append(example)
    return examples


def training_files() -> list[Path]:
    """The files the models learn from: every train*.jsonl, never test.jsonl."""
    return sorted(DATA_DIR.glob("train*.jsonl"))


def held_out_file() -> Path:
    """The held-out test set, written apart (data/README.md)."""
    return DATA_DIR / "test.jsonl"


def summary(examples: list[Example]) -> str:
    """Counts a writer of data checks against the brief."""
    lines = [f"{len(examples)} texts, {sum(e.urgent for e in examples)} urgent"]
    for name, values in (
        ("direction", [e.direction for e in examples]),
        ("lang", [e.lang for e in examples]),
        ("route", [e.route for e in examples]),
        ("writer", [e.writer for e in examples]),
        ("register", [e.register for e in examples]),
        ("flag", [f for e in examples for f in e.flags]),
        ("span", [s.type for e in examples for s in e.spans]),
    ):
        counts = sorted(Counter(values).items())
        lines.append(f"{name}: " + ", ".join(f"{key}={count}" for key, count in counts))
    return "\n".join(lines)


def main(paths: list[str]) -> int:
    """Check the files named and print their counts."""
    examples: list[Example] = []
    for path in paths:
        try:
            examples += load(Path(path))
        except DatasetError as exc:
            print(exc, file=sys.stderr)
            return 1
    print(summary(examples))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
