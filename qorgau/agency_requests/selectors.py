"""Reads of requests: the deadlines of a request (rule 11) and which requests are overdue or
soon due on each of them (the reminders and the supervisor's board), urgent appeals still
waiting for their first request (rule 6(j)), and everything exchanged with agencies about one
appeal (requests, replies, letters, outbound calls)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, prefetch_related_objects
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qorgau.agencies.models import Agency
from qorgau.agency_requests.models import (
    CLOSED_REQUEST_STATUSES,
    AgencyReply,
    AgencyRequest,
    CallResult,
    DeadlineKind,
    Letter,
    OutboundCall,
    RequestStatus,
)
from qorgau.appeals.lookup_throttle import guessing_volume
from qorgau.appeals.models import Appeal, Status, Urgency
from qorgau.calls.access import demands_overdue
from qorgau.core.access import require
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Perm
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


def soon_limit(now: datetime, days: int) -> datetime:
    """The end of the `days`-th working day from now."""
    today = now.astimezone(KZ_TZ).date()
    calendar = working_calendar(today, today + timedelta(days=30))
    return calendar.add_working_days_deadline(now, days)


@dataclass(frozen=True)
class Deadline:
    """One deadline of a request (rule 11): the field holding it, while when it still runs,
    and the setting naming how many working days ahead its reminder goes (none: no reminder
    before it is missed)."""

    kind: DeadlineKind
    field: str
    runs: Q
    soon_setting: str | None

    def due(self, agency_request: AgencyRequest) -> datetime:
        return getattr(agency_request, self.field)  # type: ignore[no-any-return]

    def overdue(self, now: datetime) -> QuerySet[AgencyRequest]:
        return open_requests().filter(self.runs, **{f"{self.field}__lt": now})

    def soon_due(self, now: datetime) -> QuerySet[AgencyRequest]:
        if self.soon_setting is None:
            return AgencyRequest.objects.none()
        limit = soon_limit(now, getattr(settings, self.soon_setting))
        return open_requests().filter(
            self.runs, **{f"{self.field}__gte": now, f"{self.field}__lte": limit}
        )


DEADLINES = (
    # Urgent requests: confirmed or not within hours (rule 13); no advance reminder.
    Deadline(
        DeadlineKind.CONFIRMATION,
        "confirm_due_at",
        Q(urgent=True) & ~Q(status__in=CONFIRMED),
        None,
    ),
    # Not competent: pass on within PASS_ON_WORKING_DAYS; any reply of the agency (receipt
    # acknowledged, confirmation, clarification, answer, passing on) means it took the request
    # up, so the deadline runs only while the request sits delivered and untouched.
    Deadline(
        DeadlineKind.PASS_ON,
        "pass_on_due_at",
        Q(status=RequestStatus.DELIVERED),
        "PASS_ON_SOON_WORKING_DAYS",
    ),
    Deadline(DeadlineKind.ANSWER, "answer_due_at", Q(), "SOON_DUE_WORKING_DAYS"),
)


@dataclass(frozen=True)
class BoardRow:
    request: AgencyRequest
    deadline: str
    due: datetime | None


StrOrPromise = str | Promise


@dataclass(frozen=True)
class BoardSection:
    """One section of the board with its rows and how many of them each deadline kind has."""

    title: StrOrPromise
    rows: list[BoardRow]

    @property
    def counts(self) -> list[tuple[str, int]]:
        return sorted(Counter(row.deadline for row in self.rows if row.deadline).items())


def _rows(pick: str, now: datetime) -> list[BoardRow]:
    """Overdue (`pick` "overdue") or soon-due ("soon_due") requests, one row per deadline,
    the earliest first."""
    rows = [
        BoardRow(r, str(d.kind.label), d.due(r))
        for d in DEADLINES
        for r in getattr(d, pick)(now).order_by(d.field)[:500]
    ]
    return sorted(rows, key=lambda row: row.due or now)


def deadline_board(user: User | AnonymousUser) -> dict[str, Any]:
    """Sections of the supervisor's board: overdue, due soon, failed deliveries; above them,
    written demands for recordings past their deadline and still undecided (rule 6(p)), and the
    volume of failed public status look-ups (someone guessing codes, rule 6(l))."""
    require(user, Perm.DEADLINE_BOARD)
    now = timezone.now()
    failed = AgencyRequest.objects.filter(status=RequestStatus.FAILED).select_related(
        "appeal", "agency"
    )
    return {
        "overdue": list(demands_overdue(user)),
        "sections": [
            BoardSection(_("Overdue"), _rows("overdue", now)),
            BoardSection(_("Due within two working days"), _rows("soon_due", now)),
            BoardSection(
                _("Delivery failed"),
                [BoardRow(r, "", r.answer_due_at) for r in failed.order_by("-created_at")[:500]],
            ),
        ],
        "guessing": guessing_volume(),
    }


URGENT_ALERT_LIMIT = 50


@dataclass(frozen=True)
class UrgentWaiting:
    """An urgent appeal with no request sent yet: what the alert shows (no personal data)."""

    appeal: Appeal
    minutes: int


def urgent_waiting(user: User | AnonymousUser) -> list[UrgentWaiting]:
    """Urgent appeals, not closed, registered more than URGENT_SEND_MINUTES ago, with no request
    to any agency: the supervisors' alert, until a request is sent (or an agency was reached by
    phone and the call recorded, rule 12), the appeal is closed or a supervisor lowers the
    urgency. One query over the partial index `appeal_urgent_open`."""
    require(user, Perm.URGENT_ALERT)
    now = timezone.now()
    cutoff = now - timedelta(minutes=settings.URGENT_SEND_MINUTES)
    sent = AgencyRequest.objects.filter(appeal=OuterRef("pk"))
    reached = OutboundCall.objects.filter(appeal=OuterRef("pk"), result=CallResult.REACHED)
    waiting = (
        Appeal.objects.filter(urgency=Urgency.URGENT, created_at__lte=cutoff)
        .exclude(status=Status.CLOSED)
        .exclude(Exists(sent))
        .exclude(Exists(reached))
        .select_related("region", "direction")
        .order_by("created_at")[:URGENT_ALERT_LIMIT]
    )
    return [UrgentWaiting(a, int((now - a.created_at).total_seconds() // 60)) for a in waiting]


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


def active_agencies(
    *, region: str | None = None, direction: int | None = None, kind: str | None = None
) -> QuerySet[Agency]:
    """The directory's active agencies, optionally of one region, direction or kind. The
    directory holds no personal data: every role that may see appeals sees all of it."""
    found = Agency.objects.filter(active=True).select_related("region")
    if region:
        found = found.filter(region__code=region)
    if direction:
        found = found.filter(directions__code=str(direction))
    if kind:
        found = found.filter(kind=kind)
    return found


def requests_about(appeal: Appeal) -> QuerySet[AgencyRequest]:
    """The requests sent about an appeal the caller has already fetched through access_appeal."""
    return appeal.requests.select_related("appeal", "agency__region")
