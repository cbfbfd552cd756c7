"""The demo's data files and fakes: every direction has scenarios, a record that breaks the
rules is refused, and the synthetic people pass the checks a consultant's form makes."""

from __future__ import annotations

import random

import pytest

from qorgau.core.identifiers import iin_is_valid, normalise_phone
from qorgau.demo import fakes
from qorgau.demo.content import Scenario, read_data, referral_bodies, scenarios


def test_every_direction_has_scenarios_and_the_files_all_load():
    assert list(scenarios()) == list(range(1, 14))
    assert all(scenarios()[d] for d in range(1, 14))
    assert any(s.urgent and s.risk_flags for group in scenarios().values() for s in group)
    assert referral_bodies() and all(body["name_kk"] for body in referral_bodies())


def test_a_record_that_breaks_the_rules_is_refused():
    record = read_data("scenarios.json")["1"][0]
    assert Scenario.from_record(record).persons == (("woman", 34),)
    with pytest.raises(ValueError, match="risk flags on a non-urgent scenario"):
        Scenario.from_record({**record, "risk_flags": ["suicide"]})
    with pytest.raises(ValueError, match="unknown person kind"):
        Scenario.from_record({**record, "persons": [{"kind": "man", "age": 30}]})


def test_fake_people_pass_the_product_checks():
    rng = random.Random(5)
    for _ in range(300):
        female = rng.random() < 0.5
        born = rng.randint(1950, 2020)
        iin = fakes.iin(rng, born, female)
        assert iin_is_valid(iin) and iin[:2] == f"{born % 100:02d}"
        assert int(iin[6]) % 2 == (0 if female else 1)
        assert normalise_phone(fakes.phone(rng)) is not None
    assert fakes.feminine_surname("Бекболатұлы") == "Бекболатқызы"
    assert fakes.full_name(random.Random(1), "ru", female=True).split()[0][-1] in "ая"
    assert "қ.," in fakes.address(rng, "Алматы", "kk")
