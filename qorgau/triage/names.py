"""Person names in free text, without being told them (rule 5, rule 15): a token tagger.

Each word is described by what a person would look at: its letters and endings, a capital
letter, whether it starts with a known given name (data/given_names.txt) or ends like a
surname or a patronymic (-ов, -ева, -ұлы, -қызы, -овна), and the words around it ("меня
зовут", "атым", "ағай", "апай"). A logistic regression (scikit-learn) trained on the marked
names of the training texts weighs these signs; a word whose probability passes `threshold` is
a name, and neighbouring name words become one span. The threshold is set low on purpose:
masking a word too many costs a consultant little, leaving a child's name costs much more.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from qorgau.triage.dataset import Example
from qorgau.triage.text import fold

NAMES_FILE = Path(__file__).parent / "data" / "given_names.txt"
WORD = re.compile(r"(?<!\w)[^\W\d_]+(?:[-'’][^\W\d_]+)*(?!\w)")  # not glued to digits
SURNAME = re.compile(
    r"\w{2,}(ов|ев|ёв|ин|ын|ова|ева|ина|ына|ский|ская|цкий|цкая|енко|ук|юк|баев|баева|беков|"
    r"бекова|улы|кызы)(а|у|ым|ом|ой|ою|е|ке|ге|ка|га|ты|ды|ны|тын|дын|нын|ти|ди|ни|тан|дан|нан|"
    r"мен|пен|бен|ым|им|ых|ым|ами)?"
)
PATRONYMIC = re.compile(r"\w{2,}(ович|евич|овна|евна|ична|инична|улы|кызы)\w*")
HONORIFICS = {
    "агай",
    "апай",
    "апа",
    "ага",
    "аже",
    "ата",
    "тате",
    "апке",
    "коке",
    "жезде",
    "женге",
    "мугалим",
    "мугалими",
    "ханым",
    "мырза",
    "аға",
    "апасы",
    "агасы",
}
INTRODUCERS = {
    "зовут",
    "атым",
    "есимим",
    "есими",
    "аты",
    "имени",
    "фамилия",
    "фамилии",
    "гражданин",
    "гражданка",
    "ученик",
    "ученица",
    "ученика",
    "ученицы",
    "сын",
    "сына",
    "дочь",
    "дочери",
    "кызым",
    "улым",
    "немерем",
    "жиеним",
    "иним",
    "синлим",
    "апкем",
    "агам",
    "курбым",
    "сыныптасым",
    "досым",
    "подруга",
    "друг",
    "брат",
    "сестра",
    "мама",
    "папа",
    "внук",
    "внучка",
    "внука",
    "внучку",
    "сосед",
    "соседка",
    "баласы",
    "кызы",
    "улы",
    "бала",
    "я",
    "мен",
    "менин",
    "мой",
    "моя",
    "моего",
    "мою",
    "жубайым",
    "куйеуим",
    "муж",
    "жена",
}


# Places written with a capital letter like a name (a feature against, not a rule).
PLACES = (
    "алмат",
    "астан",
    "шымкент",
    "караганд",
    "актоб",
    "атырау",
    "актау",
    "тараз",
    "павлодар",
    "семей",
    "костанай",
    "кызылорд",
    "уральск",
    "орал",
    "петропавл",
    "кокшетау",
    "талдыкорган",
    "туркестан",
    "жезказган",
    "экибастуз",
    "темиртау",
    "рудн",
    "конаев",
    "капшагай",
    "росси",
    "ресе",
    "москв",
    "кытай",
    "китай",
    "коре",
    "дуба",
    "турци",
    "туркия",
    "узбекистан",
    "озбекстан",
    "кыргыз",
    "германи",
    "герман",
    "америк",
    "европ",
    "казакстан",
    "казахстан",
)
MIN_LETTERS = 3  # a shorter word alone ("Ер", "Ли", "В") is never taken for a name
INITIALS = re.compile(r"\s?[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.(?:\s?[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.)?")


@cache
def _given_names() -> tuple[str, ...]:
    lines = NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(
        sorted({fold(line.strip()) for line in lines if line.strip() and not line.startswith("#")})
    )


@cache
def _given_set() -> frozenset[str]:
    return frozenset(_given_names())


@cache
def _starts_with_given_name(folded: str) -> bool:
    for name in _given_names():
        if folded.startswith(name[: max(3, len(name) - 1)]) and len(folded) - len(name) <= 5:
            return True
    return False


def _sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?\n:;"


def _features(text: str, words: list[re.Match[str]], i: int) -> dict[str, object]:
    word = words[i].group()
    folded = fold(word)
    prev = fold(words[i - 1].group()) if i > 0 else "<s>"
    nxt = fold(words[i + 1].group()) if i + 1 < len(words) else "</s>"
    capital = word[:1].isupper()
    features: dict[str, object] = {
        "bias": 1,
        "w=" + folded: 1,
        "p3=" + folded[:3]: 1,
        "p4=" + folded[:4]: 1,
        "s2=" + folded[-2:]: 1,
        "s3=" + folded[-3:]: 1,
        "s4=" + folded[-4:]: 1,
        "capital": capital,
        "upper": word.isupper() and len(word) > 1,
        "short": len(word) < 3,
        "sentence_start": _sentence_start(text, words[i].start()),
        "capital_mid": capital and not _sentence_start(text, words[i].start()),
        "given": _starts_with_given_name(folded),
        "surname": bool(SURNAME.fullmatch(folded)),
        "patronymic": bool(PATRONYMIC.fullmatch(folded)),
        "place": folded.startswith(PLACES),
        "prev=" + prev: 1,
        "next=" + nxt: 1,
        "prev_intro": prev in INTRODUCERS,
        "next_honorific": nxt in HONORIFICS,
        "prev_given": i > 0 and _starts_with_given_name(prev),
        "next_given": i + 1 < len(words) and _starts_with_given_name(nxt),
        "prev_capital": i > 0 and words[i - 1].group()[:1].isupper(),
        "next_capital": i + 1 < len(words) and words[i + 1].group()[:1].isupper(),
    }
    features["given_capital"] = features["given"] and capital
    features["given_lower"] = features["given"] and not capital
    features["given_exact"] = folded in _given_set()
    features["lowercase_text"] = text == text.lower()
    features["surname_capital"] = features["surname"] and capital
    return features


def _text_features(text: str) -> tuple[list[re.Match[str]], list[dict[str, object]]]:
    words = list(WORD.finditer(text))
    return words, [_features(text, words, i) for i in range(len(words))]


class NameTagger:
    """Finds person names; `fit` on labelled examples, then `find` on any text."""

    threshold = 0.15

    def __init__(self) -> None:
        self.vectorizer = DictVectorizer()
        self.model = LogisticRegression(C=1.0, max_iter=2000, class_weight="balanced")

    def fit(self, examples: Iterable[Example]) -> NameTagger:
        rows: list[dict[str, object]] = []
        labels: list[int] = []
        for example in examples:
            names = [(s.start, s.end) for s in example.spans if s.type == "name"]
            words, features = _text_features(example.text)
            rows += features
            labels += [int(any(a < w.end() and w.start() < b for a, b in names)) for w in words]
        self.model.fit(self.vectorizer.fit_transform(rows), labels)
        return self

    def find(self, text: str) -> list[tuple[int, int, str]]:
        """Name spans in `text`; neighbouring name words joined into one."""
        words, features = _text_features(text)
        if not words:
            return []
        chance = self.model.predict_proba(self.vectorizer.transform(features))[:, 1]
        found: list[tuple[int, int, str]] = []
        for word, p in zip(words, chance, strict=True):
            if p < self.threshold:
                continue
            between = text[found[-1][1] : word.start()] if found else "x"
            if found and between.strip(" -.") == "" and len(between) <= 3:
                found[-1] = (found[-1][0], word.end(), "name")
            else:
                found.append((word.start(), word.end(), "name"))
        return [
            _with_initials(text, start, end)
            for start, end, _ in found
            if sum(ch.isalpha() for ch in text[start:end]) >= MIN_LETTERS
        ]


def _with_initials(text: str, start: int, end: int) -> tuple[int, int, str]:
    """A name span with the initials that follow it ("Серікова А.Б.") or precede it."""
    after = INITIALS.match(text, end)
    if after:
        end = after.end()
    elif (text[end : end + 1] == "." and end - start == 1) or (
        text[end - 2 : end - 1] == " " and text[end : end + 1] == "."
    ):
        end += 1  # the span ends on an initial: take its full stop
    before = re.search(r"(?:[А-ЯЁӘҒҚҢӨҰҮҺІA-Z]\.\s?){1,2}$", text[max(0, start - 6) : start])
    if before:
        start -= len(before.group())
    return start, end, "name"
