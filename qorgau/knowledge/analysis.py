"""The shared analysis step of the knowledge-base search (decision 0009): text → index terms.

The same function serves the index and the query, and feeds the postings (postings.py) on
SQLite and PostgreSQL alike, so both databases find the same articles.

- Words are lower-cased, ё → е, hyphenated words split.
- Russian words: Snowball's Russian stemmer (PyStemmer).
- Kazakh words: every stem that Debian's Kazakh Hunspell dictionary (hunspell-kk, through
  chunspell) gives; a word the dictionary does not know is reduced by stripping common Kazakh
  endings, keeping each intermediate form (measured in docs/decisions/0008). Without the
  dictionary installed only the stripping runs.
- Every term is then folded: Kazakh letters to their Russian look-alikes (қ → к, ү → у, …),
  so a query typed without Kazakh letters still matches.
- A query word also brings the other words of its concept group in the thesaurus
  (data/thesaurus.txt, whose header gives its format and rules), at a lower weight: colloquial
  wording and the other language.

Which analysis a text gets: an article's by its language; a query's by its letters (Kazakh
letters → Kazakh; none → both, since Kazakh typed without its letters looks Russian).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import Stemmer

log = logging.getLogger(__name__)

WORD = re.compile(r"[^\W\d_]+|\d+")
KAZAKH_LETTERS = set("әғқңөұүһі")
FOLD = str.maketrans("әғқңөұүһіё", "агкноуухие")
HUNSPELL_DIR = Path("/usr/share/hunspell")
# Endings stripped from Kazakh words the dictionary does not know, longest first: plural,
# possessive, case, verb and a few derivational endings.
KK_ENDINGS_TEXT = (
    "лар лер дар дер тар тер ның нің дың дің тың тің ға ге қа ке на не ны ні "
    "ды ді ты ті да де та те нда нде дан ден тан тен нан нен мен бен пен "
    "ым ім ың ің сы сі мыз міз ңыз ңіз ған ген қан кен йды йді ады еді ып іп "
    "лық лік дық дік тық тік шы ші сыз сіз ы і а е н м ң у"
)
KK_ENDINGS = sorted(set(KK_ENDINGS_TEXT.split()), key=len, reverse=True)
MIN_STEM = 3
EXPANSION_WEIGHT = 0.7
THESAURUS_FILE = "thesaurus.txt"  # in qorgau/knowledge/data/
THESAURUS_SEPARATOR = "|"


@cache
def _russian() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("russian")


@cache
def _kazakh_dictionary() -> object | None:
    if not (HUNSPELL_DIR / "kk_KZ.dic").exists():
        log.warning("hunspell-kk is not installed: Kazakh search uses ending stripping only")
        return None
    import hunspell  # chunspell

    return hunspell.Hunspell("kk_KZ", hunspell_data_dir=str(HUNSPELL_DIR))


def words(text: str) -> list[str]:
    """The words of a text, lower-cased, ё folded to е, hyphenated words split."""
    return WORD.findall(text.lower().replace("ё", "е"))


def is_kazakh(text: str) -> bool:
    return any(ch in KAZAKH_LETTERS for ch in text.lower())


def _strip_endings(word: str) -> list[str]:
    forms: list[str] = []
    while True:
        ending = next(
            (e for e in KK_ENDINGS if word.endswith(e) and len(word) - len(e) >= MIN_STEM), None
        )
        if ending is None:
            return forms
        word = word[: -len(ending)]
        forms.append(word)


@cache
def kazakh_terms(word: str) -> frozenset[str]:
    dictionary = _kazakh_dictionary()
    stems = set(dictionary.stem(word)) if dictionary is not None else set()  # type: ignore[attr-defined]
    if not stems:
        stems = set(_strip_endings(word))
    return frozenset(s.translate(FOLD) for s in stems | {word})


@cache
def russian_terms(word: str) -> frozenset[str]:
    return frozenset({_russian().stemWord(word).translate(FOLD)})


def word_terms(word: str, lang: str) -> frozenset[str]:
    """The index terms of one word in a language ("kk", "ru", or "" for both)."""
    if word.isdigit():
        return frozenset({word})
    if lang == "kk":
        return kazakh_terms(word)
    if lang == "ru":
        return russian_terms(word)
    return kazakh_terms(word) | russian_terms(word)


def text_terms(text: str, lang: str) -> list[str]:
    """Index terms of a text, repeated as often as they occur (for term frequency)."""
    return [term for word in words(text) for term in sorted(word_terms(word, lang))]


@dataclass(frozen=True)
class QueryWord:
    """One word of a query: its own terms, and the terms of its thesaurus groups."""

    word: str
    terms: frozenset[str]
    expansions: frozenset[str]


def query_lang(text: str) -> str:
    return "kk" if is_kazakh(text) else ""


def analyse_query(text: str, limit: int = 12) -> list[QueryWord]:
    """The first `limit` distinct words of the query, analysed and expanded; a thesaurus phrase
    whose words all occur in the query adds its group as one more (expansion-only) word."""
    lang = query_lang(text)
    seen: dict[str, QueryWord] = {}
    for word in words(text):
        if word in seen or len(seen) >= limit:
            continue
        terms = word_terms(word, lang)
        seen[word] = QueryWord(word, terms, thesaurus_expansions(terms) - terms)
    query_terms = [w.terms for w in seen.values()]
    for number, (phrase, group) in enumerate(_phrases()):
        if all(any(part & terms for terms in query_terms) for part in phrase):
            # A key of its own: one taken from the phrase's (unordered) terms could make two
            # phrases collide in some processes and not in others.
            seen[f"#phrase{number}"] = QueryWord("", frozenset(), group)
    return list(seen.values())


def _entry_lang(entry: str) -> str:
    """A thesaurus entry with Kazakh letters is Kazakh; one without may be either (неке, ерте
    are Kazakh words), so it is analysed both ways."""
    return "kk" if is_kazakh(entry) else ""


def _group_terms(group: tuple[str, ...]) -> set[str]:
    terms: set[str] = set()
    for entry in group:
        entry_words = words(entry)
        if len(entry_words) == 1:  # phrases trigger only as a whole (see _phrases)
            terms |= word_terms(entry_words[0], _entry_lang(entry))
    return terms


@cache
def thesaurus_groups() -> tuple[tuple[str, ...], ...]:
    """The concept groups of data/thesaurus.txt, each as its entries in the file's order: one
    group a line, entries separated by " | "; "#" lines and blank lines are skipped."""
    text = resources.files("qorgau.knowledge").joinpath("data", THESAURUS_FILE).read_text("utf-8")
    lines = (line.strip() for line in text.splitlines())
    return tuple(
        tuple(entry.strip() for entry in line.split(THESAURUS_SEPARATOR))
        for line in lines
        if line and not line.startswith("#")
    )


@cache
def _thesaurus() -> dict[str, frozenset[str]]:
    """Each term of the thesaurus → every term of every group it belongs to."""
    related: dict[str, set[str]] = {}
    for group in thesaurus_groups():
        terms = _group_terms(group)
        for term in terms:
            related.setdefault(term, set()).update(terms)
    return {term: frozenset(group) for term, group in related.items()}


@cache
def _phrases() -> tuple[tuple[tuple[frozenset[str], ...], frozenset[str]], ...]:
    """Multi-word entries of the thesaurus: (the terms of each of their words, group terms)."""
    found = []
    for group in thesaurus_groups():
        for entry in group:
            entry_words = words(entry)
            if len(entry_words) > 1:
                lang = _entry_lang(entry)
                parts = tuple(word_terms(w, lang) for w in entry_words if len(w) > 2)
                found.append((parts, frozenset(_group_terms(group))))
    return tuple(found)


def thesaurus_expansions(terms: frozenset[str]) -> frozenset[str]:
    thesaurus = _thesaurus()
    return frozenset(t for term in terms for t in thesaurus.get(term, ()))
