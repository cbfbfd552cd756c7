"""Deadlines of requests (rule 11: the administrative procedure code). From receipt: an answer
within ANSWER_WORKING_DAYS (15) working days, passing on to the competent body within
PASS_ON_WORKING_DAYS (3); for urgent requests a confirmation (rule 13) within
URGENT_CONFIRM_HOURS. An agency may extend the answer term, with a reason, up to
MAX_EXTENSION_MONTHS (2) from receipt in all. The working calendar answers the arithmetic."""

from __future__ import annotations

from calendar import monthrange
from datetime import datetime, timedelta

from django.conf import settings

from qorgau.agency_requests.models import AgencyRequest
from qorgau.core.kztime import KZ_TZ
from qorgau.workdays.selectors import working_calendar


def deadlines_on_receipt(
    agency_request: AgencyRequest, received_at: datetime
) -> dict[str, datetime]:
    """The deadlines a request gets when the agency receives it."""
    day = received_at.astimezone(KZ_TZ).date()
    calendar = working_calendar(day, day + timedelta(days=120))
    return {
        "answer_due_at": calendar.add_working_days_deadline(
            received_at, settings.ANSWER_WORKING_DAYS
        ),
        "pass_on_due_at": calendar.add_working_days_deadline(
            received_at, settings.PASS_ON_WORKING_DAYS
        ),
        **(
            {"confirm_due_at": received_at + timedelta(hours=settings.URGENT_CONFIRM_HOURS)}
            if agency_request.urgent
            else {}
        ),
    }


def latest_extension(received_at: datetime) -> datetime:
    """The end of the last day an answer term may be extended to: two months after receipt."""
    local = received_at.astimezone(KZ_TZ)
    month = local.month - 1 + settings.MAX_EXTENSION_MONTHS
    year, month = local.year + month // 12, month % 12 + 1
    day = min(local.day, monthrange(year, month)[1])
    return local.replace(
        year=year, month=month, day=day, hour=23, minute=59, second=59, microsecond=999999
    )
