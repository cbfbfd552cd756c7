"""The public status of a duplicate merged into another appeal (rule 6(l)): its own number and
code show the progress of the appeal that carries on, with a sentence that the appeals were
joined — never the other appeal's number or code."""

from __future__ import annotations

import json

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def _ask(number: str, code: str, language: str = "kk"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR="10.0.0.7")
    return client.post(
        "/api/v1/public/status", {"number": number, "code": code}, content_type="application/json"
    )


@pytest.fixture
def merged(api_as, register):
    survivor = register()
    duplicate = register()
    supervisor = api_as("supervisor")
    response = supervisor.post(
        f"/api/v1/appeals/{survivor['number']}/merge",
        {"duplicate": duplicate["number"], "reason": "бір мәселе"},
    )
    assert response.status_code == 200
    supervisor.post(f"/api/v1/appeals/{survivor['number']}/transitions", {"to": "in_progress"})
    return duplicate, survivor


def test_the_duplicates_code_shows_the_survivors_progress(merged):
    duplicate, survivor = merged
    response = _ask(duplicate["number"], duplicate["code"], "ru")
    assert response.status_code == 200
    body = response.json()
    assert body["number"] == duplicate["number"] and body["merged"] is True
    assert body["status"] == "in_progress"  # the survivor's, not the duplicate's "closed"
    statuses = [s["status"] for s in body["steps"]]
    assert statuses == ["registered", "merged", "in_progress"]
    assert "объединено" in body["steps"][1]["label"]
    text = json.dumps(body, ensure_ascii=False)
    for secret in [survivor["number"], survivor["code"], "бір мәселе", "supervisor", "closed"]:
        assert secret not in text


def test_the_survivor_answers_as_before_to_its_own_code(merged):
    _duplicate, survivor = merged
    body = _ask(survivor["number"], survivor["code"]).json()
    assert body["merged"] is False and body["number"] == survivor["number"]
    assert [s["status"] for s in body["steps"]] == ["registered", "in_progress"]


def test_the_survivors_code_does_not_open_the_duplicate(merged):
    duplicate, survivor = merged
    assert _ask(duplicate["number"], survivor["code"]).status_code == 404


def test_the_status_page_says_the_appeal_was_joined(merged):
    duplicate, survivor = merged
    client = Client(HTTP_ACCEPT_LANGUAGE="kk", REMOTE_ADDR="10.0.0.8")
    page = client.post("/status/", {"number": duplicate["number"], "code": duplicate["code"]})
    text = page.content.decode()
    assert page.status_code == 200 and 'id="status-merged"' in text
    assert "басқа өтінішпен біріктірілді" in text
    assert survivor["number"] not in text
