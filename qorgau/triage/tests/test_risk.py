"""The danger-word list (rule 6(j)) on a separate set of short Kazakh and Russian messages,
written after the list and never used to tune it: risky ones, and harmless ones that share
words with them ("ұран" beside "ұрады", "убить время"). Floors, not perfection: the list is a
stop-gap until a trained detector replaces risk_assess behind the same signature."""

from __future__ import annotations

import pytest

from qorgau.triage.risk import RISK_FLAG_LABELS, normalise, risk_assess

# (message, is it risky?)
TEST_SET: list[tuple[str, bool]] = [
    # Russian, risky
    ("Папа опять напился и избил маму, я боюсь", True),
    ("Отчим бьёт меня ремнём почти каждый день", True),
    ("Я больше не хочу жить, никому не нужна", True),
    ("Хочу покончить с собой, сил нет", True),
    ("Сосед сказал что убьёт нас если расскажем", True),
    ("Тренер трогает меня за грудь после тренировки", True),
    ("Мама ушла три дня назад, мы одни дома уже третий день", True),
    ("Он угрожает мне ножом", True),
    ("Мой брат пропал вчера вечером и не отвечает", True),
    ("Одноклассники побили меня за школой", True),
    ("Мне прислали требование скинуть голые фото", True),
    ("Думаю повеситься, всё надоело", True),
    ("Режу себя, когда плохо", True),
    # Kazakh, risky
    ("Әкем анамды күнде ұрады", True),
    ("Өзімді өлтіргім келеді", True),
    ("Өмір сүргім келмейді, бәрі жаман", True),
    ("Ағайым мені зорлады, ешкімге айтпа деді", True),
    ("Ол мені пышақпен қорқытты", True),
    ("Анам бізді үйде жалғыз тастап кетті", True),
    ("Сыныптастарым мені ұрып, телефонымды алды", True),
    ("Өлтіремін деп қорқытады", True),
    ("Асылып өлгім келеді", True),
    ("Інім жоғалып кетті, кеше кешке шыққан", True),
    ("Ozimdi olтiremin", True),  # mixed script: a known gap, counted honestly
    # Kazakh typed on a Russian keyboard
    ("Экем анамды урады", True),
    # Russian, harmless with shared words
    ("Как убить время в очереди в поликлинике?", False),
    (
        "Мой брат играет в футбол и бьёт пенальти лучше всех",
        False,
    ),  # the list flags it: a known false alarm
    ("У меня синяя куртка потерялась в школе", False),
    ("Хочу узнать про пособие на ребёнка", False),
    ("Подскажите, как записаться в детский сад", False),
    ("Учитель задал много домашних заданий", False),
    ("Где получить справку о составе семьи?", False),
    ("Повесила картину и упала со стула, смешно", False),
    # Kazakh, harmless with shared words
    ("Мектепте ұран жарысы болды", False),
    ("Ұрпағымыз үшін тарихты білу керек", False),
    ("Жәрдемақы туралы білгім келеді", False),
    ("Балабақшаға қалай жазылуға болады?", False),
    ("Ұлым футболда допты соқты, гол болды", False),  # a known false alarm
    ("Мен жалғыз бала емеспін, бізде үш бала", False),
    ("Мұғалім сабақта ұрсып тастады", False),
    ("Саған ұнады ма жаңа кітап?", False),
]

PRECISION_FLOOR = 0.80
RECALL_FLOOR = 0.85


def _measure() -> tuple[float, float, list[str]]:
    true_pos = false_pos = false_neg = 0
    wrong = []
    for text, risky in TEST_SET:
        found = bool(risk_assess(text))
        true_pos += found and risky
        false_pos += found and not risky
        false_neg += risky and not found
        if found != risky:
            wrong.append(text)
    return true_pos / (true_pos + false_pos), true_pos / (true_pos + false_neg), wrong


def test_the_list_meets_its_floors_on_the_separate_test_set():
    precision, recall, wrong = _measure()
    assert len(TEST_SET) >= 40
    assert precision >= PRECISION_FLOOR, (precision, wrong)
    assert recall >= RECALL_FLOOR, (recall, wrong)


@pytest.mark.parametrize(
    ("text", "flag"),
    [
        ("Өзімді өлтіремін", "suicide"),
        ("өзімдіөлтіремін", "suicide"),  # a missing space
        ("ИЗБИВАЕТ!!!", "violence_now"),
        ("Ұрады.", "violence_now"),
        ("урып жатыр", "violence_now"),  # Kazakh on a Russian keyboard
        ("изнасиловал", "sexual_abuse"),
        ("убьёт", "threat_to_life"),
        ("одни дома с утра", "child_without_care"),
    ],
)
def test_word_forms_case_punctuation_and_folding(text, flag):
    assert flag in risk_assess(text).flags


def test_harmless_text_has_no_flags_and_flags_are_known():
    assert risk_assess("Сәлеметсіз бе, жәрдемақы туралы сұрақ").flags == ()
    assert set(risk_assess("избил и зарезать угрожает").flags) <= set(RISK_FLAG_LABELS)
    assert normalise("  Ёлка,  ҚҰС! ") == "елка кус"
