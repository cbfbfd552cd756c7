"""Sending a request and delivering it through the outbox with real local peers: an SMTP
server and a webhook receiver (rules 6(j), 12, 14, 15; decisions 0006 and 0007)."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import datetime, timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from qorgau.agency_requests.actions.send import delivery_moment, request_send
from qorgau.agency_requests.models import AgencyRequest, Delivery, DeliveryAttempt
from qorgau.agency_requests.outbox import claim, deliver_one
from qorgau.appeals.models import Appeal
from qorgau.audit.models import AuditRecord
from qorgau.core.errors import FieldErrors
from qorgau.core.kztime import KZ_TZ

pytestmark = pytest.mark.django_db

URGENT = {
    "urgency": "urgent",
    "urgency_reason": "Бала үйде жалғыз",
    "risk_flags": ["child_without_care"],
}


def _deliver_all(worker: str = "w1") -> list[bool]:
    return [deliver_one(d, worker) for d in claim(worker, limit=50)]


def test_urgent_request_goes_at_once_on_every_channel(
    personas, make_agency, register, mail, receiver
):
    agency = make_agency("almaty.education", "local", "almaty", [4], webhook=receiver.url)
    appeal = Appeal.objects.get(number=register(**URGENT)["number"])
    request = request_send(actor=personas["consultant"], appeal=appeal, agency=agency)
    assert request.urgent and request.deliveries.count() == 2
    assert _deliver_all() == [True, True]
    assert len(mail.messages) == 1 and "ШҰҒЫЛ" in mail.messages[0]["Subject"]
    assert mail.messages[0]["X-Qorgau-Idempotency-Key"] == str(request.idempotency_key)
    hook = receiver.received[0]
    assert hook.key == str(request.idempotency_key)
    signed = hmac.new(
        b"s3cret-almaty.education",
        json.dumps(hook.body, ensure_ascii=False).encode(),
        hashlib.sha256,
    )
    assert hook.signature == f"sha256={signed.hexdigest()}"
    assert "900101300027" not in json.dumps(hook.body, ensure_ascii=False)
    request.refresh_from_db()
    assert request.status == "delivered" and request.delivered_at
    appeal.refresh_from_db()
    assert appeal.status == "waiting_agency"
    assert AuditRecord.objects.filter(action="request.send", object_ref=appeal.number).exists()


def test_sent_content_is_stored_as_sent(personas, directory, register):
    appeal = Appeal.objects.get(number=register()["number"])
    request = request_send(
        actor=personas["consultant"], appeal=appeal, agency=directory["almaty_education"]
    )
    stored = json.loads(AgencyRequest.objects.get(pk=request.pk).content)
    assert stored["number"] == appeal.number and "applicant_iin" not in stored
    assert "applicant_iin" in request.withheld["fields"]


def test_agency_not_proposed_needs_a_reason(personas, directory, register):
    appeal = Appeal.objects.get(number=register(direction=4)["number"])
    with pytest.raises(FieldErrors) as refused:
        request_send(actor=personas["consultant"], appeal=appeal, agency=directory["enbek"])
    assert "reason" in refused.value.fields
    request = request_send(
        actor=personas["consultant"],
        appeal=appeal,
        agency=directory["enbek"],
        reason="Ана жәрдемақы сұрайды",
    )
    assert request.proposed is False and request.choice_reason == "Ана жәрдемақы сұрайды"


def test_normal_request_waits_for_working_hours(directory):
    friday_evening = datetime(2026, 11, 27, 18, 45, tzinfo=KZ_TZ)
    due = delivery_moment(directory["almaty_education"], urgent=False, now=friday_evening)
    assert due == datetime(2026, 11, 30, 9, 0, tzinfo=KZ_TZ)
    assert (
        delivery_moment(directory["almaty_education"], urgent=True, now=friday_evening)
        == friday_evening
    )
    assert (
        delivery_moment(directory["almaty_102"], urgent=False, now=friday_evening) == friday_evening
    )


def test_not_due_is_not_claimed(personas, directory, register):
    appeal = Appeal.objects.get(number=register()["number"])
    request = request_send(
        actor=personas["consultant"], appeal=appeal, agency=directory["almaty_education"]
    )
    Delivery.objects.filter(request=request).update(due_at=timezone.now() + timedelta(hours=3))
    assert claim("w1", limit=10) == []


@override_settings(OUTBOX_BACKOFF_SECONDS=[0, 300, 1800], OUTBOX_MAX_ATTEMPTS=3)
def test_failures_retry_with_backoff_then_alert(personas, make_agency, register, receiver):
    receiver.fail_ratio = 1.0
    agency = make_agency(
        "almaty.education",
        "local",
        "almaty",
        [4],
        email=False,
        webhook=receiver.url,
        round_the_clock=True,
    )
    appeal = Appeal.objects.get(number=register()["number"])  # normal: the long schedule
    request = request_send(actor=personas["consultant"], appeal=appeal, agency=agency)
    assert _deliver_all() == [False]  # first failure: retried at once
    assert _deliver_all() == [False]  # second: retried in 5 minutes
    delivery = Delivery.objects.get(request=request)
    assert delivery.status == "pending" and delivery.due_at > timezone.now() + timedelta(minutes=4)
    Delivery.objects.filter(pk=delivery.pk).update(due_at=timezone.now())
    assert _deliver_all() == [False]  # third and last
    delivery.refresh_from_db()
    request.refresh_from_db()
    assert delivery.status == "dead" and delivery.attempts == 3 and request.status == "failed"
    assert DeliveryAttempt.objects.filter(delivery=delivery, ok=False).count() == 3
    assert "503" in delivery.last_error
    assert AuditRecord.objects.filter(action="request.fail_delivery").exists()


def test_unreadable_schedule_falls_back_to_standard_hours(directory):
    agency = directory["almaty_education"]
    agency.schedule = {"days": {"mon": [["18:00", "09:00"]]}}
    friday_evening = datetime(2026, 11, 27, 18, 45, tzinfo=KZ_TZ)
    due = delivery_moment(agency, urgent=False, now=friday_evening)
    assert due == datetime(2026, 11, 30, 9, 0, tzinfo=KZ_TZ)


def test_second_request_on_a_stale_appeal_object_is_sent(personas, directory, register):
    """The appeal already waits for an agency; a second request must not fail on the move."""
    appeal = Appeal.objects.get(number=register(direction=4)["number"])
    request_send(actor=personas["consultant"], appeal=appeal, agency=directory["almaty_education"])
    assert appeal.status == "registered"  # this Python object is stale now
    second = request_send(
        actor=personas["consultant"], appeal=appeal, agency=directory["almaty_commissioner"]
    )
    assert second.pk and Appeal.objects.get(pk=appeal.pk).status == "waiting_agency"


@override_settings(OUTBOX_URGENT_BACKOFF_SECONDS=[0, 0.2, 1], OUTBOX_BACKOFF_SECONDS=[0, 300])
def test_urgent_requests_retry_on_their_short_schedule(personas, make_agency, register, receiver):
    receiver.fail_ratio = 1.0
    agency = make_agency(
        "almaty.education", "local", "almaty", [4], email=False, webhook=receiver.url
    )
    appeal = Appeal.objects.get(number=register(**URGENT)["number"])
    request = request_send(actor=personas["consultant"], appeal=appeal, agency=agency)
    _deliver_all()
    _deliver_all()
    delivery = Delivery.objects.get(request=request)
    assert delivery.due_at <= timezone.now() + timedelta(seconds=0.5)
