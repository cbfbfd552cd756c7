"""IIN control digit (both weightings) and phone normal forms."""

from __future__ import annotations

from qorgau.core.identifiers import iin_control_digit, iin_is_valid, normalise_phone


def test_iin_first_weighting():
    assert iin_control_digit("90010130002") == 7
    assert iin_is_valid("900101300027")
    assert not iin_is_valid("900101300028")


def test_iin_second_weighting_used_when_first_gives_ten():
    digits = "88031240050"
    assert sum(int(c) * w for c, w in zip(digits, range(1, 12), strict=True)) % 11 == 10
    assert iin_control_digit(digits) == 6
    assert iin_is_valid("880312400506")


def test_iin_rejects_wrong_shapes():
    for bad in ["", "12345", "9001013000271", "90010130002a", "９００１０１３０００２７"]:
        assert not iin_is_valid(bad)


def test_phone_forms_become_one():
    forms = ["87012345678", "+7 701 234 56 78", "+7 (701) 234-56-78", "7012345678"]
    assert {normalise_phone(f) for f in forms} == {"+77012345678"}
    assert normalise_phone("hello") is None
    assert normalise_phone("12") is None
