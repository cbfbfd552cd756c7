"""Routing proposals for an appeal's direction and region (rules 6(e), 6(j), 10)."""

from __future__ import annotations

import pytest

from qorgau.agency_requests.routing import propose_agencies
from qorgau.appeals.models import Appeal

pytestmark = pytest.mark.django_db


def _keys(number: str) -> list[str]:
    return [p.agency.key for p in propose_agencies(Appeal.objects.get(number=number))]


def test_regional_body_first_and_commissioner_for_a_child(directory, register):
    number = register(region="almaty", direction=4)["number"]
    assert _keys(number) == ["almaty.education", "almaty.commissioner"]


def test_central_body_where_no_regional_one_is_competent(directory, register):
    number = register(region="almaty", direction=5, persons=[{"kind": "woman", "age": 40}])
    assert _keys(number["number"]) == ["central.enbek"]


def test_national_commissioner_where_the_region_has_none(directory, register):
    number = register(region="astana", direction=4)["number"]
    assert _keys(number) == ["central.minedu", "commissioner.national"]


def test_urgent_danger_goes_to_duty_service_first(directory, register):
    number = register(
        region="almaty",
        direction=2,
        urgency="urgent",
        urgency_reason="Күйеуі қазір ұрып жатыр",
        risk_flags=["violence_now"],
        persons=[{"kind": "woman", "age": 30}],
    )["number"]
    assert _keys(number) == ["almaty.102", "almaty.police"]


def test_inactive_agency_is_not_proposed(directory, register):
    directory["almaty_education"].active = False
    directory["almaty_education"].save()
    number = register(region="almaty", direction=4)["number"]
    assert "almaty.education" not in _keys(number)
