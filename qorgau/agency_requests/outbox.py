"""The delivery outbox (docs/style.md: background work as rows, claimed by workers; FixMyStreet's
SendDaemon, healthchecks' sendalerts).

A worker claims due deliveries — urgent first — by moving them to `sending` with a lease, in a
short transaction (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so several workers on
several hosts never take the same row; SQLite's single writer does the same there). It sends
outside any transaction, then records the attempt. A worker killed mid-send leaves a row whose
lease expires; the next worker sends it again with the same idempotency key, so the agency's
receiver can tell a repeat from a new request. Failures back off (at once, then 5 min, then
every 30 min by default); after OUTBOX_MAX_ATTEMPTS the delivery is dead, the request failed,
and the supervisor board shows it."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone

from qorgau.agency_requests.channels import DeliveryFailed, send
from qorgau.agency_requests.deadlines import deadlines_on_receipt
from qorgau.agency_requests.models import (
    AgencyRequest,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    RequestStatus,
)
from qorgau.appeals.auditing import audit_appeal
from qorgau.audit.events import AuditEvent
from qorgau.core.outbox import backoff, lease_claim


def claim(worker: str, limit: int) -> list[Delivery]:
    """Take up to `limit` due deliveries for this worker, urgent first (core.outbox)."""
    ids = lease_claim(
        Delivery.objects.all(), worker=worker, limit=limit, order_by=("-urgent", "due_at", "pk")
    )
    return list(
        Delivery.objects.filter(pk__in=ids)
        .select_related("contact", "request__agency")
        .order_by("-urgent", "due_at", "pk")
    )


def _backoff(attempts: int, *, urgent: bool) -> timedelta:
    steps = settings.OUTBOX_URGENT_BACKOFF_SECONDS if urgent else settings.OUTBOX_BACKOFF_SECONDS
    return backoff(attempts, steps)


def _delivered(delivery: Delivery, now: datetime) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DELIVERED, delivered_at=now, lease_until=None, last_error=""
    )
    if delivery.notice_id:
        return  # a reminder changes nothing on the request
    status = Case(
        When(status=RequestStatus.QUEUED, then=Value(RequestStatus.DELIVERED)), default=F("status")
    )
    request = AgencyRequest.objects.filter(pk=delivery.request_id)
    if delivery.request.delivered_at is None:  # the first channel starts the deadlines (rule 11)
        deadlines = deadlines_on_receipt(delivery.request, now)
        if request.filter(delivered_at__isnull=True).update(
            status=status, delivered_at=now, **deadlines
        ):
            return
    request.update(status=status)


def _failed(delivery: Delivery, error: str, now: datetime) -> None:
    if delivery.attempts < settings.OUTBOX_MAX_ATTEMPTS:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.PENDING,
            due_at=now + _backoff(delivery.attempts, urgent=delivery.urgent),
            lease_until=None,
            last_error=error[:500],
        )
        return
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.DEAD, lease_until=None, last_error=error[:500]
    )
    request_deliveries = delivery.request.deliveries.filter(notice__isnull=True)
    if (
        not delivery.notice_id
        and not request_deliveries.exclude(status=DeliveryStatus.DEAD).exists()
    ):
        AgencyRequest.objects.filter(pk=delivery.request_id).update(status=RequestStatus.FAILED)
    audit_appeal(
        actor=None,
        event=AuditEvent.REQUEST_FAIL_DELIVERY,
        ref=delivery.request.appeal.number,
        reason=error[:300],
        details={"delivery": delivery.pk, "attempts": delivery.attempts},
    )


def record(delivery: Delivery, worker: str, started: datetime, error: str | None) -> None:
    """Store one attempt and its consequence, unless another worker took the row meanwhile."""
    now = timezone.now()
    with transaction.atomic():
        still_ours = (
            Delivery.objects.select_for_update()
            .filter(pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_by=worker)
            .exists()
        )
        DeliveryAttempt.objects.create(
            delivery=delivery,
            worker=worker,
            started_at=started,
            finished_at=now,
            ok=error is None,
            error=(error or "")[:500],
        )
        if not still_ours:
            return
        if error is None:
            _delivered(delivery, now)
        else:
            _failed(delivery, error, now)


def deliver_one(delivery: Delivery, worker: str) -> bool:
    """Send one claimed delivery and record the attempt; True if it was delivered."""
    started = timezone.now()
    try:
        send(delivery)
    except DeliveryFailed as exc:
        record(delivery, worker, started, str(exc))
        return False
    record(delivery, worker, started, None)
    return True
