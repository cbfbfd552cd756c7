"""Extending the answer term (rule 11, the administrative procedure code): the head of the agency
or a deputy decides. A head records their own decision; any other officer names the head and
attaches the signed decision. The decider is stored and audited, and the applicant's public
status shows the new term at once, never the agency, the reason or who decided (rule 6(l))."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from qorgau.agency_requests.actions.replies import attachment_bytes
from qorgau.agency_requests.actions.send import request_send
from qorgau.agency_requests.models import AgencyReply, AgencyRequest
from qorgau.agency_requests.outbox import claim, deliver_one
from qorgau.appeals.models import Appeal
from qorgau.audit.models import AuditRecord
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 signed decision"
AGENCY_NAME = "Алматы қаласының білім басқармасы"


@pytest.fixture
def appeal(register) -> dict[str, Any]:
    """An appeal about a child at school: its number and the applicant's status code."""
    return register(direction=4)


@pytest.fixture
def received(personas, appeal, mail) -> AgencyRequest:
    """A request to agency A (officer_a's), delivered, so its deadlines run."""
    agency = personas["officer_a"].agency
    agency.key, agency.round_the_clock = "almaty-education", True
    agency.name_kk = agency.name_ru = agency.name_en = AGENCY_NAME
    agency.save()
    agency.contacts.create(channel="email", address="a@demo-gov.invalid")
    found = Appeal.objects.get(number=appeal["number"])
    request = request_send(
        actor=personas["consultant"], appeal=found, agency=agency, reason="The school is theirs"
    )
    for delivery in claim("w", 10):
        deliver_one(delivery, "w")
    return AgencyRequest.objects.get(pk=request.pk)


@pytest.fixture
def head(make_user, personas):
    """The head of agency A, marked by the administrator (a persona from here on)."""
    personas["head_a"] = make_user(
        "head_a",
        Role.AGENCY_OFFICER,
        agency=personas["officer_a"].agency,
        is_agency_head=True,
        first_name="Бақыт",
        last_name="Оспанов",
    )
    return personas["head_a"]


def _body(agency_request: AgencyRequest, **extra: Any) -> dict[str, Any]:
    until = agency_request.answer_due_at + timedelta(days=10)
    return {"kind": "extension", "until": until.isoformat(), "reason": "Сараптама қажет", **extra}


def _decision(data: bytes = PDF) -> dict[str, str]:
    return {
        "name": "decision.pdf",
        "content_type": "application/pdf",
        "data_base64": base64.b64encode(data).decode(),
    }


def _path(agency_request: AgencyRequest) -> str:
    return f"/api/v1/agency/requests/{agency_request.pk}/replies"


@pytest.mark.parametrize(
    ("language", "words"), [("ru", "руководитель органа"), ("kk", "органның басшысы")]
)
def test_a_non_head_alone_cannot_extend(api_as, received, language, words):
    response = api_as("officer_a", language).post(_path(received), _body(received))
    assert response.status_code == 422
    assert words in response.json()["fields"]["decided_by"]
    assert AgencyRequest.objects.get(pk=received.pk).answer_due_at == received.answer_due_at
    assert not AgencyReply.objects.filter(kind="extension").exists()


def test_a_non_head_needs_the_signed_decision_of_the_head(api_as, received, head):
    officer = api_as("officer_a", "kk")
    missing = officer.post(_path(received), _body(received, decided_by="head_a"))
    assert missing.status_code == 422
    assert "Қол қойылған шешімді тіркеңіз" in missing.json()["fields"]["decision"]
    not_a_scan = officer.post(
        _path(received), _body(received, decided_by="head_a", decision=_decision(b"hello"))
    )
    assert not_a_scan.status_code == 422 and "PDF" in not_a_scan.json()["fields"]["decision"]
    done = officer.post(_path(received), _body(received, decided_by="head_a", decision=_decision()))
    assert done.status_code == 200, done.content
    reply = done.json()["replies"][-1]
    assert reply["kind"] == "extension" and reply["by"] == "officer_a"
    assert reply["decided_by"] == "head_a" and reply["attachments"][0]["name"] == "decision.pdf"
    stored = AgencyReply.objects.get(kind="extension")
    assert attachment_bytes(stored.attachments.get()) == PDF
    audit = AuditRecord.objects.get(action="request.extend")
    assert audit.actor_username == "officer_a" and audit.details["decided_by"] == "head_a"


def test_the_head_extends_by_their_own_decision(api_as, received, head):
    response = api_as("head_a").post(_path(received), _body(received))
    assert response.status_code == 200
    assert response.json()["replies"][-1]["decided_by"] == "head_a"
    request = AgencyRequest.objects.get(pk=received.pk)
    assert request.answer_due_at == received.answer_due_at + timedelta(days=10)


def test_only_a_head_of_the_officers_own_agency_counts(api_as, received, personas, make_user):
    personas["officer_b"].is_agency_head = True  # a head, but of agency B
    personas["officer_b"].save(update_fields=["is_agency_head"])
    make_user("clerk_a", Role.AGENCY_OFFICER, agency=personas["officer_a"].agency)
    officer = api_as("officer_a", "ru")
    for name in ("officer_b", "clerk_a", "nobody"):
        body = _body(received, decided_by=name, decision=_decision())
        response = officer.post(_path(received), body)
        assert response.status_code == 422, name
        assert "Выберите руководителя" in response.json()["fields"]["decided_by"]
    assert not AgencyReply.objects.filter(kind="extension").exists()


def test_heads_are_listed_for_their_own_agency_only(api_as, received, head):
    assert api_as("officer_a").get("/api/v1/agency/heads").json() == [
        {"username": "head_a", "name": "Бақыт Оспанов"}
    ]
    assert api_as("officer_b").get("/api/v1/agency/heads").json() == []
    assert api_as("consultant").get("/api/v1/agency/heads").status_code == 403


def _public(appeal: dict[str, Any], language: str) -> tuple[str, str]:
    """The applicant's status by API and by page, as text."""
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    body = {"number": appeal["number"], "code": appeal["code"]}
    api = client.post("/api/v1/public/status", body, content_type="application/json")
    page = client.post("/status/", body)
    assert api.status_code == 200 and page.status_code == 200
    return json.dumps(api.json(), ensure_ascii=False), page.content.decode()


def test_public_status_shows_the_new_term_and_nothing_about_the_agency(
    api_as, received, head, appeal
):
    before_api, before_page = _public(appeal, "ru")
    assert "продлён" not in before_api and "продлён" not in before_page
    api_as("head_a").post(_path(received), _body(received, reason="Сараптама қажет"))
    until = (received.answer_due_at + timedelta(days=10)).astimezone(KZ_TZ).strftime("%d.%m.%Y")
    for language, step in (("ru", f"Срок ответа продлён до {until}"), ("kk", f"{until} дейін")):
        api, page = _public(appeal, language)
        assert step in api and step in page
        for secret in (AGENCY_NAME, "almaty-education", "Сараптама", "head_a", "Оспанов"):
            assert secret not in api and secret not in page
