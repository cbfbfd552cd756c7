"""Reminders to agencies and escalation to supervisors (issue 3, item 6). A sweep finds requests
whose answer is due within SOON_DUE_WORKING_DAYS working days (a reminder to the agency) or
overdue (a second reminder, and an escalation that puts the request on the supervisors'
board and in the audit log). Each notice exists once per deadline value, enforced by a unique
constraint, so any number of workers may sweep at once; an extension gives a new deadline and
so new notices. Reminders travel through the same outbox as requests."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from qorgau.audit.actions import audit_record
from qorgau.interaction.actions import automatic_contacts, queue_deliveries
from qorgau.interaction.models import AgencyRequest, DeadlineNotice, NoticeKind
from qorgau.interaction.selectors import CONFIRMED, overdue, soon_due


def _notify(request: AgencyRequest, kind: str, due: datetime, *, to_agency: bool) -> bool:
    """Create the notice (and its deliveries) unless it exists; True if it was new."""
    try:
        with transaction.atomic():
            notice = DeadlineNotice.objects.create(request=request, kind=kind, due_at=due)
            if to_agency:
                contacts = automatic_contacts(request.agency)
                queue_deliveries(request, contacts, due=timezone.now(), notice=notice)
            audit_record(
                actor=None,
                action=f"request.{kind}",
                object_type="appeal",
                object_ref=request.appeal.number,
                reason="deadline",
                details={"request": request.pk, "due_at": due.isoformat()},
            )
    except IntegrityError:
        return False
    return True


def _due(request: AgencyRequest, now: datetime) -> datetime:
    """The deadline that was missed: the urgent confirmation first, then the answer."""
    confirm = request.confirm_due_at
    if request.urgent and confirm and confirm < now and request.status not in CONFIRMED:
        return confirm
    return request.answer_due_at or now


def deadline_sweep(now: datetime | None = None) -> dict[str, int]:
    """Send what is due; returns how many notices of each kind were new."""
    now = now or timezone.now()
    counts = dict.fromkeys(NoticeKind.values, 0)
    for request in soon_due(now):
        counts[NoticeKind.REMINDER] += _notify(
            request, NoticeKind.REMINDER, request.answer_due_at or now, to_agency=True
        )
    for request in overdue(now):
        due = _due(request, now)
        counts[NoticeKind.OVERDUE] += _notify(request, NoticeKind.OVERDUE, due, to_agency=True)
        counts[NoticeKind.ESCALATION] += _notify(
            request, NoticeKind.ESCALATION, due, to_agency=False
        )
    return counts
