"""The labelled texts (data/README.md): the marks become spans at the right places, a bad line is
named, and the shipped sets are as large and as varied as the assistant needs (rules 6(j), 10)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qorgau.triage.dataset import DatasetError, held_out_file, load, training_files, unmark


def test_marks_become_spans_over_the_plain_text() -> None:
    text, spans = unmark("⟦name:Айгүлге⟧ хат жаздым, ⟦address:Абай көшесі 15⟧ тұрады")
    assert text == "Айгүлге хат жаздым, Абай көшесі 15 тұрады"
    assert [(text[s.start : s.end], s.type) for s in spans] == [
        ("Айгүлге", "name"),
        ("Абай көшесі 15", "address"),
    ]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"urgent": True, "flags": []}, "urgent must be true exactly when flags"),
        ({"text": "⟦nick:Ayu⟧ жаздым"}, "unknown span type"),
        ({"text": "⟦name:Айгүл жаздым"}, "not closed"),
        ({"direction": 14}, "direction"),
        ({"route": "police"}, "route"),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, change: dict[str, object], message: str) -> None:
    row = {
        "id": "x-1",
        "lang": "kk",
        "direction": 4,
        "urgent": False,
        "flags": [],
        "route": "agency",
        "text": "мектепте ұрысады",
    }
    path = tmp_path / "bad.jsonl"
    path.write_text(
        json.dumps(row, ensure_ascii=False)
        + "\n"
        + json.dumps(row | change, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    with pytest.raises(DatasetError, match=message) as caught:
        load(path)
    assert "bad.jsonl:2" in str(caught.value)


def test_the_shipped_sets_are_large_varied_and_apart() -> None:
    train = [e for path in training_files() for e in load(path)]
    test = load(held_out_file())
    every = train + test
    assert len(test) >= 200 and len(every) >= 800
    assert sum(e.urgent for e in every) >= 150
    for examples in (train, test):
        assert {e.direction for e in examples} == set(range(1, 14))
        assert {e.lang for e in examples} == {"kk", "ru", "mixed"}
        assert {s.type for e in examples for s in e.spans} >= {
            "name",
            "address",
            "school",
            "birth_date",
            "car_plate",
            "iin",
            "phone",
        }
    assert not {e.text for e in train} & {e.text for e in test}
    assert not {e.id for e in train} & {e.id for e in test}
