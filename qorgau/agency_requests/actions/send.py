"""State changes of requests to agencies: sending one (compose under the disclosure policy,
store exactly what goes, queue its deliveries for the right moment)."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.agencies.models import Agency, AgencyContact, ContactChannel
from qorgau.agency_requests.disclosure import compose_request
from qorgau.agency_requests.models import AgencyRequest, DeadlineNotice, Delivery
from qorgau.agency_requests.routing import propose_agencies
from qorgau.appeals.actions import appeal_follow
from qorgau.appeals.auditing import audit_appeal
from qorgau.appeals.models import Appeal, Status
from qorgau.audit.events import AuditEvent
from qorgau.core.access import require
from qorgau.core.errors import Conflict, FieldErrors
from qorgau.core.kztime import KZ_TZ
from qorgau.core.outbox import outbox_wake
from qorgau.core.roles import Perm
from qorgau.staff.models import User
from qorgau.workdays.schedule import STANDARD_OFFICE_HOURS, WeeklySchedule
from qorgau.workdays.selectors import working_calendar

AUTOMATIC_CHANNELS = (ContactChannel.EMAIL, ContactChannel.WEBHOOK)
log = logging.getLogger(__name__)


def delivery_moment(agency: Agency, *, urgent: bool, now: datetime) -> datetime:
    """When a request may reach the agency: at once if urgent (rules 6(j), 12) or if the agency
    works round the clock; otherwise at the start of its next working hours (rule 14)."""
    if urgent or agency.round_the_clock:
        return now
    today = now.astimezone(KZ_TZ).date()
    calendar = working_calendar(today, today + timedelta(days=60))
    return calendar.next_working_moment(agency_schedule(agency), now)


def agency_schedule(agency: Agency) -> WeeklySchedule:
    """The agency's working hours; standard office hours when none or an unreadable one is
    stored (logged, so the directory gets fixed, but a request is never stuck on it)."""
    if not agency.schedule:
        return STANDARD_OFFICE_HOURS
    try:
        return WeeklySchedule.from_json(agency.schedule)
    except ValueError:
        log.warning("agency %s has an unreadable schedule; using standard hours", agency.pk)
        return STANDARD_OFFICE_HOURS


def _check_choice(appeal: Appeal, agency: Agency, reason: str) -> bool:
    proposed = any(p.agency.pk == agency.pk for p in propose_agencies(appeal))
    if not proposed and not reason.strip():
        raise FieldErrors(
            fields={"reason": _("Say why you send to an agency that was not proposed (rule 6(h)).")}
        )
    return proposed


def wake_outbox_workers() -> None:
    """Tell waiting workers there is new work (core.outbox.outbox_wake)."""
    outbox_wake()


def automatic_contacts(agency: Agency) -> list[AgencyContact]:
    """The agency's active contacts that the outbox delivers to (e-mail, webhook)."""
    return list(agency.contacts.filter(active=True, channel__in=AUTOMATIC_CHANNELS))


def queue_deliveries(
    agency_request: AgencyRequest,
    contacts: list[AgencyContact],
    *,
    due: datetime,
    notice: DeadlineNotice | None = None,
) -> None:
    """Outbox rows for a request (or one of its reminders) on each contact; idle workers are
    woken when the transaction commits."""
    Delivery.objects.bulk_create(
        Delivery(
            request=agency_request,
            notice=notice,
            contact=c,
            channel=c.channel,
            urgent=agency_request.urgent,
            due_at=due,
        )
        for c in contacts
    )
    transaction.on_commit(wake_outbox_workers)


def request_send(*, actor: User, appeal: Appeal, agency: Agency, reason: str = "") -> AgencyRequest:
    """Send a request about `appeal` to `agency`: only what the policy allows (rule 15), at once
    when urgent, otherwise in the agency's next working hours (rule 14)."""
    require(actor, Perm.REQUEST_SEND)
    proposed = _check_choice(appeal, agency, reason)
    contacts = automatic_contacts(agency)
    if not contacts:
        raise Conflict(
            _("This agency has no e-mail or webhook contact: call it (rule 12)."),
            code="agency_unreachable",
        )
    composition = compose_request(appeal, agency)
    urgent = appeal.urgency == "urgent"
    now = timezone.now()
    due = delivery_moment(agency, urgent=urgent, now=now)
    with transaction.atomic():
        request = AgencyRequest.objects.create(
            appeal=appeal,
            agency=agency,
            urgent=urgent,
            proposed=proposed,
            choice_reason=reason.strip()[:500],
            created_by=actor,
            content=json.dumps(composition.content, ensure_ascii=False),
            withheld=composition.withheld,
        )
        queue_deliveries(request, contacts, due=due)
        appeal_follow(actor=actor, appeal=appeal, to_status=Status.WAITING_AGENCY)
        audit_appeal(
            actor=actor,
            event=AuditEvent.REQUEST_SEND,
            ref=appeal.number,
            reason=reason.strip()[:300] or "routing proposal",
            details={
                "agency": agency.key or agency.pk,
                "request": request.pk,
                "withheld": composition.withheld,
                "due_at": due.isoformat(),
            },
        )
    return request
