"""Throttling of the public status look-up (rule 6(l)) per client address, counted atomically in
the database (docs/decisions/0004 and 0013-status-guessing.md).

Only addresses are limited, never a number: a right code always works for its holder, however
many wrong codes others sent for that number. What keeps guessing infeasible is the code's
length (appeals.md has the arithmetic) with this limit, and the supervisors' board shows unusual
volume (`guessing_volume`).

One `StatusLookupCounter` row per client address — an IPv6 address counts per /64, the block one
subscriber gets — holds the look-ups and failures of its current window. Every look-up first
*reserves* a failure with one conditional UPDATE (`_take`): it matches only while the window has
room, and the database applies concurrent UPDATEs of one row one after the other (PostgreSQL's
row lock, re-checking the WHERE clause after the wait; SQLite's single writer), so 40 parallel
guesses from one address get exactly STATUS_LOOKUP_MAX_FAILURES through, across any number of
app processes. A right code gives its failure back (`lookup_succeeded`). A window starts at the
first look-up after the last one expired and lasts STATUS_LOOKUP_WINDOW_SECONDS.

Failed look-ups are also kept as rows (`StatusLookupAttempt`: address, number, time) for a day,
for the board, which shows counts only: no address, number or code.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, F, Max, Q, QuerySet, Value, When
from django.utils import timezone

from qorgau.appeals.models import StatusLookupAttempt, StatusLookupCounter

IPV6_SUBSCRIBER_PREFIX = 64
LOG_KEPT = timedelta(days=1)


def client_key(address: str) -> str:
    """What one client is counted as: its IPv4 address, or the /64 of its IPv6 address (an
    attacker with one subscriber line holds 2**64 addresses of it)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is None:
        return str(ipaddress.ip_network(f"{ip}/{IPV6_SUBSCRIBER_PREFIX}", strict=False))
    return str(getattr(ip, "ipv4_mapped", None) or ip)


def _window() -> timedelta:
    return timedelta(seconds=settings.STATUS_LOOKUP_WINDOW_SECONDS)


def _take(client: str, now: datetime) -> bool:
    """One atomic UPDATE: count a look-up and reserve a failure if the window has room (or has
    expired, which starts a new one). False when the row is missing or the window is full."""
    expired = now - _window()
    room = Q(started__lt=expired) | Q(
        attempts__lt=settings.STATUS_LOOKUP_MAX_ATTEMPTS,
        failures__lt=settings.STATUS_LOOKUP_MAX_FAILURES,
    )
    new_window = When(started__lt=expired, then=Value(1))
    updated = StatusLookupCounter.objects.filter(room, client=client).update(
        started=Case(When(started__lt=expired, then=Value(now)), default=F("started")),
        attempts=Case(new_window, default=F("attempts") + 1),
        failures=Case(new_window, default=F("failures") + 1),
    )
    return updated == 1


def _start(client: str, now: datetime) -> bool:
    """The first look-up from this address: its row, with one look-up and one failure reserved.
    False if another request created it meanwhile."""
    try:
        with transaction.atomic():
            StatusLookupCounter.objects.create(client=client, started=now, attempts=1, failures=1)
    except IntegrityError:
        return False
    return True


def lookup_reserve(client: str) -> bool:
    """Count a look-up from `client` (a client_key) and reserve a failure; False: throttled."""
    now = timezone.now()
    return _take(client, now) or _start(client, now) or _take(client, now)


def lookup_succeeded(client: str) -> None:
    """A right code: give back the failure reserved for it (the look-up still counts)."""
    StatusLookupCounter.objects.filter(client=client, failures__gt=0).update(
        failures=F("failures") - 1
    )


def lookup_failed(client: str, number: str) -> None:
    """A wrong code or unknown number (its failure is already counted): log it for the board,
    and forget what no window or board needs any more."""
    now = timezone.now()
    StatusLookupAttempt.objects.create(client=client, number=number, at=now)
    StatusLookupAttempt.objects.filter(at__lt=now - LOG_KEPT).delete()
    StatusLookupCounter.objects.filter(started__lt=now - 2 * _window()).delete()


@dataclass(frozen=True)
class GuessingVolume:
    """Failed public look-ups in the last hour, for the supervisors' board: how many, from how
    many addresses, the most from one address and on one number (neither named)."""

    failures: int
    addresses: int
    most_from_one_address: int
    most_on_one_number: int
    threshold: int

    @property
    def unusual(self) -> bool:
        return self.failures >= self.threshold


def _most(rows: QuerySet[StatusLookupAttempt], field: str) -> int:
    counted = rows.values(field).annotate(n=Count("id")).aggregate(most=Max("n"))
    return int(counted["most"] or 0)


def guessing_volume() -> GuessingVolume:
    """Failed look-ups in the last hour against STATUS_LOOKUP_ALERT_PER_HOUR."""
    recent = StatusLookupAttempt.objects.filter(at__gte=timezone.now() - timedelta(hours=1))
    return GuessingVolume(
        failures=recent.count(),
        addresses=recent.values("client").distinct().count(),
        most_from_one_address=_most(recent, "client"),
        most_on_one_number=_most(recent, "number"),
        threshold=settings.STATUS_LOOKUP_ALERT_PER_HOUR,
    )
