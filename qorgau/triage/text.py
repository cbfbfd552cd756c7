"""Text as the triage detectors see it: lowercase, ё as е, the Kazakh letters as their nearest
Russian ones (a child may type Kazakh on a Russian keyboard), one character for one, so an offset
in the folded text is the same offset in the original."""

from __future__ import annotations

FOLD = str.maketrans("ёәғқңөұүһі", "еагкноуухи")


def fold(text: str) -> str:
    """Lowercase and folded, of the same length as `text` (a letter whose lowercase is longer,
    such as "İ", keeps its first character)."""
    lowered = text.lower()
    if len(lowered) != len(text):
        lowered = "".join(ch.lower()[0] for ch in text)
    return lowered.translate(FOLD)
