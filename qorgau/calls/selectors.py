"""Reads of calls: the consultant's current call (screen pop), a call's timeline, the
supervisors' live board, all computed from the stored calls and events, and
the call search auditors and supervisors use to name calls in a written demand (rule 6(p))."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, Min, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import ExtractHour
from django.utils import timezone

from qorgau.calls.models import (
    Call,
    CallEvent,
    CallState,
    EventKind,
    Line,
    Recording,
    ReferralBody,
    ReviewTask,
)
from qorgau.core.kztime import KZ_TZ
from qorgau.core.roles import Role
from qorgau.staff.models import User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

# A call without a hang-up older than this is a lost event, not a caller still waiting.
STALE_AFTER = timedelta(hours=12)
BUSY = [CallState.TALKING, CallState.HOLD]


# Of several busy calls at one extension (a lost hang-up, a transfer in), the one answered most
# recently counts; ties go to the later row, so the choice never flips between two reads.
NEWEST_ANSWERED = (F("answered_at").desc(nulls_last=True), "-pk")


def current_call(user: User | AnonymousUser) -> Call | None:
    """The call the consultant is on now: answered at their extension and not ended. The choice
    is stable: the call answered most recently stays on screen until it ends."""
    extension = getattr(user, "extension", "")
    if not extension:
        return None
    busy = Call.objects.filter(extension=extension, state__in=BUSY)
    return busy.order_by(*NEWEST_ANSWERED).first()


def _talking_per_line(open_calls: QuerySet[Call]) -> Counter[str]:
    """Busy calls per line, one per extension: a consultant is on one call at a time, so of
    several open at one extension (the others lost their hang-up) only the newest counts."""
    newest: dict[str, tuple[datetime, int, str]] = {}
    lines: Counter[str] = Counter()
    rows = open_calls.filter(state__in=BUSY).values_list("pk", "extension", "line", "answered_at")
    for pk, extension, line, answered_at in rows:
        if not extension:
            lines[line] += 1
            continue
        key = (answered_at or datetime.min.replace(tzinfo=KZ_TZ), pk, line)
        newest[extension] = max(newest.get(extension, key), key)
    lines.update(line for _, _, line in newest.values())
    return lines


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
    talking = _talking_per_line(open_calls)
    oldest = [row["oldest"] for row in lines.values() if row["oldest"]]
    # A phone system's clock a little ahead of ours must not show a negative wait.
    longest_wait = max(0, int((now - min(oldest)).total_seconds())) if oldest else 0
    return {
        "lines": [
            {
                "line": line.value,
                "label": line.label,
                "waiting": lines.get(line.value, {}).get("waiting", 0),
                "talking": talking[line.value],
            }
            for line in Line
        ],
        "consultants": consultants.count(),
        "available": consultants.exclude(extension__in=busy).count(),
        "longest_wait_seconds": longest_wait,
        "calls_per_hour": [
            {"hour": h, "calls": hours.get(h, 0)} for h in range(timezone.localtime(now).hour + 1)
        ],
    }


# The search shows at most this many calls, newest first; narrower filters find the rest.
SEARCH_LIMIT = 200


@dataclass(frozen=True)
class CallSearch:
    """What the call search filters by; empty fields do not filter. `phone_index` is the
    blind index of the caller's normalised phone (the phone itself never reaches a query)."""

    date_from: date | None = None
    date_to: date | None = None
    line: str = ""
    phone_index: str = ""
    appeal: str = ""


@dataclass(frozen=True)
class FoundCall:
    """One search result, without the caller's phone (auditors have no personal-data right)."""

    id: int
    started_at: datetime | None
    line: str
    line_label: str
    duration_seconds: int | None
    has_recording: bool
    appeal: str | None

    @property
    def duration(self) -> str:
        """The length as minutes:seconds, for people; empty while the call has not ended."""
        if self.duration_seconds is None:
            return ""
        minutes, seconds = divmod(self.duration_seconds, 60)
        return f"{minutes}:{seconds:02d}"


def _kz_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=KZ_TZ)


def _found(call: Call) -> FoundCall:
    ended, started = call.ended_at, call.started_at
    return FoundCall(
        id=call.pk,
        started_at=started,
        line=call.line,
        line_label=str(call.get_line_display()) if call.line else "",
        duration_seconds=int((ended - started).total_seconds()) if ended and started else None,
        has_recording=call.recording_kept,  # type: ignore[attr-defined]
        appeal=call.appeal.number if call.appeal else None,
    )


def calls_matching(search: CallSearch) -> list[FoundCall]:
    """Calls matching every given filter, newest first, at most SEARCH_LIMIT + 1 (so the page
    can say that there are more). Dates are Kazakhstan calendar days, both ends included."""
    kept = Recording.objects.filter(call=OuterRef("pk"), deleted_at__isnull=True)
    calls = Call.objects.select_related("appeal").annotate(recording_kept=Exists(kept))
    if search.date_from:
        calls = calls.filter(started_at__gte=_kz_midnight(search.date_from))
    if search.date_to:
        calls = calls.filter(started_at__lt=_kz_midnight(search.date_to + timedelta(days=1)))
    if search.line:
        calls = calls.filter(line=search.line)
    if search.phone_index:
        calls = calls.filter(caller_index=search.phone_index)
    if search.appeal:
        calls = calls.filter(appeal__number=search.appeal)
    return [_found(c) for c in calls.order_by("-started_at", "-pk")[: SEARCH_LIMIT + 1]]


def active_referral_bodies() -> QuerySet[ReferralBody]:
    """The active bodies of the referral directory (rule 6(o)), kept by administrators; it holds
    no personal data, so every role that records an outcome sees all of it."""
    return ReferralBody.objects.filter(active=True)


def quality_officers() -> QuerySet[User]:
    """The active quality officers a supervisor may assign a review to."""
    return User.objects.filter(is_active=True, role=Role.QUALITY).order_by("username")


def appeal_calls_with_reviews(appeal_pk: int) -> QuerySet[Call]:
    """The calls linked to an appeal, newest first, each with its open review tasks."""
    open_tasks = Prefetch(
        "review_tasks",
        queryset=ReviewTask.objects.filter(closed_at__isnull=True).select_related("assignee"),
        to_attr="open_reviews",
    )
    return Call.objects.filter(appeal_id=appeal_pk).prefetch_related(open_tasks).order_by("-pk")
