"""The appeals API as an integration sees it."""

from __future__ import annotations

import re

import pytest

from qorgau.appeals.models import Appeal, StatusChange
from qorgau.audit.models import AuditRecord
from qorgau.testing import appeal_body

pytestmark = pytest.mark.django_db
NUMBER = re.compile(r"^111-\d{4}-\d{6}$")


def test_register_returns_number_and_code_and_stores_appeal(api_as, personas):
    response = api_as("consultant").post("/api/v1/appeals", appeal_body())
    assert response.status_code == 201
    body = response.json()
    assert NUMBER.match(body["number"])
    assert re.match(r"^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$", body["code"])
    appeal = Appeal.objects.get(number=body["number"])
    assert appeal.status == "registered"
    assert appeal.applicant_name == "Айгүл Серікова"
    assert appeal.assigned_consultant == personas["consultant"]
    assert appeal.concerns_child
    assert StatusChange.objects.filter(appeal=appeal, to_status="registered").count() == 1
    assert AuditRecord.objects.filter(action="appeal.register", object_ref=appeal.number).exists()


def test_numbers_are_sequential(register):
    first, second = register(), register()
    a, b = int(first["number"][-6:]), int(second["number"][-6:])
    assert b == a + 1


def test_idempotency_key_returns_first_result(api_as):
    client = api_as("consultant")
    headers = {"Idempotency-Key": "call-77-retry"}
    first = client.post("/api/v1/appeals", appeal_body(), headers=headers)
    second = client.post("/api/v1/appeals", appeal_body(), headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    assert Appeal.objects.count() == 1


def test_idempotency_key_reused_for_other_body_is_refused(api_as):
    client = api_as("consultant")
    headers = {"Idempotency-Key": "k1"}
    assert client.post("/api/v1/appeals", appeal_body(), headers=headers).status_code == 201
    other = client.post("/api/v1/appeals", appeal_body(summary="Басқа"), headers=headers)
    assert other.status_code == 409
    assert Appeal.objects.count() == 1


def test_get_appeal_shows_personal_data_to_consultant_and_audits_it(api_as, register):
    number = register()["number"]
    response = api_as("consultant").get(f"/api/v1/appeals/{number}")
    assert response.status_code == 200
    body = response.json()
    assert body["applicant"]["iin"] == "900101300027"
    assert body["applicant"]["phone"] == "+77012345678"
    assert body["description"].startswith("Баласын")
    assert body["personal_data_shown"] is True
    view = AuditRecord.objects.get(action="appeal.view_personal", object_ref=number)
    assert view.actor_username == "consultant" and view.actor_role == "consultant"
    assert view.reason


def test_get_appeal_hides_personal_data_from_quality_officer(api_as, register):
    number = register()["number"]
    body = api_as("quality").get(f"/api/v1/appeals/{number}").json()
    assert body["summary"] == "Мектепте қорлау"
    assert body["applicant"]["name"] is None and body["applicant"]["iin"] is None
    assert body["description"] is None and body["personal_data_shown"] is False
    assert not AuditRecord.objects.filter(action="appeal.view_personal").exists()


def test_list_filters_and_paginates(api_as, register):
    register(direction=4, urgency="urgent", urgency_reason="Бала үйде жалғыз")
    register(direction=5, region="astana")
    register(direction=5, region="astana", channel="web_form")
    client = api_as("supervisor")
    assert client.get("/api/v1/appeals").json()["count"] == 3
    assert client.get("/api/v1/appeals", direction=5).json()["count"] == 2
    assert client.get("/api/v1/appeals", urgency="urgent").json()["count"] == 1
    assert client.get("/api/v1/appeals", channel="web_form", region="astana").json()["count"] == 1
    page = client.get("/api/v1/appeals", limit=2, offset=0).json()
    assert page["count"] == 3 and len(page["items"]) == 2
    assert client.get("/api/v1/appeals", status="closed").json()["count"] == 0


def test_list_date_range_uses_kazakhstan_days(api_as, register):
    register(received_at="2026-03-20T23:30:00+05:00")
    register(received_at="2026-03-21T00:30:00+05:00")
    client = api_as("consultant")
    day = client.get("/api/v1/appeals", received_from="2026-03-21", received_to="2026-03-21")
    assert day.json()["count"] == 1


def test_transitions_and_history(api_as, register):
    number = register()["number"]
    client = api_as("consultant")
    for target in ["in_progress", "waiting_agency", "answered", "closed"]:
        response = client.post(
            f"/api/v1/appeals/{number}/transitions", {"to": target, "comment": f"to {target}"}
        )
        assert response.status_code == 200, response.content
        assert response.json()["status"] == target
    history = client.get(f"/api/v1/appeals/{number}/history").json()
    assert [h["to_status"] for h in history] == [
        "registered",
        "in_progress",
        "waiting_agency",
        "answered",
        "closed",
    ]
    assert history[1]["by"] == "consultant" and history[1]["comment"] == "to in_progress"
    assert AuditRecord.objects.filter(action="appeal.transition", object_ref=number).count() == 4


def test_transition_not_allowed_is_refused_clearly(api_as, register):
    number = register()["number"]
    response = api_as("consultant", "ru").post(
        f"/api/v1/appeals/{number}/transitions", {"to": "closed"}
    )
    assert response.status_code == 409
    assert "Зарегистрировано" in response.json()["detail"]
    assert Appeal.objects.get(number=number).status == "registered"


def test_only_supervisor_reopens(api_as, register):
    number = register()["number"]
    consultant = api_as("consultant")
    for target in ["answered", "closed"]:
        consultant.post(f"/api/v1/appeals/{number}/transitions", {"to": target})
    refused = consultant.post(f"/api/v1/appeals/{number}/transitions", {"to": "in_progress"})
    assert refused.status_code == 403
    reopened = api_as("supervisor").post(
        f"/api/v1/appeals/{number}/transitions",
        {"to": "in_progress", "comment": "caller called back"},
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"


def test_unauthenticated_gets_401(api_as):
    assert api_as(None).get("/api/v1/appeals").status_code == 401
    assert api_as(None).post("/api/v1/appeals", appeal_body()).status_code == 401


def test_openapi_schema_lists_the_endpoints(client):
    schema = client.get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in [
        "/api/v1/appeals",
        "/api/v1/appeals/{number}",
        "/api/v1/public/status",
        "/api/v1/appeals/{number}/transitions",
        "/api/v1/appeals/{number}/history",
    ]:
        assert path in paths


def test_number_year_follows_kazakhstan_time(register):
    # 18:30 UTC on 31 December is 23:30 in Kazakhstan: still the old year
    old = register(received_at="2025-12-31T18:30:00Z")["number"]
    # 19:30 UTC is 00:30 on 1 January in Kazakhstan: the new year, numbering restarts
    new = register(received_at="2025-12-31T19:30:00Z")["number"]
    assert old == "111-2025-000001"
    assert new == "111-2026-000001"
    assert register()["number"] == "111-2026-000002"


def test_kazakhstan_zone_is_utc_plus_five():
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.conf import settings

    moment = datetime(2026, 7, 1, 12, 0, tzinfo=ZoneInfo(settings.TIME_ZONE))
    assert moment.utcoffset().total_seconds() == 5 * 3600
