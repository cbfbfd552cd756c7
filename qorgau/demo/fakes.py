"""Synthetic personal data for demo appeals: names, addresses, IINs and phone numbers.

The word lists are in data/fakes.json: first names by language ("kk", "ru") and sex, surnames
by language in their masculine form (feminine_surname() derives the women's), streets found in
many Kazakh cities in their Kazakh and Russian forms, and the mobile operator codes in use (703
and 704 are not allocated, so they are left out). The IIN's control digit is the product's own
(core/identifiers.py), so every demo IIN passes the check a consultant's form makes.

Every random choice goes through the ``random.Random`` the caller passes in, so a loader seeded
the same way builds the same people.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from functools import cache
from typing import Any

from qorgau.core.identifiers import iin_control_digit
from qorgau.demo.content import read_data

FEMININE_ENDINGS: tuple[tuple[str, str], ...] = (
    ("ұлы", "қызы"),
    ("ский", "ская"),
    ("цкий", "цкая"),
    ("ов", "ова"),
    ("ев", "ева"),
    ("ёв", "ёва"),
    ("ин", "ина"),
    ("ын", "ына"),
)


@cache
def _lists() -> Any:
    return read_data("fakes.json")


def feminine_surname(surname: str) -> str:
    """The women's form of a Kazakh or Russian surname (Сериков → Серикова, Бекболатұлы →
    Бекболатқызы); unchanged if it does not decline."""
    for masculine, feminine in FEMININE_ENDINGS:
        if surname.endswith(masculine):
            return surname[: -len(masculine)] + feminine
    return surname


def full_name(rng: random.Random, lang: str, female: bool) -> str:
    """A synthetic "Surname FirstName", Kazakh when lang is "kk", otherwise Russian."""
    lang = "kk" if lang == "kk" else "ru"
    surname = rng.choice(_lists()["surnames"][lang])
    if female:
        surname = feminine_surname(surname)
    first_names = _lists()["first_names"][lang]["female" if female else "male"]
    return f"{surname} {rng.choice(first_names)}"


def address(rng: random.Random, city: str, lang: str) -> str:
    """A synthetic address in ``city``: Kazakh style when lang is "kk", otherwise Russian.

    "Алматы қ., Абай даңғылы, 45-үй, 12-пәтер" or "г. Алматы, пр. Абая, д. 45, кв. 12";
    about one address in five is a house without a flat number.
    """
    street = rng.choice(_lists()["streets"])
    house = rng.randint(1, 250)
    flat = rng.randint(1, 180) if rng.random() < 0.8 else None
    if lang == "kk":
        text = f"{city} қ., {street['kk']}, {house}-үй"
        return f"{text}, {flat}-пәтер" if flat else text
    text = f"г. {city}, {street['ru']}, д. {house}"
    return f"{text}, кв. {flat}" if flat else text


def iin(rng: random.Random, birth_year: int, female: bool) -> str:
    """A synthetic but valid IIN of a person born on a random day of ``birth_year``.

    Digits 1-6 are YYMMDD, digit 7 the century and gender (1800s 1/2, 1900s 3/4, 2000s 5/6,
    odd for men), digits 8-11 a serial, digit 12 the control digit. A serial whose control
    digit would be 10 twice cannot be used, so another is drawn.
    """
    if not 1800 <= birth_year <= 2099:
        raise ValueError(f"birth year out of range: {birth_year}")
    first_day = date(birth_year, 1, 1)
    days_in_year = (date(birth_year + 1, 1, 1) - first_day).days
    born = first_day + timedelta(days=rng.randrange(days_in_year))
    century = 1 + 2 * (birth_year // 100 - 18) + int(female)
    prefix = f"{born:%y%m%d}{century}"
    while True:
        first_eleven = f"{prefix}{rng.randint(0, 9999):04d}"
        control = iin_control_digit(first_eleven)
        if control is not None:
            return f"{first_eleven}{control}"


def phone(rng: random.Random) -> str:
    """A synthetic Kazakhstan mobile number such as "+7 701 234 56 78" (demo data only)."""
    digits = f"{rng.randint(0, 9_999_999):07d}"
    prefix = rng.choice(_lists()["mobile_prefixes"])
    return f"+7 {prefix} {digits[:3]} {digits[3:5]} {digits[5:]}"
