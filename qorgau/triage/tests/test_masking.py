"""Masking personal data in text that goes to an agency (rule 15): IINs, phones, e-mails and the
names the appeal holds are replaced by placeholders, unless the disclosure policy allows the
kind; the facts of the appeal (dates, sums, account numbers, other words) stay as written."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgau.triage import masking
from qorgau.triage.masking import PLACEHOLDERS, Masked, Removal, mask_text

IIN_OK = "900101300027"  # control digit right
IIN_TYPO = "900101300028"  # same IIN, last digit mistyped
NAMES = ("Айгүл Серікова", "Нұрлан")


def kinds(masked: Masked) -> list[str]:
    return [r.kind for r in masked.removals]


def removed(text: str, masked: Masked) -> list[str]:
    return [text[r.start : r.end] for r in masked.removals]


# --- each kind, in Kazakh and Russian ----------------------------------------------------------


def test_kazakh_sentence_every_kind_masked():
    text = (
        "Өтініш беруші Айгүл Серікова (ЖСН 900101300027) +7 701 234 56 78 нөмірінен "
        "хабарласты, поштасы aigul.s@mail.kz. Баласы мектепке бармайды."
    )
    masked = mask_text(text, known_names=NAMES)
    assert masked.text == (
        "Өтініш беруші [аты-жөні/ФИО] (ЖСН [ЖСН/ИИН]) [телефон] нөмірінен "
        "хабарласты, поштасы [e-mail]. Баласы мектепке бармайды."
    )
    assert kinds(masked) == ["name", "iin", "phone", "email"]
    assert removed(text, masked) == [
        "Айгүл Серікова",
        IIN_OK,
        "+7 701 234 56 78",
        "aigul.s@mail.kz",
    ]


def test_russian_sentence_every_kind_masked():
    text = (
        "Заявитель Серикова Айгуль, ИИН 900101300027, тел. 8 (701) 234-56-78, "
        "e-mail: aigul@mail.ru, просит проверить условия проживания ребёнка."
    )
    masked = mask_text(text, known_names=NAMES)
    assert masked.text == (
        "Заявитель [аты-жөні/ФИО], ИИН [ЖСН/ИИН], тел. [телефон], "
        "e-mail: [e-mail], просит проверить условия проживания ребёнка."
    )
    assert kinds(masked) == ["name", "iin", "phone", "email"]


@pytest.mark.parametrize(
    "phone",
    ["+7 701 234 56 78", "8 (701) 234-56-78", "87012345678", "7012345678", "+7-701-234-56-78"],
)
def test_phone_formats_masked(phone):
    masked = mask_text(f"Хабарласу нөмірі {phone}, кешке дейін.")
    assert masked.text == "Хабарласу нөмірі [телефон], кешке дейін."


def test_text_without_personal_data_is_unchanged():
    text = "Ребёнку 10 лет, 3 класс, в Алматы, семья из 5 человек, пособие 45 000 тенге."
    assert mask_text(text, known_names=NAMES) == Masked(text=text, removals=())


def test_the_detector_masks_a_year_of_birth_and_a_school_number():
    """The triage detector (spans.py, rule 15) also masks what only points to a child: a year of
    birth and a numbered school. Without the detector they stay, as the fixed shapes miss them."""
    text = "Ребёнок 2015 года рождения, 3 класс, школа № 45, семья из 5 человек."
    masked = mask_text(text, known_names=NAMES)
    assert masked.text == (
        "Ребёнок [туған күні/дата рождения] года рождения, 3 класс, [мектеп/школа], "
        "семья из 5 человек."
    )
    assert mask_text(text, known_names=NAMES, detect=False).text == text


# --- allow -------------------------------------------------------------------------------------


def test_allowed_kinds_stay_and_the_others_go():
    text = "Айгүл, ЖСН 900101300027, тел. +7 701 234 56 78, aigul@mail.kz"
    masked = mask_text(text, allow=frozenset({"phone"}), known_names=NAMES)
    assert masked.text == "[аты-жөні/ФИО], ЖСН [ЖСН/ИИН], тел. +7 701 234 56 78, [e-mail]"
    everything = frozenset({"iin", "phone", "email", "name"})
    assert mask_text(text, allow=everything, known_names=NAMES).text == text


def test_unknown_kind_in_allow_is_a_programming_error():
    with pytest.raises(ValueError, match="phones"):
        mask_text("тел. 87012345678", allow=frozenset({"phones"}))


# --- IINs --------------------------------------------------------------------------------------


def test_thirteen_digit_account_number_left_alone():
    text = "Аударым шоты 1234567890123, 12345678901234567890 счёт."
    assert mask_text(text).text == text


def test_iban_digits_are_neither_iin_nor_phone():
    text = "IBAN KZ86125KZT5004100100, KZ86 125K ZT50 0410 0100, KZ75125KZT100000123456."
    assert mask_text(text).text == text
    assert mask_text("No12 87012345678, ID12 900101300027").text == "No12 [телефон], ID12 [ЖСН/ИИН]"


def test_mistyped_iin_is_still_masked():
    assert mask_text(f"ИИН {IIN_TYPO}").text == "ИИН [ЖСН/ИИН]"


def test_grouped_iin_masked_only_with_a_right_control_digit():
    masked = mask_text("ЖСН 900101 300027, 900 101 300 027, 900101-300027")
    assert masked.text == "ЖСН [ЖСН/ИИН], [ЖСН/ИИН], [ЖСН/ИИН]"
    grouped_typo = "сумма 900 101 300 028"
    assert mask_text(grouped_typo).text == grouped_typo


def test_iin_is_not_reported_as_a_phone_too():
    masked = mask_text(f"ЖСН {IIN_OK} тел 87012345678")
    assert kinds(masked) == ["iin", "phone"]
    allowed_iin = mask_text(f"ЖСН {IIN_OK}", allow=frozenset({"iin"}))
    assert allowed_iin.text == f"ЖСН {IIN_OK}"
    assert allowed_iin.removals == ()


# --- facts that are not phones -----------------------------------------------------------------


def test_dates_and_sums_are_not_phones():
    text = (
        "21.03.2026 жылы 150 000 тенге алимент төленбеді; "
        "с 01/02/2025 долг 1 500 000 тг, 12:30 2026-03-21."
    )
    assert mask_text(text).text == text


def test_a_date_next_to_a_phone_does_not_hide_it():
    masked = mask_text("от 01/02/2025 87011112233, 21.03.2026 +7 702 345 67 89")
    assert masked.text == "от 01/02/2025 [телефон], 21.03.2026 [телефон]"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+7 701 234 56 78 15 жаста", "[телефон] 15 жаста"),
        ("3 ребенка 8 (701) 234-56-78 12 лет", "3 ребенка [телефон] 12 лет"),
        ("12 +7 701 234 56 78", "12 [телефон]"),
        ("8 701 234 56 78 2 баласы бар", "[телефон] 2 баласы бар"),
        ("+7 701 234 56 78 +7 702 345 67 89", "[телефон] [телефон]"),
    ],
)
def test_phone_next_to_other_numbers_is_masked_whole(text, expected):
    # phonenumbers alone reads "+7 701 234 56 78 15" as one too-long number and misses it.
    assert mask_text(text).text == expected


def test_short_number_before_a_currency_is_a_sum_but_a_bare_one_is_masked():
    assert mask_text("қарызы 1500000 тенге").text == "қарызы 1500000 тенге"
    assert mask_text("үй телефоны 255-44-33").text == "үй телефоны [телефон]"


# --- names -------------------------------------------------------------------------------------


def test_inflected_kazakh_and_russian_forms_masked():
    text = (
        "Айгүлге хабарланды, Серіковаға жауап берілді, Нұрланның әкесі келді. "
        "Позвоните Нурлану, сестра Нурлана, у Сериковой нет денег."
    )
    masked = mask_text(text, known_names=NAMES)
    assert removed(text, masked) == [
        "Айгүлге",
        "Серіковаға",
        "Нұрланның",
        "Нурлану",
        "Нурлана",
        "Сериковой",
    ]
    assert "[аты-жөні/ФИО] хабарланды" in masked.text


def test_name_case_and_latin_look_alikes():
    masked = mask_text("АЙГҮЛ СЕРІКОВА; Серiкова (латын i-мен)", known_names=NAMES)
    assert masked.text == "[аты-жөні/ФИО]; [аты-жөні/ФИО] (латын i-мен)"


def test_word_that_contains_the_name_in_the_middle_is_not_masked():
    text = "Байгүл мен Ақнұрлан келді, Серік те."
    assert mask_text(text, known_names=NAMES, detect=False).text == text


def test_full_name_in_either_order_is_one_placeholder():
    masked = mask_text("Серікова Айгүл және Айгүл Серікова", known_names=NAMES)
    assert masked.text == "[аты-жөні/ФИО] және [аты-жөні/ФИО]"
    assert len(masked.removals) == 2


def test_two_people_stay_two_placeholders():
    masked = mask_text("Айгүл – Нұрлан, Айгүл\nСерікова", known_names=NAMES)
    assert masked.text == "[аты-жөні/ФИО] – [аты-жөні/ФИО], [аты-жөні/ФИО]\n[аты-жөні/ФИО]"


def test_decomposed_letters_in_text_still_match():
    text = unicodedata.normalize("NFD", "Йосиф Ёлкинге хат")  # й, ё typed as letter + mark
    masked = mask_text(text, known_names=("Йосиф Ёлкин",))
    assert masked.text == "[аты-жөні/ФИО] хат"


def test_short_words_never_masked_on_their_own():
    text = "Есть ли у Ли Мин документы? Ли ответил. Ер адам, Ер."
    masked = mask_text(text, known_names=("Ли Мин", "Ер"), detect=False)
    assert masked.text == "Есть ли у [аты-жөні/ФИО] документы? Ли ответил. Ер адам, Ер."


def test_without_the_detector_no_names_given_means_no_names_masked():
    text = "Айгүл Серікова келді."
    assert mask_text(text, detect=False).text == text


def test_the_detector_masks_names_it_was_not_given():
    """Rule 15: a name in the text is masked even when the appeal does not hold it."""
    masked = mask_text("Айгүл Серікова келді, ұлы Нұрланға мұғалім ұрсады.")
    assert masked.text == "[аты-жөні/ФИО] келді, ұлы [аты-жөні/ФИО] мұғалім ұрсады."


# --- spans -------------------------------------------------------------------------------------


def test_removals_sorted_with_spans_in_the_original_text():
    text = "aigul@mail.kz; Нұрлан; 87012345678; 900101300027"
    masked = mask_text(text, known_names=NAMES)
    assert [r.start for r in masked.removals] == sorted(r.start for r in masked.removals)
    assert removed(text, masked) == ["aigul@mail.kz", "Нұрлан", "87012345678", IIN_OK]
    assert all(isinstance(r, Removal) for r in masked.removals)


def test_overlapping_finds_become_one_removal():
    text = "почта 87012345678@mail.ru, 900101300027@mail.kz"
    masked = mask_text(text)
    assert masked.text == "почта [e-mail], [e-mail]"
    assert kinds(masked) == ["email", "email"]


# --- robustness and speed ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "😀👨‍👩‍👧 87012345678 😀",
        "\x00\x07\x1b[31m\u200b\ufeff\ud800 +7 701 234 56 78",
        "@" * 1000 + "." * 1000,
        "+" * 500 + "7" * 500 + "(" * 500,
        "й" * 3 + "\u0306" * 50,
    ],
)
def test_never_raises_on_odd_text(text):
    masked = mask_text(text, known_names=("Ай\u0306гүл", "", "(", "\\", "*", "Ли"))
    assert isinstance(masked.text, str)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), names=st.lists(st.text(max_size=20), max_size=4))
def test_never_raises_on_any_text(text, names):
    masked = mask_text(text, known_names=names)
    for r in masked.removals:
        assert 0 <= r.start < r.end <= len(text)
        assert r.kind in PLACEHOLDERS


def test_phonenumbers_failure_falls_back_to_masking(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(masking.phonenumbers, "PhoneNumberMatcher", broken)
    masked = mask_text("тел. +7 701 234 56 78, 150 000 тенге")
    assert masked.text == "тел. [телефон], 150 000 тенге"


def _large_text(size: int = 100_000) -> str:
    rng = random.Random(111)
    words = [
        "өтініш",
        "беруші",
        "баласы",
        "мектепте",
        "оқиды",
        "ауданы",
        "жылы",
        "обращение",
        "заявитель",
        "сообщила",
        "полиция",
        "семья",
        "школа",
        "2025",
        "15",
        "12",
    ]
    extras = ["+7 701 234 56 78", IIN_OK, "a.b@mail.kz", "21.03.2026", "150 000 тенге", "Айгүлге"]
    parts: list[str] = []
    length = 0
    while length < size:
        part = rng.choice(words) if rng.random() < 0.9 else rng.choice(extras)
        parts.append(part)
        length += len(part) + 1
    return " ".join(parts)


def test_large_text_is_masked_whole():
    """Speed is measured in bench/, not here; here: nothing is cut short on a long text."""
    masked = mask_text(_large_text(), known_names=NAMES)
    assert IIN_OK not in masked.text
    assert "701 234" not in masked.text


# --- property: generated personal data never survives ------------------------------------------

KK_RU_LETTERS = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі" + "АӘБҒҚҢӨҰҮҺІ"


def _iin_control(first_eleven: list[int]) -> int | None:
    for weights in (range(1, 12), [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]):
        control = sum(d * w for d, w in zip(first_eleven, weights, strict=True)) % 11
        if control != 10:
            return control
    return None


valid_iins = (
    st.lists(st.integers(0, 9), min_size=11, max_size=11)
    .map(lambda d: (d, _iin_control(d)))
    .filter(lambda pair: pair[1] is not None)
    .map(lambda pair: "".join(map(str, pair[0])) + str(pair[1]))
)

PHONE_FORMS = (
    "+7 70{0} {1} {2} {3}",
    "8 (70{0}) {1}-{2}-{3}",
    "+770{0}{1}{2}{3}",
    "870{0}{1}{2}{3}",
    "+7-70{0}-{1}-{2}-{3}",
)
kz_phones = st.builds(
    lambda form, x, a, b, c: form.format(x, a, b, c),
    st.sampled_from(PHONE_FORMS),
    st.integers(0, 9),
    st.from_regex(r"\A[0-9]{3}\Z"),
    st.from_regex(r"\A[0-9]{2}\Z"),
    st.from_regex(r"\A[0-9]{2}\Z"),
)
emails = st.builds(
    lambda local, domain, tld: f"{local}@{domain}.{tld}",
    st.from_regex(r"\A[a-z0-9_]([a-z0-9._+-]{0,10}[a-z0-9_])?\Z"),
    st.from_regex(r"\A[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?\Z"),
    st.from_regex(r"\A[a-z]{2,6}\Z"),
)
filler = st.text(alphabet=KK_RU_LETTERS, min_size=1, max_size=12)
secrets_ = st.one_of(
    valid_iins.map(lambda v: ("iin", v)),
    kz_phones.map(lambda v: ("phone", v)),
    emails.map(lambda v: ("email", v)),
)


@st.composite
def texts_with_secrets(draw, extra_words=None):
    words = (filler if extra_words is None else st.one_of(filler, extra_words)).map(
        lambda w: (None, w)
    )
    items = draw(st.lists(st.one_of(words, secrets_), max_size=25))
    separators = draw(
        st.lists(st.sampled_from([" ", ", ", "\n", "; ", " — "]), min_size=len(items))
    )
    text, spans = "", []
    for (kind, value), sep in zip(items, separators, strict=False):
        if kind is not None:
            spans.append((kind, len(text), len(text) + len(value)))
        text += value + sep
    return text, spans


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


@settings(max_examples=200, deadline=None)
@given(generated=texts_with_secrets())
def test_generated_personal_data_never_survives(generated):
    text, spans = generated
    values = [text[start:end] for _, start, end in spans]
    masked = mask_text(text, allow=frozenset(), detect=False)

    for value in values:
        assert value not in masked.text
    phone_digits = [_digits(text[s:e]) for kind, s, e in spans if kind == "phone"]
    for digits in phone_digits:
        assert digits[-10:] not in _digits(masked.text)
    assert _digits(masked.text) == ""  # filler has no digits, so nothing numeric is left

    # Every generated value lies inside a removal, and every removal covers generated values
    # only (two values separated by a space may become one removal: over-masking is safe).
    removals = [(r.start, r.end) for r in masked.removals]
    for _kind, start, end in spans:
        assert any(a <= start and end <= b for a, b in removals), (start, end, removals)
    for a, b in removals:
        covered = [(s, e) for _k, s, e in spans if a <= s and e <= b]
        assert covered and a == covered[0][0] and b == covered[-1][1], (a, b, spans)


@settings(max_examples=200, deadline=None)
@given(generated=texts_with_secrets())
def test_allowed_phones_survive_and_iins_do_not(generated):
    text, spans = generated
    masked = mask_text(text, allow=frozenset({"phone"}), detect=False)
    for kind, start, end in spans:
        value = text[start:end]
        if kind == "phone":
            assert value in masked.text
        else:
            assert value not in masked.text
    assert all(r.kind != "phone" for r in masked.removals)
    assert [(r.kind, r.start, r.end) for r in masked.removals] == [
        span for span in spans if span[0] != "phone"
    ]


numbers = st.integers(0, 9999).map(str)


@settings(max_examples=200, deadline=None)
@given(generated=texts_with_secrets(extra_words=numbers))
def test_generated_personal_data_never_survives_among_other_numbers(generated):
    # Years, ages and counts next to the data: spans may grow over a neighbouring number,
    # but nothing generated may survive, whole or as its bare digits.
    text, spans = generated
    masked = mask_text(text, detect=False)
    for kind, start, end in spans:
        value = text[start:end]
        assert value not in masked.text
        if kind == "phone":
            assert _digits(value)[-10:] not in masked.text
        assert any(r.start <= start and end <= r.end for r in masked.removals)


@settings(max_examples=100, deadline=None)
@given(generated=texts_with_secrets())
def test_the_detector_never_lets_generated_personal_data_through(generated):
    """With the trained detector on (as requests to agencies use it), every generated value is
    still masked; the detector may mask more (a filler word taken for a name), never less."""
    text, spans = generated
    masked = mask_text(text, allow=frozenset())
    for _kind, start, end in spans:
        assert text[start:end] not in masked.text
    assert _digits(masked.text) == ""
