"""Risk on arrival (rule 6(j)): every message an applicant writes, on any channel, is checked
the moment it is stored (conversations.actions), and a risky one makes its conversation urgent
and alerts the consultants on duty.

Until a trained triage detector exists, the check is a hand-written list of Kazakh and Russian
danger words with their word forms, `data/risk_terms.txt` (its header documents the format and
the limits). A detector replaces `risk_assess` behind the same signature: text in, flags out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _

TERMS_FILE = Path(__file__).parent / "data" / "risk_terms.txt"
FOLD = str.maketrans("ёәғқңөұүһі", "еагкноуухи")
NOT_WORD = re.compile(r"[^\w]+|_+")

# Flags as stored (names shared with the appeals' risk flags, plus sexual abuse), in order.
RISK_FLAG_LABELS = {
    "suicide": _("Suicide risk"),
    "violence_now": _("Violence happening now"),
    "sexual_abuse": _("Sexual abuse"),
    "threat_to_life": _("Threat to life"),
    "child_without_care": _("Child without care"),
}


def fold(text: str) -> str:
    """Lowercase, ё as е and the Kazakh letters as their nearest Russian ones (a child may type
    Kazakh on a Russian keyboard); the same folding is applied to the patterns."""
    return text.lower().translate(FOLD)


def normalise(text: str) -> str:
    """The text as the patterns see it: folded, punctuation as spaces, one space between words."""
    return " ".join(NOT_WORD.sub(" ", fold(text)).split())


@cache
def _patterns() -> dict[str, re.Pattern[str]]:
    """Each flag's patterns from the terms file, folded and joined into one expression."""
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in TERMS_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            if current not in RISK_FLAG_LABELS:
                raise ValueError(f"{TERMS_FILE.name}: unknown flag {current!r}")
            sections.setdefault(current, [])
            continue
        if not current:
            raise ValueError(f"{TERMS_FILE.name}: a pattern before any [flag]")
        sections[current].append(f"(?:{fold(line)})")
    return {flag: re.compile("|".join(parts)) for flag, parts in sections.items()}


@dataclass(frozen=True)
class RiskResult:
    """The flags found (in RISK_FLAG_LABELS' order) and the words that set them off (for tests
    and tuning only: never stored or logged, they are part of the applicant's text)."""

    flags: tuple[str, ...] = ()
    words: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.flags)


def risk_assess(text: str) -> RiskResult:
    """Which risk flags the text sets off (rule 6(j))."""
    normal = normalise(text)
    flags: list[str] = []
    words: list[str] = []
    for flag, pattern in _patterns().items():
        found = [m.group(0) for m in pattern.finditer(normal) if m.group(0)]
        if found:
            flags.append(flag)
            words.extend(found)
    order = list(RISK_FLAG_LABELS)
    return RiskResult(tuple(sorted(flags, key=order.index)), tuple(words))


def flag_labels(flags: str | list[str] | tuple[str, ...]) -> list[str]:
    """The stored flags ("suicide,violence_now" or a list) as translated words."""
    names = flags.split(",") if isinstance(flags, str) else list(flags)
    return [str(RISK_FLAG_LABELS[name]) for name in names if name in RISK_FLAG_LABELS]
