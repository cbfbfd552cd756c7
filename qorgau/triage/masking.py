"""Masking personal data in free text that leaves the centre (rule 15).

A request that the "111" centre sends to a state agency carries only the facts the appeal needs
(rule 15). Free text in it (the consultant's summary, the applicant's own words) may hold an IIN,
a phone number, an e-mail address or the names of the people in the appeal. `mask_text` finds
these and puts a placeholder in place of each one, except the kinds that the disclosure policy
lets go to this agency (`allow`). It is pure Python, needs no database, and never raises on any
input string.

What is found (kinds and placeholders are in `KINDS` and `PLACEHOLDERS`):

- ``iin`` — every run of exactly 12 digits that is not part of a longer digit run. The control
  digit is *not* required: a mistyped IIN is still an IIN, and a wrong digit must not let it
  through. 13 and more digits in a row (bank accounts) are left alone and are not split into a
  12-digit piece; so are the digits inside an IBAN ("KZ86125KZT5004100100", also grouped by
  four). Grouped forms "900101 300027", "900101-300027" and "900 101 300 027" are masked only
  when the control digit is right (``iin_is_valid``), since grouped digits are often sums. Any
  Unicode decimal digits count (full-width too). 12 digits right after "+" are left to the phone
  pass (a foreign number such as +998901234567); if that finds no phone there, they are masked
  as an IIN. Not covered: other groupings ("9001 0130 0027"), an IIN split over a line break.
- ``phone`` — two finders whose results are merged:
  ``phonenumbers.PhoneNumberMatcher`` with region KZ and leniency POSSIBLE (it checks what
  ``normalise_phone`` checks), and a regex for Kazakhstan shapes: optional +7 / 8 / 7, then ten
  digits starting with 7 with spaces, hyphens, dots or brackets between them. The regex is
  needed because the matcher reads a number next to another number ("+7 701 234 56 78 15
  жаста", "3 ребенка 8 (701) 234-56-78") as one over-long candidate and misses it or finds only
  its tail. Found: "+7 701 234 56 78", "8 (701) 234-56-78", "87012345678", "7012345678", city
  numbers with or without a code ("+7 (7172) 55-44-33", "255-44-33"), foreign numbers with "+",
  extensions ("доб. 12"). Both run on a copy of the text where IINs, e-mails, IBANs, dates
  ("21.03.2026", "01/02/2025", "2026-03-21") and runs of 12+ digits are blanked, so an IIN is
  never reported as a phone too and a date next to a phone does not hide it. A match is dropped
  as a sum when it is grouped by thousands without "+" ("1 500 000", "7 500 000 000") or when it
  has fewer than 10 digits and a currency word or sign follows ("1500000 тенге", "₸", "тг",
  "руб", "%"). A bare 7-digit number ("1500000") *is* masked: it looks just like a city number
  without its code. Near other numbers a phone's placeholder may also swallow a neighbouring
  number ("7 8 (701) 234-56-78"): over-masking is preferred to leaving digits of a phone. If
  phonenumbers raises, the regex alone is used (each find confirmed by ``normalise_phone``).
- ``email`` — ``local@domain.tld`` with Unicode letters allowed (``почта@пример.қаз``).
  Obfuscated forms ("aigul [at] mail.kz", "aigul собака mail.kz") are not found.
- ``name`` — only the names given in ``known_names`` (the applicant and the persons the appeal
  holds); there is no guessing of unknown names. Matching is case-insensitive, by whole word
  from its start: each word of a name with 3 or more letters is masked together with any ending
  (``\\bWORD\\w*``), so Kazakh and Russian inflections are covered ("Айгүлге", "Серіковаға",
  "Нұрланның", "Айгули"). A word of 5+ letters ending in -а/-я is also matched without that
  letter, for Russian declension ("Серікова" finds "Сериковой", "Мария" finds "Марию"; it also
  finds "Серіков" and "Марина" — masking a relative's surname or a similar name is accepted).
  Kazakh letters match their Russian spellings and back (ә~а, ғ~г, қ~к, ң~н, ө~о, ұ~у~ү, һ~х,
  і~и), so "Нұрлан" also finds "Нурлана" and "Серикова"; Latin look-alikes typed inside
  Cyrillic words (a e o p c y x i) and decomposed й / ё match too. A short name word also finds
  longer words that start with it ("Нұр" finds "нұрлы"): that is the rule, and over-masking is
  the safe side. Words shorter than 3 letters ("Ли") are masked only as part of the full name
  ("Ли Мин"), never on their own — so a one-word name of 1–2 letters is not masked at all. A
  name inside another word ("Байгүл" for "Айгүл") is not masked. Name words with only spaces or a
  hyphen between them ("Айгүл Серікова", "Серікова Айгүл") become one placeholder. Not
  covered: names in Latin script ("Aigul"), initials ("А. Серікова" masks only the surname),
  nicknames and diminutives ("Айгүлжан" is masked, "Айка" is not), other stem changes.

Overlapping finds are merged into one removal covering all of them, with the kind of the one
that starts first (the longer one on a tie); ``removals`` is sorted by ``start`` and its spans
are in the original text. Unknown kinds in ``allow`` raise ``ValueError`` — that is a
programming error, not bad input. Any other argument values, including any string, do not
raise.

Speed (one core, phonenumbers 9.0, best of three): 100 kB of mixed Kazakh/Russian text with
~1,000 finds in 0.09 s; adversarial 100 kB texts (8,000 bare 11-digit numbers, random digits
and punctuation, "7 7 7 …") in 0.3–0.65 s, almost all of it in phonenumbers' matcher. Names add
little (one compiled regex for all names). ``test_large_text_is_fast`` holds the 1 s bound.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import phonenumbers

from qorgau.core.identifiers import iin_is_valid, normalise_phone
from qorgau.triage.spans import ADDRESS, BIRTH_DATE, CAR_PLATE, SCHOOL, find_shaped

IIN = "iin"
PHONE = "phone"
EMAIL = "email"
NAME = "name"
KINDS = frozenset({IIN, PHONE, EMAIL, NAME, ADDRESS, SCHOOL, BIRTH_DATE, CAR_PLATE})

PLACEHOLDERS = MappingProxyType(
    {
        IIN: "[ЖСН/ИИН]",
        PHONE: "[телефон]",
        EMAIL: "[e-mail]",
        NAME: "[аты-жөні/ФИО]",
        ADDRESS: "[мекенжай/адрес]",
        SCHOOL: "[мектеп/школа]",
        BIRTH_DATE: "[туған күні/дата рождения]",
        CAR_PLATE: "[көлік нөмірі/госномер]",
    }
)


@dataclass(frozen=True)
class Removal:
    """One masked span: ``text[start:end]`` of the original text was of this kind."""

    kind: str
    start: int
    end: int


@dataclass(frozen=True)
class Masked:
    text: str
    removals: tuple[Removal, ...]


# --- IIN ---------------------------------------------------------------------------------------

_IIN_PLAIN = re.compile(r"(?<!\d)\d{12}(?!\d)")
_GROUP_SEP = r"[ \u00a0\u202f\-]"
_IIN_GROUPED = re.compile(
    rf"(?<!\d)(?<!\d{_GROUP_SEP})"
    rf"(?:\d{{6}}{_GROUP_SEP}\d{{6}}|\d{{3}}(?:{_GROUP_SEP}\d{{3}}){{3}})"
    rf"(?!{_GROUP_SEP}?\d)"
)
_LONG_DIGIT_RUN = re.compile(r"(?<![\d+])\d{12,}")
# An account number (IBAN, "KZ86 125K ZT50 0410 0100"): its digits are neither IIN nor phone.
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?:[A-Z0-9]{11,30}|(?: [A-Z0-9]{4}){2,7}(?: [A-Z0-9]{1,4})?)"
    r"(?![A-Za-z0-9])"
)


def _ascii_digits(value: str) -> str:
    return "".join(str(int(c)) for c in value if c.isdigit())


def _inside(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether [start, end) lies in one of `spans` (sorted, not overlapping)."""
    i = bisect.bisect_right(spans, (start, float("inf"))) - 1  # last span starting by `start`
    return i >= 0 and spans[i][0] <= start and end <= spans[i][1]


def _find_iins(text: str, ibans: Sequence[tuple[int, int]]) -> tuple[list[Removal], list[Removal]]:
    """IIN removals, and the "+"-prefixed 12-digit runs to decide after the phone pass."""
    found: list[Removal] = []
    after_plus: list[Removal] = []
    for m in _IIN_PLAIN.finditer(text):
        if _inside(m.start(), m.end(), ibans):
            continue
        removal = Removal(IIN, m.start(), m.end())
        if m.start() > 0 and text[m.start() - 1] == "+":
            after_plus.append(removal)
        else:
            found.append(removal)
    for m in _IIN_GROUPED.finditer(text):
        if iin_is_valid(_ascii_digits(m.group())) and not _inside(m.start(), m.end(), ibans):
            found.append(Removal(IIN, m.start(), m.end()))
    return found, after_plus


# --- e-mail ------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+\-])[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}(?![\w\-])",
)


def _find_emails(text: str) -> list[Removal]:
    return [Removal(EMAIL, m.start(), m.end()) for m in _EMAIL.finditer(text)]


# --- phone -------------------------------------------------------------------------------------

_DATE = re.compile(
    r"(?<!\d)(?<!\d[./])"
    r"(?:(?:0?[1-9]|[12]\d|3[01])([./])(?:0?[1-9]|1[0-2])\1(?:\d{4}|\d{2})"
    r"|\d{4}-(?:0?[1-9]|1[0-2])-(?:0?[1-9]|[12]\d|3[01]))"
    r"(?!\d)(?![./]\d)"
)
_THOUSANDS = re.compile(r"\d{1,3}(?:[ \u00a0\u202f.,]\d{3}){2,}")
_CURRENCY_AFTER = re.compile(
    r"\s*(?:[₸%$€₽]|(?:тг|тенге|теңге|kzt|руб|рубл\w*|usd|eur|долл\w*|евро|млн|млрд|мың)\b)",
    re.IGNORECASE,
)
_FULL_NUMBER_DIGITS = 10  # a number with a code; shorter ones may be a city number or a sum
# Kazakhstan numbers by shape: an optional +7 / 8 / 7, then ten digits starting with 7, with
# spaces, hyphens, dots or brackets between them. phonenumbers' matcher reads a number followed
# or preceded by another number ("+7 701 234 56 78 15 жаста", "3 ребенка 8 (701) 234-56-78")
# as one candidate and then misses it or finds only its tail; this catches those.
# Every start is tried (a lookahead finds overlapping matches) and the finds are merged, so a
# digit before the number ("7 8 (701) 234-56-78") cannot shift the match and leave digits out.
_KZ_PHONE = re.compile(
    r"(?<![\d+])(?=("
    r"(?:(?:\+ ?7|8|7)[ \u00a0\-.(]{0,2})?7(?:[ \u00a0\-.()]{0,2}\d){9}(?!\d)"
    r"))"
)
_BLANK = "Ж"  # a letter: ends any phone candidate, and keeps offsets


def _blank(text: str, spans: Iterable[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = _BLANK * (end - start)
    return "".join(chars)


def _looks_like_sum(text: str, start: int, end: int) -> bool:
    """Grouped by thousands ("1 500 000"), or a short number followed by a currency word."""
    raw = text[start:end]
    if "+" not in raw and _THOUSANDS.fullmatch(raw):
        return True
    digits = sum(c.isdigit() for c in raw)
    return digits < _FULL_NUMBER_DIGITS and _CURRENCY_AFTER.match(text, end) is not None


def _safe_normalise_phone(value: str) -> str | None:
    try:
        return normalise_phone(value)
    except Exception:
        return "?"  # cannot tell: count it as a phone


def _find_phones(text: str, blanked: str) -> list[Removal]:
    """Phones in `blanked` (IINs, e-mails, dates, accounts hidden), spans valid in `text`."""
    spans = [m.span(1) for m in _KZ_PHONE.finditer(blanked)]
    try:
        matcher = phonenumbers.PhoneNumberMatcher(
            blanked,
            "KZ",
            leniency=phonenumbers.Leniency.POSSIBLE,
            max_tries=4 * len(blanked) + 100,
        )
        # Leniency POSSIBLE has already checked what normalise_phone would check.
        spans += [(match.start, match.end) for match in matcher]
    except Exception:  # phonenumbers is third-party: the shapes above still catch KZ numbers
        spans = [(s, e) for s, e in spans if _safe_normalise_phone(blanked[s:e]) is not None]
    return [Removal(PHONE, s, e) for s, e in spans if not _looks_like_sum(text, s, e)]


# --- names -------------------------------------------------------------------------------------

_EQUIVALENT_LETTERS = (
    "аәa",
    "гғ",
    "кқ",
    "нң",
    "оөo",
    "уұүy",
    "хһx",
    "иіi",
    "её",
    "еe",
    "рp",
    "сc",
)
_LETTER_CLASS: dict[str, set[str]] = {}
for _group in _EQUIVALENT_LETTERS:
    for _letter in _group:
        _LETTER_CLASS.setdefault(_letter, set()).update(_group)
_MIN_WORD = 3
_STEM_CUT_FROM = 5  # a word this long that ends in -а/-я is also matched without that letter
_WORD_END = r"[\w\u0300-\u036f]*"  # an ending; combining marks too (й, ё typed decomposed)
_NAME_SEP = re.compile(r"[ \t\u00a0]+|[\-‐‑]")  # spaces, or the hyphen of a double name
_NAME_TOKEN = re.compile(r"[^\W\d_]+")


def _letter_pattern(letter: str) -> str:
    forms: set[str] = set()
    for alt in _LETTER_CLASS.get(letter, {letter}):
        forms.add(alt)
        forms.add(unicodedata.normalize("NFD", alt))
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))) + ")"


def _word_pattern(word: str) -> str:
    return "".join(_letter_pattern(c) for c in word.lower())


def _name_regexes(known_names: Sequence[str]) -> list[re.Pattern[str]]:
    words: set[str] = set()
    phrases: set[str] = set()
    for name in known_names:
        if not isinstance(name, str):
            continue
        tokens = _NAME_TOKEN.findall(unicodedata.normalize("NFC", name))
        words.update(t.lower() for t in tokens if len(t) >= _MIN_WORD)
        # Russian declension changes a final -а/-я: Серікова → Сериковой, Мария → Марию.
        words.update(t.lower()[:-1] for t in tokens if len(t) >= _STEM_CUT_FROM and t[-1] in "аяАЯ")
        if len(tokens) > 1:
            parts = [
                _word_pattern(t) + (_WORD_END if len(t) >= _MIN_WORD else r"(?!\w)") for t in tokens
            ]
            phrases.add(r"(?:[ \t\u00a0]+|[\-‐‑])".join(parts))
    regexes = []
    if phrases:
        body = "|".join(sorted(phrases, key=len, reverse=True))
        regexes.append(re.compile(rf"(?<!\w)(?:{body})", re.IGNORECASE))
    if words:
        body = "|".join(_word_pattern(w) for w in sorted(words, key=len, reverse=True))
        regexes.append(re.compile(rf"(?<!\w)(?:{body}){_WORD_END}", re.IGNORECASE))
    return regexes


def _find_names(text: str, known_names: Sequence[str]) -> list[Removal]:
    if isinstance(known_names, str):  # one name passed bare: not a list of its letters
        known_names = (known_names,)
    found: list[Removal] = []
    for regex in _name_regexes(known_names):
        found.extend(Removal(NAME, m.start(), m.end()) for m in regex.finditer(text) if m.group())
    return found


def _join_adjacent_names(text: str, removals: list[Removal]) -> list[Removal]:
    """Name spans with only spaces or hyphens between them become one span."""
    joined: list[Removal] = []
    for r in removals:
        if (
            joined
            and r.kind == NAME
            and joined[-1].kind == NAME
            and _NAME_SEP.fullmatch(text, joined[-1].end, r.start)
        ):
            joined[-1] = Removal(NAME, joined[-1].start, r.end)
        else:
            joined.append(r)
    return joined


# --- putting it together -----------------------------------------------------------------------


def _merge(removals: Iterable[Removal]) -> list[Removal]:
    merged: list[Removal] = []
    for r in sorted(removals, key=lambda r: (r.start, -r.end)):
        if merged and r.start < merged[-1].end:
            last = merged[-1]
            if r.end > last.end:
                merged[-1] = Removal(last.kind, last.start, r.end)
        else:
            merged.append(r)
    return merged


def _detected(text: str) -> list[Removal]:
    """What the triage detector finds without being told: shaped data (spans.py) and names
    (the trained tagger, names.py)."""
    from qorgau.triage.artefact import current_model  # the model loads on first use

    found = [*find_shaped(text), *current_model()[1].names.find(text)]
    return [Removal(kind, start, end) for start, end, kind in found]


def _find_all(text: str, known_names: Sequence[str], detect: bool = True) -> list[Removal]:
    """Every find of every kind, unmerged (overlaps possible), in no particular order."""
    ibans = [m.span() for m in _IBAN.finditer(text)]
    iins, iins_after_plus = _find_iins(text, ibans)
    emails = _find_emails(text)
    hidden = [(r.start, r.end) for r in (*iins, *emails)] + ibans
    hidden += [m.span() for m in _DATE.finditer(text)]
    hidden += [m.span() for m in _LONG_DIGIT_RUN.finditer(text)]
    phones = _find_phones(text, _blank(text, hidden))
    phone_spans = [(p.start, p.end) for p in _merge(phones)]
    for r in iins_after_plus:
        i = bisect.bisect_left(phone_spans, (r.end, 0)) - 1  # last phone starting before r.end
        if i < 0 or phone_spans[i][1] <= r.start:
            iins.append(r)
    detected = _detected(text) if detect else []
    return [*iins, *emails, *phones, *_find_names(text, known_names), *detected]


def personal_data(text: str, known_names: Sequence[str] = (), detect: bool = True) -> list[Removal]:
    """Every piece of personal data found in `text`, merged, in order of place."""
    return _merge(_join_adjacent_names(text, _merge(_find_all(text, known_names, detect))))


def mask_text(
    text: str,
    *,
    allow: frozenset[str] = frozenset(),
    known_names: Sequence[str] = (),
    detect: bool = True,
) -> Masked:
    """Replace the personal data in `text` that `allow` does not let through by placeholders.
    `detect=False` masks only the fixed shapes and the known names (no trained detector)."""
    unknown = set(allow) - KINDS
    if unknown:
        raise ValueError(f"unknown kinds of personal data: {sorted(unknown)}")
    finds = [r for r in _find_all(text, known_names, detect) if r.kind not in allow]
    removals = _merge(_join_adjacent_names(text, _merge(finds)))
    # Built from the right, so the spans still to replace keep their offsets.
    pieces: list[str] = []
    tail = len(text)
    for r in reversed(removals):
        pieces.append(text[r.end : tail])
        pieces.append(PLACEHOLDERS[r.kind])
        tail = r.start
    pieces.append(text[:tail])
    return Masked(text="".join(reversed(pieces)), removals=tuple(removals))
