"""Every error answer of the API carries a stable machine-readable `code` beside its translated
`detail` (docs/api-errors.md), so a client tells two refusals of the same status apart without
reading prose."""

from __future__ import annotations

import pytest
from django.test import Client

from qorgau.testing import appeal_body

pytestmark = pytest.mark.django_db


def test_two_different_409s_carry_different_codes_in_every_language(api_as, register):
    number = register()["number"]
    codes = set()
    for language in ("kk", "ru"):
        skipped = api_as("consultant", language).post(
            f"/api/v1/appeals/{number}/transitions", {"to": "closed"}
        )
        not_urgent = api_as("supervisor", language).post(
            f"/api/v1/appeals/{number}/lower-urgency", {"reason": "not urgent after all"}
        )
        assert skipped.status_code == not_urgent.status_code == 409
        codes.add((skipped.json()["code"], not_urgent.json()["code"]))
    assert codes == {("transition_not_allowed", "appeal_not_urgent")}


def test_a_reused_idempotency_key_has_its_own_409_code(api_as):
    consultant = api_as("consultant")
    key = {"Idempotency-Key": "same-key"}
    assert consultant.post("/api/v1/appeals", appeal_body(), headers=key).status_code == 201
    other = consultant.post("/api/v1/appeals", appeal_body(summary="Басқа"), headers=key)
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"


def test_framework_errors_carry_codes_too(api_as):
    consultant = api_as("consultant", "ru")
    invalid = consultant.post("/api/v1/appeals", appeal_body(direction=99))
    assert invalid.status_code == 422
    assert invalid.json()["code"] == "invalid" and "direction" in invalid.json()["fields"]
    missing = consultant.get("/api/v1/appeals/111-2000-999999")
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    nobody = api_as(None).get("/api/v1/appeals")
    assert (nobody.status_code, nobody.json()["code"]) == (401, "unauthenticated")
    refused = api_as("officer_a").get("/api/v1/appeals")
    assert (refused.status_code, refused.json()["code"]) == (403, "forbidden")
    garbled = consultant.client.post(
        "/api/v1/appeals", "{not json", content_type="application/json", headers=consultant.headers
    )
    assert (garbled.status_code, garbled.json()["code"]) == (400, "invalid_json")


def test_a_method_an_endpoint_does_not_take_answers_405_with_the_error_body(api_as):
    consultant = api_as("consultant", "kk")
    response = consultant.client.delete("/api/v1/appeals", headers=consultant.headers)
    assert response.status_code == 405 and "GET" in response["Allow"]
    body = response.json()
    assert body["code"] == "method_not_allowed" and body["fields"] == {}
    assert body["detail"] == "Бұл әдіске мұнда рұқсат жоқ."


def test_a_body_too_large_answers_413_with_its_code(api_as):
    consultant = api_as("consultant")
    response = consultant.post("/api/v1/appeals", {"summary": "x" * 2_000_000})
    assert (response.status_code, response.json()["code"]) == (413, "too_large")


def test_a_csrf_failure_is_told_apart_from_a_role_refusal(personas):
    client = Client(HTTP_ACCEPT_LANGUAGE="kk", enforce_csrf_checks=True)
    client.force_login(personas["consultant"])
    response = client.post("/api/v1/appeals", appeal_body(), content_type="application/json")
    assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")


def test_throttled_status_look_ups_answer_429_with_its_code(register):
    client = Client(REMOTE_ADDR="10.8.8.8")
    for i in range(6):
        answer = client.post(
            "/api/v1/public/status",
            {"number": f"111-2026-90000{i}", "code": "BAD0-CODE"},
            content_type="application/json",
        )
    assert (answer.status_code, answer.json()["code"]) == (429, "throttled")


def test_openapi_documents_the_error_code_and_one_reply_endpoint(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert "code" in schema["components"]["schemas"]["ErrorOut"]["required"]
    agency = [p for p in schema["paths"] if p.startswith("/api/v1/agency/requests/{request_id}/")]
    assert agency == ["/api/v1/agency/requests/{request_id}/replies"]
    errors = schema["paths"]["/api/v1/agency/requests/{request_id}/replies"]["post"]["responses"]
    assert {"401", "403", "404", "409", "422"} <= set(errors)
