"""Reminders to the agency and escalation to the supervisor (decision 0011)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.agency_requests.actions.reminders import deadline_sweep
from qorgau.agency_requests.models import AgencyRequest, DeadlineNotice
from qorgau.agency_requests.outbox import claim, deliver_one
from qorgau.audit.models import AuditRecord

pytestmark = pytest.mark.django_db


def _due_in(request, delta):
    AgencyRequest.objects.filter(pk=request.pk).update(answer_due_at=timezone.now() + delta)


def test_soon_due_sends_one_reminder_to_the_agency(request_to_school, mail):
    _due_in(request_to_school, timedelta(hours=20))
    assert deadline_sweep()["reminder"] == 1
    assert deadline_sweep()["reminder"] == 0  # once per deadline, however often we sweep
    for delivery in claim("w", 10):
        assert deliver_one(delivery, "w")
    assert len(mail.messages) == 1
    assert mail.messages[0]["Subject"].startswith("ЕСКЕ САЛУ / НАПОМИНАНИЕ")
    request_to_school.refresh_from_db()
    assert request_to_school.status == "delivered"  # a reminder changes nothing on the request


def test_overdue_reminds_and_escalates_once(request_to_school):
    _due_in(request_to_school, -timedelta(hours=2))
    counts = deadline_sweep()
    assert counts["overdue"] == 1 and counts["escalation"] == 1
    assert deadline_sweep() == {"reminder": 0, "overdue": 0, "escalation": 0}
    assert AuditRecord.objects.filter(action="request.escalate").count() == 1


def test_extension_gives_a_new_deadline_and_new_notices(request_to_school):
    _due_in(request_to_school, -timedelta(hours=2))
    deadline_sweep()
    _due_in(request_to_school, -timedelta(hours=1))  # extended, and overdue again
    assert deadline_sweep()["escalation"] == 1
    assert DeadlineNotice.objects.filter(kind="escalation").count() == 2


def test_answered_requests_are_not_reminded(request_to_school):
    AgencyRequest.objects.filter(pk=request_to_school.pk).update(status="answered")
    _due_in(request_to_school, -timedelta(hours=2))
    assert deadline_sweep() == {"reminder": 0, "overdue": 0, "escalation": 0}
