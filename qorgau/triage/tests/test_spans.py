"""Personal data with a shape, as callers write it (rule 5, rule 15): addresses, schools, dates
of birth and car plates are found in Kazakh and Russian; a city, an age or a sum is not. These
sentences were written for this test, apart from the training texts."""

from __future__ import annotations

import pytest

from qorgau.triage.spans import find_addresses, find_birth_dates, find_car_plates, find_schools


def _found(finder, text: str) -> list[str]:  # type: ignore[no-untyped-def]
    return [text[start:end] for start, end, _ in finder(text)]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Мы живём по адресу ул. Сатпаева 31, кв. 8, соседи пьют", "ул. Сатпаева 31, кв. 8"),
        ("біз Жұлдыз ықшамауданы 12 үй 40 пәтерде тұрамыз", "Жұлдыз ықшамауданы 12 үй 40 пәтер"),
        ("Балалар Теректі ауылында жалғыз қалды", "Теректі ауылы"),
        ("мкр Шанырак-2 д 17 там мальчик плачет", "мкр Шанырак-2 д 17"),
        ("приезжайте в с. Баканас, ул. Жамбыла 4", "с. Баканас, ул. Жамбыла 4"),
        ("ана абай кошеси 102 уйде турады", "абай кошеси 102"),
    ],
)
def test_addresses_in_kazakh_and_russian(text: str, address: str) -> None:
    found = _found(find_addresses, text)
    assert any(address in piece or piece.startswith(address[:12]) for piece in found), found


@pytest.mark.parametrize(
    "text",
    [
        "Алматы қаласында тұрамыз, балам 12 жаста",
        "Түркістан облысынан жазып отырмын",
        "я поговорила с мамой и с классным руководителем",
        "үйде отырмын, ешкім жоқ",
        "снимаем квартиру, хозяин выгоняет",
    ],
)
def test_a_city_an_age_or_a_plain_word_is_not_an_address(text: str) -> None:
    assert _found(find_addresses, text) == []


@pytest.mark.parametrize(
    ("text", "school"),
    [
        ("ұлым №17 мектепте оқиды", "№17 мектепте"),
        ("дочь ходит в школу-гимназию №9, там травят", "школу-гимназию №9"),
        ("балам 112-ші балабақшаға барады", "112-ші балабақшаға"),
        ("в детсад 45 не берут", "детсад 45"),
        ("Жаңатұрмыс орта мектебінде мұғалім ұрады", "Жаңатұрмыс орта мектебінде"),
    ],
)
def test_schools_and_kindergartens(text: str, school: str) -> None:
    assert school in _found(find_schools, text)


def test_a_school_without_a_number_or_name_is_not_personal_data() -> None:
    assert _found(find_schools, "мектепте буллинг бар, біздің мектепте психолог жоқ") == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Сын Арман, 03.11.2014 г.р., не ходит в школу", "03.11.2014"),
        ("қызым 2016 жылы 5 наурызда туған", "2016 жылы 5 наурыз"),
        ("родилась 7 октября 2012 года", "7 октября 2012 года"),
    ],
)
def test_dates_of_birth(text: str, date: str) -> None:
    assert any(date in piece for piece in _found(find_birth_dates, text))


def test_a_recent_date_of_an_event_is_not_a_date_of_birth() -> None:
    assert _found(find_birth_dates, "12.11.2026 күні мектепте төбелес болды") == []


@pytest.mark.parametrize("plate", ["123 ABC 02", "777AAA05", "045 КМА 17", "A 123 BCD"])
def test_car_plates(plate: str) -> None:
    assert _found(find_car_plates, f"ақ Камри {plate} баланы алып кетті") == [plate]


@pytest.mark.parametrize(
    "text", ["заплатили 150 000 тенге за 12 месяцев", "5 класс 2 смена 14 кабинет"]
)
def test_sums_and_numbers_are_not_plates(text: str) -> None:
    assert _found(find_car_plates, text) == []
