"""Checks and normal forms for the identifiers a caller gives: IIN / BIN and phone numbers."""

from __future__ import annotations

import phonenumbers

WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def iin_control_digit(first_eleven: str) -> int | None:
    """The 12th digit of an IIN / BIN: weighted sum mod 11 with the first weights; if that is
    10, again with the second weights; if that is 10 too, no valid number has these digits."""
    digits = [int(c) for c in first_eleven]
    for weights in (WEIGHTS_FIRST, WEIGHTS_SECOND):
        control = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if control != 10:
            return control
    return None


def iin_is_valid(value: str) -> bool:
    """Twelve digits whose last is the control digit of the first eleven."""
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        return False
    return iin_control_digit(value[:11]) == int(value[11])


def normalise_iin(value: str) -> str:
    return "".join(value.split())


def normalise_phone(value: str) -> str | None:
    """E.164 form of a Kazakhstan (or international) phone number, or None if it is not one."""
    try:
        number = phonenumbers.parse(value, "KZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
