"""Any risk flag makes an appeal urgent; only a supervisor lowers it, with a reason, audited
(rule 6(j)). Through the API and the pages, as consultants and supervisors use them."""

from __future__ import annotations

import pytest
from django.utils import translation

from qorgau.appeals.models import RISK_FLAGS, Appeal
from qorgau.audit.models import AuditRecord
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db

FLAGS = [flag for flag, _label in RISK_FLAGS]
LABELS = dict(RISK_FLAGS)
FORM = {
    "urgency": "normal",
    "urgency_reason": "",
    "channel": "phone",
    "language": "kk",
    "region": "astana",
    "direction": "2",
    "summary": "Қауіпті жағдай",
    "applicant.kind": "anonymous",
    "form_key": "risk-form",
}


def _label(flag: str, language: str) -> str:
    with translation.override(language):
        return str(LABELS[flag])


@pytest.mark.parametrize("flag", FLAGS)
def test_a_risk_flag_makes_an_api_registration_urgent_without_a_typed_reason(register, flag):
    number = register(urgency="normal", urgency_reason="", risk_flags=[flag])["number"]
    appeal = Appeal.objects.get(number=number)
    assert appeal.urgency == "urgent"
    assert _label(flag, "kk") in appeal.urgency_reason  # worded in the applicant's language
    record = AuditRecord.objects.get(action="appeal.register", object_ref=number)
    assert record.details["urgency"] == "urgent"


@pytest.mark.parametrize("flag", FLAGS)
def test_a_risk_flag_makes_a_page_registration_urgent(personas, flag):
    client = signed_in(personas["consultant"])
    response = client.post("/appeals/new/", {**FORM, "risk_flags": [flag]})
    assert response.status_code == 200, response.content.decode()[:2000]
    appeal = Appeal.objects.get()
    assert appeal.urgency == "urgent"
    assert _label(flag, "kk") in appeal.urgency_reason


def test_a_typed_reason_is_kept_and_urgent_without_risk_still_needs_one(register, api_as):
    number = register(
        urgency="normal", urgency_reason="Балалар үйде жалғыз", risk_flags=["child_without_care"]
    )["number"]
    assert Appeal.objects.get(number=number).urgency_reason == "Балалар үйде жалғыз"
    response = api_as("consultant", "ru").post(
        "/api/v1/appeals",
        {
            "channel": "phone",
            "language": "ru",
            "region": "astana",
            "direction": 2,
            "summary": "x",
            "urgency": "urgent",
        },
    )
    assert response.status_code == 422
    assert "urgency_reason" in response.json()["fields"]


@pytest.fixture
def urgent(register):
    return register(risk_flags=["suicide"], direction=6)["number"]


def test_supervisor_lowers_urgency_with_a_reason_and_it_is_audited(api_as, urgent):
    response = api_as("supervisor").post(
        f"/api/v1/appeals/{urgent}/lower-urgency", {"reason": "Қоңырау шалушы қауіпсіз жерде"}
    )
    assert response.status_code == 200
    assert response.json()["urgency"] == "normal"
    appeal = Appeal.objects.get(number=urgent)
    assert appeal.urgency == "normal" and appeal.risk_suicide  # the flag stays
    record = AuditRecord.objects.get(action="appeal.lower_urgency", object_ref=urgent)
    assert record.reason == "Қоңырау шалушы қауіпсіз жерде"
    assert record.actor_role == "supervisor"
    detail = api_as("consultant").get(f"/api/v1/appeals/{urgent}").json()
    assert detail["urgency_lowered_reason"] == "Қоңырау шалушы қауіпсіз жерде"


@pytest.mark.parametrize(
    "persona",
    ["consultant", "quality", "officer_a", "commissioner", "auditor", "admin", "outsider"],
)
def test_no_other_role_may_lower_urgency(api_as, urgent, persona):
    response = api_as(persona).post(f"/api/v1/appeals/{urgent}/lower-urgency", {"reason": "x"})
    assert response.status_code in ((403,) if persona == "consultant" else (403, 404))
    assert Appeal.objects.get(number=urgent).urgency == "urgent"
    assert not AuditRecord.objects.filter(action="appeal.lower_urgency").exists()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ru", "Укажите, почему срочность снижается."),
        ("kk", "Шұғылдықтың неге төмендетілгенін жазыңыз."),
    ],
)
def test_lowering_without_a_reason_is_refused_in_the_callers_language(
    api_as, urgent, language, expected
):
    response = api_as("supervisor", language).post(
        f"/api/v1/appeals/{urgent}/lower-urgency", {"reason": "   "}
    )
    assert response.status_code == 422
    assert response.json()["fields"]["reason"] == expected
    assert Appeal.objects.get(number=urgent).urgency == "urgent"


def test_lowering_an_appeal_that_is_not_urgent_is_a_conflict(api_as, register):
    number = register()["number"]
    response = api_as("supervisor").post(f"/api/v1/appeals/{number}/lower-urgency", {"reason": "x"})
    assert response.status_code == 409


def test_appeal_page_offers_lowering_to_supervisors_only(personas, urgent):
    page = signed_in(personas["supervisor"]).get(f"/appeals/{urgent}/").content.decode()
    assert f"/appeals/{urgent}/lower-urgency/" in page
    page = signed_in(personas["consultant"]).get(f"/appeals/{urgent}/").content.decode()
    assert "lower-urgency" not in page
    refused = signed_in(personas["consultant"]).post(
        f"/appeals/{urgent}/lower-urgency/", {"reason": "x"}
    )
    assert refused.status_code == 403
    assert Appeal.objects.get(number=urgent).urgency == "urgent"


def test_supervisor_lowers_from_the_page_and_an_empty_reason_shows_an_error(personas, urgent):
    supervisor = signed_in(personas["supervisor"], "ru")
    empty = supervisor.post(f"/appeals/{urgent}/lower-urgency/", {"reason": ""})
    assert empty.status_code == 422
    assert "Укажите, почему срочность снижается." in empty.content.decode()
    done = supervisor.post(
        f"/appeals/{urgent}/lower-urgency/", {"reason": "Қауіп өтті"}, follow=True
    )
    assert Appeal.objects.get(number=urgent).urgency == "normal"
    assert "Қауіп өтті" in done.content.decode()


def test_a_second_click_on_lower_says_it_is_no_longer_urgent(personas, urgent):
    supervisor = signed_in(personas["supervisor"], "ru")
    supervisor.post(f"/appeals/{urgent}/lower-urgency/", {"reason": "Қауіп өтті"})
    again = supervisor.post(f"/appeals/{urgent}/lower-urgency/", {"reason": "Қауіп өтті"})
    assert again.status_code == 409
    assert "Это обращение не срочное." in again.content.decode()
    assert AuditRecord.objects.filter(action="appeal.lower_urgency").count() == 1
