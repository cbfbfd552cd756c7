"""Every risk flag sends the proposal to the region's duty services first: 102 and 112 for each
flag, and the emergency medical service 103 too for suicide risk (rules 6(j), 12). On the demo
directory, through the routing API a consultant's screen reads."""

from __future__ import annotations

import pytest

from qorgau.agencies import loader
from qorgau.agencies.directory_data import AGENCIES

pytestmark = pytest.mark.django_db

POLICE_AND_UNIFIED = {"almaty.police.102", "almaty.emergency.112"}
MEDICAL = "almaty.ambulance.103"


@pytest.fixture
def directory(monkeypatch):
    """The demo directory's national bodies and those of Almaty and Astana (faster to load)."""
    wanted = tuple(a for a in AGENCIES if a.region in (None, "almaty", "astana"))
    monkeypatch.setattr(loader, "AGENCIES", wanted)
    loader.load_directory()


def _keys(client, number):
    response = client.get(f"/api/v1/appeals/{number}/routing")
    assert response.status_code == 200
    return [p["agency"]["key"] for p in response.json()]


@pytest.fixture
def routed(api_as, register, directory):
    consultant = api_as("consultant")

    def keys(**overrides):
        number = register(region="almaty", direction=9, persons=[], **overrides)["number"]
        return _keys(consultant, number)

    return keys


@pytest.mark.parametrize("flag", ["violence_now", "threat_to_life", "child_without_care"])
def test_each_risk_flag_proposes_102_and_112_first_but_not_103(routed, flag):
    keys = routed(risk_flags=[flag])
    assert set(keys[:2]) == POLICE_AND_UNIFIED
    assert MEDICAL not in keys


def test_suicide_risk_proposes_102_112_and_the_emergency_medical_service(routed):
    keys = routed(risk_flags=["suicide"])
    assert set(keys[:3]) == {*POLICE_AND_UNIFIED, MEDICAL}


def test_no_risk_no_duty_service_even_when_urgent(routed):
    keys = routed(urgency="urgent", urgency_reason="Мерзімі бүгін бітеді")
    assert not POLICE_AND_UNIFIED & set(keys) and MEDICAL not in keys


def test_only_the_appeals_region_duty_services(routed):
    keys = routed(risk_flags=["suicide", "violence_now"])
    duty = [k for k in keys if k.endswith((".102", ".103", ".112"))]
    assert sorted(duty) == sorted([*POLICE_AND_UNIFIED, MEDICAL])


def test_duty_services_stay_proposed_after_the_urgency_is_lowered(api_as, register, directory):
    number = register(region="almaty", direction=9, risk_flags=["threat_to_life"])["number"]
    lowered = api_as("supervisor").post(
        f"/api/v1/appeals/{number}/lower-urgency", {"reason": "Қауіп өтті"}
    )
    assert lowered.json()["urgency"] == "normal"
    assert set(_keys(api_as("consultant"), number)[:2]) == POLICE_AND_UNIFIED


def test_the_reason_names_the_risk_in_the_callers_language(api_as, register, directory):
    number = register(region="almaty", direction=6, risk_flags=["suicide"])["number"]
    proposals = api_as("consultant", "ru").get(f"/api/v1/appeals/{number}/routing").json()
    why = {p["agency"]["key"]: p["why"] for p in proposals}
    assert why[MEDICAL] == "суицидальный риск: скорая медицинская помощь (правила 6(j), 12)"
    assert why["almaty.police.102"] == "риск: Риск суицида — дежурная служба (правила 6(j), 12)"
