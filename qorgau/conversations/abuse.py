"""Abuse of the written channels without outside services (rule 5): a per-sender limit counted
in the database, and the supervisors' block list. A risky message (rule 6(j)) is never dropped:
neither limit nor block applies to it.

Counting works like the status look-up's throttle (appeals/lookup_throttle.py): one
`SenderWindow` row per key, taken with one conditional UPDATE that matches only while the
window has room or has expired, so any number of processes agree on the count (PostgreSQL's row
lock re-checks the WHERE clause; SQLite has one writer)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from qorgau.conversations.models import BlockedSender, SenderWindow
from qorgau.core.crypto import blind_index
from qorgau.triage.risk import risk_assess


def address_index(client: str) -> str:
    """The blind index a web (or school) form's sender is known by: its client address (an
    IPv6 /64, appeals.lookup_throttle.client_key) under a key, never the address itself."""
    from qorgau.appeals.lookup_throttle import client_key

    return blind_index("sender-address", client_key(client))


def window_take(key: str, *, limit: int, seconds: int) -> bool:
    """Count one message under `key`; False when its window already holds `limit` of them."""
    now = timezone.now()
    expired = now - timedelta(seconds=seconds)
    room = Q(started__lt=expired) | Q(count__lt=limit)
    new_window = When(started__lt=expired, then=Value(1))
    updated = SenderWindow.objects.filter(room, key=key).update(
        started=Case(When(started__lt=expired, then=Value(now)), default=F("started")),
        count=Case(new_window, default=F("count") + 1),
    )
    if updated:
        return True
    if SenderWindow.objects.filter(key=key).exists():
        return False
    try:
        with transaction.atomic():
            SenderWindow.objects.create(key=key, started=now, count=1)
    except IntegrityError:  # another process created it meanwhile: count on it
        return window_take(key, limit=limit, seconds=seconds)
    return limit >= 1


def sender_allowed(channel: str, sender_index: str) -> bool:
    """Count one message from a messenger or e-mail sender; False past SENDER_MAX_MESSAGES in
    SENDER_WINDOW_SECONDS (the caller then drops it unless it is risky)."""
    return window_take(
        f"{channel}:{sender_index}",
        limit=settings.SENDER_MAX_MESSAGES,
        seconds=settings.SENDER_WINDOW_SECONDS,
    )


def unproven_allowed(client: str) -> bool:
    """Count one public form sent without a solved proof of work (no script) from the address;
    False past WRITE_UNPROVEN_MAX in WRITE_UNPROVEN_WINDOW_SECONDS."""
    return window_take(
        f"unproven:{address_index(client)}",
        limit=settings.WRITE_UNPROVEN_MAX,
        seconds=settings.WRITE_UNPROVEN_WINDOW_SECONDS,
    )


def sender_blocked(channel: str, sender_index: str) -> bool:
    """A supervisor blocked this sender on this channel (and has not unblocked them)."""
    if not sender_index:
        return False
    return BlockedSender.objects.filter(
        channel=channel, sender_index=sender_index, active=True
    ).exists()


def sender_admitted(channel: str, sender_index: str, text: str) -> bool:
    """Whether a message from this sender is stored: not when blocked or past the limit, unless
    the text is risky (rule 6(j)). A blocked sender's messages do not count against the limit."""
    if sender_blocked(channel, sender_index):
        return bool(risk_assess(text))
    return sender_allowed(channel, sender_index) or bool(risk_assess(text))
