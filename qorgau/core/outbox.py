"""What every outbox shares (docs/style.md: background work as rows, claimed by workers): a
worker claims due rows by moving them to `sending` with a lease, in one short transaction
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so workers on several hosts never take the
same row; SQLite's single writer does the same there), sends outside any transaction, and backs
off on failure. A row whose lease expired belongs to a worker that died and is claimed again.

An outbox model has the fields status, due_at, lease_until, claimed_by and attempts. Used by the
agencies' deliveries (agency_requests/outbox.py) and the conversations' replies and notices
(conversations/outbox.py); one `qorgau deliver` worker sends both."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

OUTBOX_CHANNEL = "qorgau_outbox"  # PostgreSQL NOTIFY channel the `deliver` workers listen on

M = TypeVar("M", bound=models.Model)


def lease_claim(
    queryset: models.QuerySet[M],
    *,
    worker: str,
    limit: int,
    order_by: Sequence[str] = ("due_at", "pk"),
    pending: str = "pending",
    sending: str = "sending",
) -> list[Any]:
    """The ids of up to `limit` due rows of `queryset`, now `sending`, leased to `worker`, their
    attempts counted. The caller reloads them with what it needs (select_related)."""
    if limit <= 0:
        return []
    now = timezone.now()
    claimable = Q(status=pending, due_at__lte=now) | Q(status=sending, lease_until__lt=now)
    with transaction.atomic():
        ids = list(
            queryset.select_for_update(skip_locked=True)
            .filter(claimable)
            .order_by(*order_by)
            .values_list("pk", flat=True)[:limit]
        )
        queryset.model._default_manager.filter(pk__in=ids).update(
            status=sending,
            claimed_by=worker,
            attempts=F("attempts") + 1,
            lease_until=now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS),
        )
    return ids


def backoff(attempts: int, steps: Sequence[float]) -> timedelta:
    """How long to wait after the `attempts`-th failure: the steps in turn, then the last."""
    return timedelta(seconds=steps[min(max(attempts, 1), len(steps)) - 1])


def outbox_wake() -> None:
    """Tell waiting workers there is new work (PostgreSQL NOTIFY, sent at commit); they also
    poll."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {OUTBOX_CHANNEL}")
