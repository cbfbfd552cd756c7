"""Reads of requests for supervisors: overdue and soon-due requests (issue 3, item 6)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.appeals.lookup_throttle import guessing_volume
from qorgau.core.access import require
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Perm
from qorgau.interaction.models import CLOSED_REQUEST_STATUSES, AgencyRequest, RequestStatus
from qorgau.workdays.selectors import working_calendar

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.staff.models import User

CONFIRMED = (RequestStatus.CONFIRMED, RequestStatus.NOT_CONFIRMED)


def open_requests() -> QuerySet[AgencyRequest]:
    return AgencyRequest.objects.exclude(status__in=CLOSED_REQUEST_STATUSES).select_related(
        "appeal", "agency"
    )


def soon_limit(now: datetime) -> datetime:
    """The end of the SOON_DUE_WORKING_DAYS-th working day from now."""
    today = now.astimezone(KZ_TZ).date()
    calendar = working_calendar(today, today + timedelta(days=30))
    return calendar.add_working_days_deadline(now, settings.SOON_DUE_WORKING_DAYS)


def overdue(now: datetime) -> QuerySet[AgencyRequest]:
    late_answer = Q(answer_due_at__lt=now)
    late_confirmation = Q(urgent=True, confirm_due_at__lt=now) & ~Q(status__in=CONFIRMED)
    return open_requests().filter(late_answer | late_confirmation)


def soon_due(now: datetime) -> QuerySet[AgencyRequest]:
    return open_requests().filter(answer_due_at__gte=now, answer_due_at__lte=soon_limit(now))


@dataclass(frozen=True)
class BoardRow:
    request: AgencyRequest
    due: datetime | None


def _with_due(rows: QuerySet[AgencyRequest]) -> list[BoardRow]:
    """Each request with the deadline that matters now: confirmation first for urgent ones."""
    return [
        BoardRow(
            r,
            (r.confirm_due_at if r.urgent and r.status not in CONFIRMED else None)
            or r.answer_due_at,
        )
        for r in rows.order_by("answer_due_at")[:500]
    ]


def deadline_board(user: User | AnonymousUser) -> dict[str, Any]:
    """Sections of the supervisor's board: overdue, due soon, failed deliveries; and the volume
    of failed public status look-ups (someone guessing codes, rule 6(l))."""
    require(user, Perm.DEADLINE_BOARD)
    now = timezone.now()
    failed = AgencyRequest.objects.filter(status=RequestStatus.FAILED).select_related(
        "appeal", "agency"
    )
    return {
        "sections": [
            (_("Overdue"), _with_due(overdue(now))),
            (_("Due within two working days"), _with_due(soon_due(now))),
            (_("Delivery failed"), _with_due(failed)),
        ],
        "guessing": guessing_volume(),
    }
