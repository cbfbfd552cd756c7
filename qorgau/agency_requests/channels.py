"""Sending one delivery on its channel: a readable e-mail over SMTP (request_mail.py), or an
HTTPS webhook whose JSON body follows a versioned schema (docs/schemas/qorgau.request-1.json)
and is signed with HMAC-SHA256. Every delivery carries the request's idempotency key, so a
receiver that sees the same key twice (after a retry or a worker crash) knows it is not a new
request."""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from typing import Any

from qorgau.agency_requests.models import AgencyRequest, DeadlineNotice, Delivery
from qorgau.agency_requests.request_mail import request_email
from qorgau.core.mail import smtp_send

TIMEOUT_SECONDS = 10
# The version of the body's shape (docs/schemas/qorgau.request-1.json); a change that could
# break a receiver gets a new version.
BODY_SCHEMA = "qorgau.request/1"


class DeliveryFailed(Exception):
    """The channel did not accept the delivery; the outbox retries later."""


def request_body(
    agency_request: AgencyRequest, notice: DeadlineNotice | None = None
) -> dict[str, Any]:
    """What every channel carries: the stored content and the request's identity; a reminder
    carries its own key (it is a new message about the same request)."""
    key = str(agency_request.idempotency_key)
    return {
        "schema": BODY_SCHEMA,
        "request_id": agency_request.pk,
        "idempotency_key": f"{key}:{notice.kind}-{notice.pk}" if notice else key,
        "reminder": (
            {"kind": notice.kind, "deadline": notice.deadline, "due_at": notice.due_at.isoformat()}
            if notice
            else None
        ),
        "urgent": agency_request.urgent,
        "agency": agency_request.agency.key or agency_request.agency.pk,
        "appeal": json.loads(agency_request.content),
    }


def _send_email(delivery: Delivery, body: dict[str, Any]) -> None:
    message = request_email(body, delivery.contact.address)
    try:
        smtp_send(message, timeout=TIMEOUT_SECONDS)
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryFailed(f"SMTP: {exc}") from exc


def _send_webhook(delivery: Delivery, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    signature = hmac.new(delivery.contact.secret.encode(), payload, hashlib.sha256).hexdigest()
    http = urllib.request.Request(  # noqa: S310 - URLs come from the agency directory
        delivery.contact.address,
        data=payload,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Idempotency-Key": body["idempotency_key"],
            "X-Qorgau-Signature": f"sha256={signature}",
        },
    )
    try:
        with urllib.request.urlopen(http, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"webhook answered {exc.code}") from exc
    except (OSError, ValueError) as exc:
        raise DeliveryFailed(f"webhook: {exc}") from exc
    if not 200 <= status < 300:
        raise DeliveryFailed(f"webhook answered {status}")


def send(delivery: Delivery) -> None:
    """Deliver once on the delivery's channel, or raise DeliveryFailed."""
    body = request_body(delivery.request, delivery.notice)
    if delivery.channel == "email":
        _send_email(delivery, body)
    elif delivery.channel == "webhook":
        _send_webhook(delivery, body)
    else:
        raise DeliveryFailed(f"channel {delivery.channel} is not delivered automatically")
