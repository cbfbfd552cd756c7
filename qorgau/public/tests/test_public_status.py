"""Applicants learn number, status and progress — nothing confidential (rule 6(l))."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _ask(number: str, code: str, language: str = "kk", address: str = "10.0.0.1"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=address)
    return client.post(
        "/api/v1/public/status", {"number": number, "code": code}, content_type="application/json"
    )


def test_status_with_number_and_code_shows_progress_only(register, api_as):
    created = register()
    api_as("consultant").post(
        f"/api/v1/appeals/{created['number']}/transitions",
        {"to": "in_progress", "comment": "Айгүл апайға хабарластым"},
    )
    response = _ask(created["number"], created["code"].lower().replace("-", ""), "ru")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_progress"
    assert [s["status"] for s in body["steps"]] == ["registered", "in_progress"]
    assert "консультант" in body["status_label"].lower()
    text = json.dumps(body, ensure_ascii=False)
    for secret in ["Айгүл", "900101300027", "Мектепте", "Баласын", "consultant", "almaty"]:
        assert secret not in text


def test_wrong_code_and_unknown_number_answer_alike(register):
    number = register()["number"]
    wrong = _ask(number, "AAAA-AAAA")
    unknown = _ask("111-2026-999999", "AAAA-AAAA")
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json() == unknown.json()


def test_five_failures_from_one_address_are_throttled(register):
    created = register()
    for i in range(5):
        assert _ask(f"111-2026-90000{i}", "BAD0-CODE", address="10.9.9.9").status_code == 404
    blocked = _ask(created["number"], created["code"], "ru", address="10.9.9.9")
    assert blocked.status_code == 429
    assert "попыток" in blocked.json()["detail"]
    assert _ask(created["number"], created["code"], address="10.9.9.10").status_code == 200


def test_failures_on_one_number_never_lock_out_its_right_code(register):
    """Rule 6(l): only addresses are throttled (tests/security/test_status_guessing.py)."""
    created = register()
    for i in range(5):
        assert _ask(created["number"], "BAD0-CODE", address=f"10.1.1.{i}").status_code == 404
    assert _ask(created["number"], created["code"], address="10.2.2.2").status_code == 200


def test_public_page_shows_status_in_chosen_language(register):
    created = register()
    client = Client(HTTP_ACCEPT_LANGUAGE="kk")
    page = client.post("/status/", {"number": created["number"], "code": created["code"]})
    assert page.status_code == 200
    html = page.content.decode()
    assert created["number"] in html and "тіркелді" in html
    assert "Айгүл" not in html and "Мектепте" not in html


def test_even_right_codes_are_rate_limited_per_address(register):
    created = register()
    for _ in range(30):
        assert _ask(created["number"], created["code"], address="10.7.7.7").status_code == 200
    assert _ask(created["number"], created["code"], address="10.7.7.7").status_code == 429
    assert _ask(created["number"], created["code"], address="10.7.7.8").status_code == 200
