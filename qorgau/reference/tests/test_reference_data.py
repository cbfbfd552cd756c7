"""Reference data loaded by migrations, with a name in kk, ru and en (the directions: rule 10)."""

from __future__ import annotations

import pytest
from django.utils import translation

from qorgau.reference.models import Channel, Direction, HelpKind, Outcome, Region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("model", "count"), [(Direction, 13), (Region, 20), (Channel, 7), (HelpKind, 3), (Outcome, 4)]
)
def test_lists_are_complete_and_named_in_three_languages(model, count):
    rows = list(model.objects.all())
    assert len(rows) == count
    for row in rows:
        assert row.name_kk and row.name_ru and row.name_en
        assert row.name_kk != row.name_en


def test_directions_are_numbered_1_to_13_as_in_rule_10():
    assert [d.code for d in Direction.objects.all()] == [str(n) for n in range(1, 14)]


def test_regions_are_17_oblasts_and_3_cities():
    names = list(Region.objects.values_list("name_en", flat=True))
    assert sum(n.endswith("Region") for n in names) == 17
    assert {"Astana city", "Almaty city", "Shymkent city"} <= set(names)


def test_outcomes_include_1414_and_out_of_competence():
    codes = set(Outcome.objects.values_list("code", flat=True))
    assert {"consultation", "referred", "transferred_1414", "out_of_competence"} == codes


def test_name_follows_the_active_language():
    school_qr = Channel.objects.get(code="school_qr")
    with translation.override("ru"):
        assert school_qr.name == "QR-форма в школе"
    with translation.override("kk"):
        assert school_qr.name == "Мектептегі QR-нысан"
