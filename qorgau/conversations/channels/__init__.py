"""Sending to applicants on their channel, and the webhooks messages arrive by (rule 6(f)).

`SENDERS` maps a channel to a function that sends one claimed `Outgoing` (its `address` and
`text`) and returns the provider's id for it, or raises `ChannelFailed`. The outbox claims only
rows whose channel has a sender, so a channel without one keeps its rows pending, and they go
out once one is registered.

Error texts name the channel and the provider's status or error code, never a token, an
address or a message text (they are stored in `Outgoing.last_error` and may be logged)."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from qorgau.conversations.models import Channel, ChannelSettings, Outgoing

TIMEOUT_SECONDS = 10


class ChannelFailed(Exception):
    """The provider did not take the message; the outbox retries later (`permanent`: at once
    dead, e.g. the chat no longer exists or the channel is not configured)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


Sender = Callable[[Outgoing], str]
SENDERS: dict[str, Sender] = {}


def channel_settings(channel: str) -> ChannelSettings | None:
    """The channel's settings if the administrator enabled it, else None."""
    return ChannelSettings.objects.filter(channel=channel, enabled=True).first()


def enabled_settings(channel: str) -> ChannelSettings:
    """The enabled channel's settings, or ChannelFailed (retried: it may be enabled soon)."""
    found = channel_settings(channel)
    if found is None:
        raise ChannelFailed(f"{channel}: the channel is not enabled")
    return found


def http_json(
    url: str,
    *,
    channel: str,
    body: dict[str, Any],
    headers: dict[str, str] | None = None,
    form: bool = False,
) -> tuple[int, Any]:
    """POST `body` (JSON, or form-encoded) and return the status and the decoded JSON answer
    (None if not JSON). Network errors raise ChannelFailed naming only the channel: the URL may
    carry a token (Telegram's does)."""
    if form:
        payload = urllib.parse.urlencode(body).encode()
        content_type = "application/x-www-form-urlencoded"
    else:
        payload = json.dumps(body, ensure_ascii=False).encode()
        content_type = "application/json"
    request = urllib.request.Request(  # noqa: S310 - URLs come from the administrator's settings
        url, data=payload, method="POST", headers={"Content-Type": content_type, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (OSError, ValueError) as exc:
        raise ChannelFailed(f"{channel}: no answer ({type(exc).__name__})") from None
    try:
        return status, json.loads(raw.decode() or "null")
    except ValueError:
        return status, None


def _register() -> None:
    from qorgau.conversations.channels import email, sms, telegram, whatsapp

    SENDERS[Channel.EMAIL] = email.email_outgoing_send
    SENDERS[Channel.TELEGRAM] = telegram.telegram_send
    SENDERS[Channel.WHATSAPP] = whatsapp.whatsapp_send
    SENDERS[Channel.SMS] = sms.sms_send


_register()
