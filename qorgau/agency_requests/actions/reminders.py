"""Reminders to agencies and escalation to supervisors (rule 11). For each deadline of a request
(`selectors.DEADLINES`: the urgent confirmation, taking up or passing on within
PASS_ON_WORKING_DAYS, the answer) a sweep finds the requests whose deadline ends within its
reminder window (a reminder to the agency) or has passed (a second reminder, and an escalation
that puts the request on the supervisors' board and in the audit log). Each notice exists once
per deadline and value, enforced by a unique constraint, so any number of workers may sweep at
once; an extension gives a new answer deadline and so new notices. Reminders travel through the
same outbox as requests."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from qorgau.agency_requests.actions.send import automatic_contacts, queue_deliveries
from qorgau.agency_requests.models import AgencyRequest, DeadlineNotice, NoticeKind
from qorgau.agency_requests.selectors import DEADLINES, Deadline
from qorgau.appeals.auditing import audit_appeal
from qorgau.audit.events import AuditEvent

NOTICE_EVENTS = {
    NoticeKind.REMINDER: AuditEvent.REQUEST_REMIND,
    NoticeKind.OVERDUE: AuditEvent.REQUEST_REMIND_OVERDUE,
    NoticeKind.ESCALATION: AuditEvent.REQUEST_ESCALATE,
}


def _notify(
    agency_request: AgencyRequest, deadline: Deadline, kind: str, *, to_agency: bool
) -> bool:
    """Create the notice (and its deliveries) unless it exists; True if it was new."""
    due = deadline.due(agency_request)
    try:
        with transaction.atomic():
            notice = DeadlineNotice.objects.create(
                request=agency_request, deadline=deadline.kind, kind=kind, due_at=due
            )
            if to_agency:
                contacts = automatic_contacts(agency_request.agency)
                queue_deliveries(agency_request, contacts, due=timezone.now(), notice=notice)
            audit_appeal(
                actor=None,
                event=NOTICE_EVENTS[NoticeKind(kind)],
                ref=agency_request.appeal.number,
                reason="deadline",
                details={
                    "request": agency_request.pk,
                    "deadline": str(deadline.kind),
                    "due_at": due.isoformat(),
                },
            )
    except IntegrityError:
        return False
    return True


def deadline_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Send what is due; returns how many notices of each kind were new. A system action: the
    delivery worker runs it, so no one acts and the audit rows name no actor."""
    now = now or timezone.now()
    counts = dict.fromkeys(NoticeKind.values, 0)
    for deadline in DEADLINES:
        for request in deadline.soon_due(now):
            counts[NoticeKind.REMINDER] += _notify(
                request, deadline, NoticeKind.REMINDER, to_agency=True
            )
        for request in deadline.overdue(now):
            counts[NoticeKind.OVERDUE] += _notify(
                request, deadline, NoticeKind.OVERDUE, to_agency=True
            )
            counts[NoticeKind.ESCALATION] += _notify(
                request, deadline, NoticeKind.ESCALATION, to_agency=False
            )
    return counts
