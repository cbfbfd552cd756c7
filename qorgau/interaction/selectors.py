"""Reads of requests: overdue and soon-due requests for supervisors, and everything exchanged
with agencies about one appeal (requests, replies, letters, outbound calls)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.access import require
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Perm
from qorgau.interaction.models import (
    CLOSED_REQUEST_STATUSES,
    AgencyReply,
    AgencyRequest,
    Letter,
    OutboundCall,
    RequestStatus,
)
from qorgau.workdays.selectors import working_calendar

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from qorgau.appeals.models import Appeal
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
    """Sections of the supervisor's board: overdue, due soon, failed deliveries."""
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
        ]
    }


@dataclass(frozen=True)
class Correspondence:
    """An appeal's requests with the agencies' replies, its letters and outbound calls, oldest
    letter and call first. Whether their texts may be shown is decided in access.py."""

    requests: list[AgencyRequest]
    letters: list[Letter]
    calls: list[OutboundCall]

    def with_text(self) -> dict[str, list[int]]:
        """Ids of the items that carry text or files (rule 5): what a view would reveal."""
        return {
            "replies": reply_ids_with_text(self.requests),
            "letters": [letter.pk for letter in self.letters if letter.body or letter.scan],
            "calls": [call.pk for call in self.calls if call.summary],
        }

    def fingerprint(self) -> str:
        """Changes whenever anything the panel shows changes; carries no personal data."""
        parts = [
            *(f"q{r.pk}:{r.status}:{r.answer_due_at}:{r.confirm_due_at}" for r in self.requests),
            *(f"r{pk}" for r in self.requests for pk in (x.pk for x in r.replies.all())),
            *(f"l{letter.pk}" for letter in self.letters),
            *(f"c{call.pk}" for call in self.calls),
        ]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def reply_ids_with_text(requests: list[AgencyRequest]) -> list[int]:
    """Ids of the replies (prefetched with their attachments) that carry text or files."""
    return [
        reply.pk
        for request in requests
        for reply in request.replies.all()
        if reply.text or reply.attachments.all()
    ]


def with_replies(requests: list[AgencyRequest]) -> list[AgencyRequest]:
    """The requests with their replies, their authors and attachments fetched in two queries."""
    replies = AgencyReply.objects.select_related("by").prefetch_related("attachments")
    prefetch_related_objects(requests, Prefetch("replies", replies))
    return requests


def appeal_correspondence(appeal: Appeal) -> Correspondence:
    """Everything the centre exchanged with agencies about one appeal, in six queries."""
    requests = appeal.requests.select_related("appeal", "agency__region")
    return Correspondence(
        requests=with_replies(list(requests)),
        letters=list(appeal.letters.select_related("agency", "by")),
        calls=list(appeal.outbound_calls.select_related("agency", "by")),
    )
