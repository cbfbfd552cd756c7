"""Reads of calls: the consultant's current call (screen pop), a call's timeline, and the
supervisors' live board (issue 5, item 7), all computed from the stored calls and events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Min, Q
from django.db.models.functions import ExtractHour
from django.utils import timezone

from qorgau.calls.models import Call, CallEvent, CallState, EventKind, Line
from qorgau.core.roles import Role
from qorgau.staff.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# A call without a hang-up older than this is a lost event, not a caller still waiting.
STALE_AFTER = timedelta(hours=12)
BUSY = [CallState.TALKING, CallState.HOLD]


def current_call(user: User | AnonymousUser) -> Call | None:
    """The call the consultant is on now: answered at their extension and not ended."""
    extension = getattr(user, "extension", "")
    if not extension:
        return None
    return Call.objects.filter(extension=extension, state__in=BUSY).order_by("-answered_at").first()


@dataclass(frozen=True)
class Period:
    kind: str  # waiting / talking / hold / transfer
    start: datetime
    end: datetime | None
    detail: str = ""


PERIOD_OPENED_BY = {
    EventKind.NEW_CALL: "waiting",
    EventKind.ANSWER: "talking",
    EventKind.RESUME: "talking",
    EventKind.HOLD: "hold",
}


def call_timeline(call: Call) -> list[Period]:
    """The call as periods of waiting, talking and hold; a transfer ends the period under way
    and is an instant of its own (talking goes on after one to another extension, not after
    one to 1414, where the call leaves the centre)."""
    periods: list[Period] = []
    open_kind, open_at = "", None
    for event in CallEvent.objects.filter(call=call).order_by("at", "pk"):
        if open_at is not None and event.kind != EventKind.NEW_CALL:
            periods.append(Period(open_kind, open_at, event.at))
            open_at = None
        if event.kind == EventKind.TRANSFER:
            periods.append(Period("transfer", event.at, event.at, event.target))
            if event.target.isdigit() and event.target != "1414":
                open_kind, open_at = "talking", event.at
        elif event.kind in PERIOD_OPENED_BY:
            open_kind, open_at = PERIOD_OPENED_BY[EventKind(event.kind)], event.at
    if open_at is not None:
        periods.append(Period(open_kind, open_at, None))
    return periods


def live_board(now: datetime | None = None) -> dict[str, Any]:
    """Calls waiting and talking per language line, consultants available (with an extension
    and not on a call), the longest wait now, and today's calls per hour (Kazakhstan time)."""
    now = now or timezone.now()
    open_calls = Call.objects.filter(ended_at__isnull=True, started_at__gte=now - STALE_AFTER)
    lines = {
        row["line"]: row
        for row in open_calls.values("line").annotate(
            waiting=Count("pk", filter=Q(state=CallState.WAITING)),
            talking=Count("pk", filter=Q(state__in=BUSY)),
            oldest=Min("started_at", filter=Q(state=CallState.WAITING)),
        )
    }
    consultants = User.objects.filter(is_active=True, role=Role.CONSULTANT).exclude(extension="")
    busy = set(open_calls.filter(state__in=BUSY).values_list("extension", flat=True))
    start_of_day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    hours = dict(
        Call.objects.filter(started_at__gte=start_of_day, started_at__lte=now)
        .annotate(hour=ExtractHour("started_at"))
        .values_list("hour")
        .annotate(n=Count("pk"))
        .values_list("hour", "n")
    )
    oldest = [row["oldest"] for row in lines.values() if row["oldest"]]
    return {
        "lines": [
            {
                "line": line.value,
                "label": line.label,
                "waiting": lines.get(line.value, {}).get("waiting", 0),
                "talking": lines.get(line.value, {}).get("talking", 0),
            }
            for line in Line
        ],
        "consultants": consultants.count(),
        "available": consultants.exclude(extension__in=busy).count(),
        "longest_wait_seconds": int((now - min(oldest)).total_seconds()) if oldest else 0,
        "calls_per_hour": [
            {"hour": h, "calls": hours.get(h, 0)} for h in range(timezone.localtime(now).hour + 1)
        ],
    }
