"""The agency side (rule 13; decision 0011): an officer sees only their own agency's
requests, replies, and the replies move the appeal and its public progress."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from qorgau.agency_requests.actions.replies import attachment_bytes
from qorgau.agency_requests.deadlines import deadlines_on_receipt, latest_extension
from qorgau.agency_requests.models import AgencyRequest, ReplyAttachment
from qorgau.audit.models import AuditRecord
from qorgau.core.kztime import KZ_TZ

pytestmark = pytest.mark.django_db


def test_officer_sees_own_request_with_what_was_sent_and_deadlines(api_as, sent):
    officer = api_as("officer_a")
    listed = officer.get("/api/v1/agency/requests").json()
    assert [r["id"] for r in listed] == [sent["id"]] and listed[0]["content"] is None
    detail = officer.get(f"/api/v1/agency/requests/{sent['id']}").json()
    assert detail["content"]["number"] == sent["number"]
    assert "applicant_iin" not in detail["content"]
    assert detail["answer_due_at"] and detail["pass_on_due_at"] and detail["received_at"]
    assert AuditRecord.objects.filter(action="request.view", actor_username="officer_a").exists()


def test_other_agency_gets_404_by_api_and_page(api_as, sent, client, personas):
    other = api_as("officer_b")
    assert other.get("/api/v1/agency/requests").json() == []
    assert other.get(f"/api/v1/agency/requests/{sent['id']}").status_code == 404
    refused = other.post(f"/api/v1/agency/requests/{sent['id']}/replies", {"kind": "acknowledge"})
    assert refused.status_code == 404
    client.force_login(personas["officer_b"])
    assert client.get(f"/agency/requests/{sent['id']}/").status_code == 404
    assert api_as("consultant").get("/api/v1/agency/requests").status_code == 403


def test_confirmation_with_measures_then_answer_moves_the_appeal(api_as, sent):
    officer, consultant = api_as("officer_a", "ru"), api_as("consultant")
    path = f"/api/v1/agency/requests/{sent['id']}/replies"
    confirmation = {"kind": "confirmation", "confirmed": True}
    missing = officer.post(path, {**confirmation, "measures": ""})
    assert missing.status_code == 422 and "measures" in missing.json()["fields"]
    confirmed = officer.post(path, {**confirmation, "measures": "Инспектор выехал в школу"})
    assert confirmed.json()["status"] == "confirmed"
    scan = base64.b64encode(b"%PDF-1.4 answer").decode()
    answered = officer.post(
        path,
        {
            "kind": "answer",
            "text": "Проведена беседа, меры приняты.",
            "attachments": [
                {"name": "answer.pdf", "content_type": "application/pdf", "data_base64": scan}
            ],
        },
    )
    assert answered.status_code == 200 and answered.json()["status"] == "answered"
    assert attachment_bytes(ReplyAttachment.objects.get()) == b"%PDF-1.4 answer"
    appeal = consultant.get(f"/api/v1/appeals/{sent['number']}").json()
    assert appeal["status"] == "answered"
    seen = consultant.get(f"/api/v1/requests/{sent['id']}").json()
    assert seen["status"] == "answered"
    again = officer.post(path, {"kind": "answer", "text": "again"})
    assert again.status_code == 409 and again.json()["code"] == "request_closed"


def test_public_status_shows_progress_never_the_agency(api_as, sent):
    path = f"/api/v1/agency/requests/{sent['id']}/replies"
    api_as("officer_a").post(path, {"kind": "acknowledge"})
    api_as("officer_a").post(
        path, {"kind": "confirmation", "confirmed": True, "measures": "Инспектор выехал"}
    )
    public = (
        Client(HTTP_ACCEPT_LANGUAGE="ru")
        .post(
            "/api/v1/public/status",
            {"number": sent["number"], "code": sent["code"]},
            content_type="application/json",
        )
        .json()
    )
    labels = " ".join(s["label"] for s in public["steps"])
    assert "компетентный орган" in labels.lower() or "Competent" in labels
    assert "Инспектор" not in labels and "agency-a" not in str(public)


def test_clarification_sends_the_appeal_back_to_the_consultant(api_as, sent):
    api_as("officer_a").post(
        f"/api/v1/agency/requests/{sent['id']}/replies",
        {"kind": "clarification", "question": "Какой класс?"},
    )
    assert (
        api_as("consultant").get(f"/api/v1/appeals/{sent['number']}").json()["status"]
        == "in_progress"
    )


def test_pass_on_to_competent_body(api_as, sent, directory):
    response = api_as("officer_a").post(
        f"/api/v1/agency/requests/{sent['id']}/replies",
        {"kind": "pass_on", "agency": directory["minedu"].pk, "reason": "Вопрос министерства"},
    )
    assert response.json()["status"] == "passed_on"
    passed = AgencyRequest.objects.get(passed_from_id=sent["id"])
    assert passed.agency == directory["minedu"]
    assert passed.content == AgencyRequest.objects.get(pk=sent["id"]).content


def test_extension_up_to_two_months_with_reason(api_as, sent, personas):
    personas["officer_a"].is_agency_head = True  # the head decides (rule 11)
    personas["officer_a"].save(update_fields=["is_agency_head"])
    path = f"/api/v1/agency/requests/{sent['id']}/replies"
    request = AgencyRequest.objects.get(pk=sent["id"])
    too_far = latest_extension(request.delivered_at) + timedelta(days=1)
    extension = {"kind": "extension", "reason": "нужно"}
    refused = api_as("officer_a").post(path, {**extension, "until": too_far.isoformat()})
    assert refused.status_code == 422 and "until" in refused.json()["fields"]
    later = request.answer_due_at + timedelta(days=10)
    ok = api_as("officer_a").post(path, {**extension, "until": later.isoformat()})
    assert ok.status_code == 200
    request.refresh_from_db()
    assert request.answer_due_at == later


def test_deadlines_count_working_days_from_receipt(directory, personas, register):
    request = AgencyRequest(urgent=True)
    received = datetime(2026, 3, 18, 10, 0, tzinfo=KZ_TZ)  # Wednesday before Nauryz
    due = deadlines_on_receipt(request, received)
    # 19, 20 March (2), Nauryz 21–25 off, 26, 27 (4), 30 Mar – 3 Apr (9), 6–10 Apr (14), 13 Apr
    assert due["answer_due_at"].date() == datetime(2026, 4, 13).date()
    assert due["pass_on_due_at"].date() == datetime(2026, 3, 26).date()
    assert due["confirm_due_at"] == received + timedelta(hours=3)
    assert latest_extension(received).date() == datetime(2026, 5, 18).date()
    assert timezone.is_aware(due["answer_due_at"])
