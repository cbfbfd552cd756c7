"""Sending one e-mail through the centre's SMTP relay (QORGAU_SMTP_HOST / QORGAU_SMTP_PORT).
Used by the deliveries to agencies (agency_requests/channels.py) and by the replies to written
appeals that came by e-mail (conversations/channels/email.py). Failures are raised (OSError,
smtplib.SMTPException); the caller decides whether to retry."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage, Message

from django.conf import settings


def smtp_send(message: EmailMessage | Message, *, timeout: float = 10) -> None:
    with smtplib.SMTP(
        settings.QORGAU_SMTP_HOST, settings.QORGAU_SMTP_PORT, timeout=timeout
    ) as smtp:
        smtp.send_message(message)
