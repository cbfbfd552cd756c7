"""Personal data that has a shape (rule 5, rule 15): street addresses, school and kindergarten
numbers, dates of birth and car plates, in Kazakh and Russian as people write them, with or
without punctuation and capitals. IINs, phones and e-mails are found by `masking`, names by
`names` (a trained tagger); `masking.personal_data` joins them all.

Each finder takes the text and returns `(start, end, type)` triples over the original text.
They are rules, measured on the training texts only (`qorgau triage eval` prints their recall
and over-masking on the held-out test set). Over-masking is the safe side: a consultant loses a
word, a child does not lose their anonymity.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qorgau.triage.text import fold

ADDRESS = "address"
SCHOOL = "school"
BIRTH_DATE = "birth_date"
CAR_PLATE = "car_plate"

Found = tuple[int, int, str]


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    text: str  # as written
    folded: str  # lowercased, Kazakh letters folded (text.fold)

    @property
    def is_number(self) -> bool:
        return self.text.lstrip("№").rstrip("абвгдеabcd").replace("/", "").isdigit() or (
            self.text.startswith("№") and len(self.text) > 1
        )

    @property
    def is_capitalised(self) -> bool:
        return self.text[:1].isupper()

    @property
    def has_digit(self) -> bool:
        return any(ch.isdigit() for ch in self.text)


TOKEN = re.compile(r"(?:№\s?)?\w+(?:[-/]\w+)*|№")


def tokens(text: str) -> list[Token]:
    """Words and numbers with their offsets; "ш/а", "Самал-2", "15/2", "№12" stay whole."""
    folded = fold(text)
    return [
        Token(m.start(), m.end(), m.group(), folded[m.start() : m.end()])
        for m in TOKEN.finditer(text)
    ]


def _gap(text: str, left: Token, right: Token, allowed: str = " \t,.:;") -> bool:
    between = text[left.end : right.start]
    return len(between) <= 3 and all(ch in allowed for ch in between)


# --- addresses -----------------------------------------------------------------------------

# Words before a street, micro-district, village, house or flat: "ул. Абая", "мкр Самал-2",
# "с. Кокозек", "д. 14", "кв 3". Folded (text.fold), so "улица" also stands for "улице".
_BEFORE = re.compile(
    r"(ул|улиц\w*|пр|пр-т|просп\w*|пер|переул\w*|бульв\w*|б-р|мкр|мкрн|микрор\w*|мик-н|"
    r"ж/м|жилмас\w*|дом|доме|д|кв|кварт\w*|корп\w*|к|пос|посел\w*|п|с|сел\w*|аул|ауле|"
    r"станц\w*|ст|трасс\w*|шоссе|ш|садов\w*|дач\w*|снт|подъезд\w*|этаж\w*)"
)
# Words after the name or the number: "Абай көшесі", "Самал-2 ш/а", "Қосшы ауылы", "15 үй".
_AFTER = re.compile(
    r"(кошес\w*|кош|кош-\w*|дангыл\w*|даңг\w*|ш/а|шагын|шагынаудан\w*|ыкшамаудан\w*|ыкшам|"
    r"молтек\w*|ауыл\w*|кент\w*|елди|уй|уйде|уйи|уйинде|патер\w*|"
    r"тыйык\w*|туйык\w*|тупик\w*|мкр|мкр-\w*|микрорайон\w*|кошеси\w*|кварт\w*|кв|дом|"
    r"тураб\w*|ж/м|массив\w*|поселог\w*|поселк\w*|селосы\w*|станция\w*)"
)
_AMBIGUOUS_BEFORE = {"д", "к", "п", "с", "ш", "ст", "пер", "пр", "дом", "доме"}
_NEEDS_DOT = {"к", "п", "с", "ш", "ст"}
_WORDS_AFTER = {"аудан", "ауданы"}  # "Шағын ауданы": the second word of "шағын аудан"


# House and flat words take numbers only ("кв. 17", "15 үй"), never the words next to them.
_NUMBERS_ONLY = re.compile(
    r"(д|дом|доме|кв|кварт\w*|корп\w*|к|уй|уйде|уйи|уйинде|патер\w*|подъезд\w*)"
)


def _absorb_right(text: str, toks: list[Token], i: int, loose: bool) -> int:
    """The last token index an address word at i reaches to the right."""
    last = i
    words = 0
    numbers_only = bool(_NUMBERS_ONLY.fullmatch(toks[i].folded))
    for j in range(i + 1, min(i + 6, len(toks))):
        tok = toks[j]
        if not _gap(text, toks[j - 1], tok):
            break
        if tok.has_digit:
            last = j
            numbers_only = True
        elif _AFTER.fullmatch(tok.folded) or _BEFORE.fullmatch(tok.folded):
            last = j
            numbers_only = bool(_NUMBERS_ONLY.fullmatch(tok.folded))
        elif not numbers_only and (tok.is_capitalised or loose) and words < 2:
            words += 1
            last = j
        else:
            break
    return last


def _absorb_left(text: str, toks: list[Token], i: int) -> int:
    """The first token index an address word at i reaches to the left."""
    first = i
    words = 0
    if _NUMBERS_ONLY.fullmatch(toks[i].folded):
        while first > 0 and toks[first - 1].has_digit and _gap(text, toks[first - 1], toks[first]):
            first -= 1
        return first
    for j in range(i - 1, max(i - 4, -1), -1):
        tok = toks[j]
        if not _gap(text, tok, toks[j + 1], " \t-"):
            break
        if tok.has_digit:
            first = j
        elif tok.is_capitalised and words < 2 and tok.folded not in _STOP_LEFT:
            words += 1
            first = j
        elif words == 0 and tok.folded not in _STOP_LEFT:
            words += 1  # a lowercase street name in a careless text ("абай кошеси")
            first = j
        else:
            break
    return first


_STOP_LEFT = {
    "в",
    "на",
    "по",
    "мен",
    "биз",
    "и",
    "бизде",
    "биздин",
    "менин",
    "бизин",
    "уйимиз",
    "акем",
    "анам",
    "атам",
    "ажем",
    "апам",
    "агам",
    "сенин",
    "олардын",
    "туган",
    "бул",
    "сол",
    "осы",
}


# City, district and region words: part of an address only next to a street, village or house
# ("г. Тараз, мкр Карасу"); alone ("Түркістан облысы") a place is not personal data.
_WEAK_BEFORE = {"г", "город", "гор", "обл", "р-н", "район"}
_WEAK_AFTER = re.compile(
    r"(каласы\w*|кала\w*|к|облысы\w*|обл|ауданы\w*|району|районе|р-н|округ\w*|ауылдык)"
)


def _piece_before(text: str, toks: list[Token], i: int) -> tuple[int, int] | None:
    tok, nxt = toks[i], toks[i + 1]
    word = tok.folded
    if word in _NEEDS_DOT | {"г"} and not text.startswith(".", tok.end):
        return None
    if word in _AMBIGUOUS_BEFORE and not (nxt.has_digit or nxt.is_capitalised):
        return None
    last = _absorb_right(text, toks, i, loose=word not in _AMBIGUOUS_BEFORE)
    return (tok.start, toks[last].end) if last > i else None


def _piece_after(text: str, toks: list[Token], i: int) -> tuple[int, int] | None:
    first = _absorb_left(text, toks, i)
    last = i
    while (
        last + 1 < len(toks)
        and _gap(text, toks[last], toks[last + 1])
        and (
            toks[last + 1].has_digit
            or toks[last + 1].folded in _WORDS_AFTER
            or _AFTER.fullmatch(toks[last + 1].folded)
        )
    ):
        last += 1
    return (toks[first].start, toks[last].end) if first < i else None


def find_addresses(text: str) -> list[Found]:
    """Streets, micro-districts, villages, houses and flats, with the words that name them, and
    the city or district named right beside them."""
    toks = tokens(text)
    strong: list[tuple[int, int]] = []
    weak: list[tuple[int, int]] = []
    for i, tok in enumerate(toks):
        word = tok.folded
        if word in _WEAK_BEFORE and i + 1 < len(toks):
            piece = _piece_before(text, toks, i)
            weak += [piece] if piece else []
        elif _BEFORE.fullmatch(word) and i + 1 < len(toks):
            piece = _piece_before(text, toks, i)
            strong += [piece] if piece else []
        elif _WEAK_AFTER.fullmatch(word) and i > 0:
            piece = _piece_after(text, toks, i)
            weak += [piece] if piece else []
        elif _AFTER.fullmatch(word) and i > 0:
            piece = _piece_after(text, toks, i)
            strong += [piece] if piece else []
    joined = _join(text, strong + weak)
    return [
        (start, end, ADDRESS)
        for start, end in joined
        if any(start <= a and b <= end for a, b in strong)
    ]


def _join(
    text: str, pieces: list[tuple[int, int]], allowed: str = " \t,.;"
) -> Iterator[tuple[int, int]]:
    """Pieces that overlap or have only punctuation and spaces between them become one."""
    current: tuple[int, int] | None = None
    for start, end in sorted(pieces):
        if (
            current
            and start - current[1] <= 3
            and all(ch in allowed for ch in text[current[1] : start])
        ):
            current = (current[0], max(current[1], end))
            continue
        if current:
            yield current
        current = (start, end)
    if current:
        yield current


# --- schools and kindergartens ---------------------------------------------------------------

_SCHOOL_WORD = (
    r"(?:(?:школ\w*|шк|гимназ\w*|лице\w*|мектеп\w*|мектеб\w*|балабакш\w*|детсад\w*|"
    r"детск\w*\s+сад\w*|детск\w*\s+дом\w*|балалар\s+уй\w*|сад\w*|ясл\w*|колледж\w*|"
    r"интернат\w*|кмм|мдшо|сош|сш|оош|ош|нзм|бил|рфмш|сдюшор|дюсш|жббм|жом|дмш)(?:-\w+)?)"
)
_NUMBER = r"(?:№\s*\d{1,4}|\d{1,4}(?:\s*-?\s*(?:ши|шы|ы|и|чи|ой|ая|ый|ий|ом|ую|ого|й))?)"
_QUOTED = r"(?:\s*[«\"][^»\"]{1,30}[»\"])?"
_SCHOOL = re.compile(
    rf"(?<!\w)(?:{_NUMBER}\s*-?\s*{_SCHOOL_WORD}|{_SCHOOL_WORD}\s*-?\s*(?:{_NUMBER})){_QUOTED}(?!\w)"
)
# A school named after its village or a person: "Ақтоған орта мектебі", "Шамалған мектебі".
_NAMED_SCHOOL = re.compile(
    r"(?<!\w)([А-ЯЁӘҒҚҢӨҰҮҺІ][\w-]+)(?:\s+(?:орта|негізгі|бастауыш|жалпы\s+білім\s+беретін))?"
    r"\s+мектеб\w*"
)
_NOT_A_NAME = {
    "біздің",
    "менің",
    "сіздің",
    "сенің",
    "олардың",
    "бұл",
    "осы",
    "ол",
    "сол",
    "қай",
    "қандай",
    "жаңа",
    "бізде",
    "біз",
    "мен",
    "ұлым",
    "қызым",
    "балам",
    "балалар",
    "бала",
    "ертең",
    "бүгін",
    "кеше",
    "қазір",
    "енді",
    "сосын",
    "және",
    "неге",
    "ешбір",
    "барлық",
    "әр",
    "бір",
    "біреу",
}


def find_schools(text: str) -> list[Found]:
    """A school or kindergarten with its number ("№12 школа", "45-ші мектепте", "детсад 112")
    or its name ("Ақтоған орта мектебі")."""
    folded = fold(text)
    found = [
        (m.start(), m.end(), SCHOOL)
        for m in _SCHOOL.finditer(folded)
        if any(c.isdigit() for c in m.group())
    ]
    found += [
        (m.start(), m.end(), SCHOOL)
        for m in _NAMED_SCHOOL.finditer(text)
        if m.group(1).lower() not in _NOT_A_NAME
    ]
    return found


# --- dates of birth ----------------------------------------------------------------------------

_MONTHS = (
    r"(?:январ\w*|феврал\w*|март\w*|апрел\w*|ма[йя]\w*|июн\w*|июл\w*|август\w*|сентябр\w*|"
    r"октябр\w*|ноябр\w*|декабр\w*|кантар\w*|акпан\w*|наурыз\w*|сауир\w*|мамыр\w*|маусым\w*|"
    r"шилде\w*|тамыз\w*|кыркуйек\w*|казан\w*|караша\w*|желтоксан\w*)"
)
_YEAR = r"(?:19[3-9]\d|20[0-2]\d)"
_DATE = re.compile(
    rf"(?<!\d)(?:\d{{1,2}}[./-]\d{{1,2}}[./-]{_YEAR}"
    rf"|\d{{1,2}}\s*{_MONTHS}\s*{_YEAR}(?:\s*(?:жылы|ж\.?|года|г\.?))?"
    rf"|{_YEAR}\s*(?:жылы|жылгы|ж\.?|года|г\.?)?\s*\d{{1,2}}\s*{_MONTHS})(?!\d)"
)
_YEAR_OF_BIRTH = re.compile(
    rf"(?<!\d){_YEAR}(?=\s*(?:г\.?\s*р|ж\.?\s*т|жылы\s+туг|года\s+рожд|жылгы))"
)
_CUE = re.compile(r"туг|туыл|т\.ж|ж\.т|г\.р|рожд|родил|д\.р|born")
_CUE_REACH = 40


def find_birth_dates(text: str) -> list[Found]:
    """Dates of birth: a full date next to "туған", "г.р.", "родился" …, or a full date of a year
    before 2021 (too old to be the date of what happened), or a year followed by "г.р."."""
    folded = fold(text)
    found: list[Found] = []
    for m in _DATE.finditer(folded):
        year = int(re.findall(_YEAR, m.group())[-1])
        near = folded[max(0, m.start() - _CUE_REACH) : m.end() + _CUE_REACH]
        if _CUE.search(near) or year < 2021:
            found.append((m.start(), m.end(), BIRTH_DATE))
    found += [(m.start(), m.end(), BIRTH_DATE) for m in _YEAR_OF_BIRTH.finditer(folded)]
    return found


# --- car plates ------------------------------------------------------------------------------

_PLATE_LETTER = r"[A-Za-zАВЕКМНОРСТХ]"
_PLATE = re.compile(
    rf"(?<![\w])(?:\d{{3}}\s?{_PLATE_LETTER}{{2,3}}\s?\d{{2}}|[A-ZАВЕКМНОРСТХ]\s?\d{{3}}\s?{_PLATE_LETTER}{{2,3}})(?![\w])"
)


def find_car_plates(text: str) -> list[Found]:
    """Kazakhstan plates, new ("123 ABC 02", "777AAA05") and old ("A 123 BCD"), with Cyrillic
    look-alike letters as people type them."""
    return [(m.start(), m.end(), CAR_PLATE) for m in _PLATE.finditer(text)]


def find_shaped(text: str) -> list[Found]:
    """Every find of this module, unmerged."""
    return [
        *find_addresses(text),
        *find_schools(text),
        *find_birth_dates(text),
        *find_car_plates(text),
    ]
