"""WhatsApp Business Cloud API. In: the webhook's GET verification (`hub.mode=subscribe`,
`hub.verify_token`, `hub.challenge` echoed) and POSTs signed with `X-Hub-Signature-256:
sha256=<HMAC-SHA256 of the raw body with the app secret>`; text messages are
`entry[].changes[].value.messages[]` with `type: "text"`, `from` and `text.body`; status
callbacks (`value.statuses`) are ignored. Out: `POST {base}/{phone_number_id}/messages` with a
Bearer token and `{"messaging_product": "whatsapp", "to", "type": "text", "text": {"body"}}`;
the answer is `{"messages": [{"id": "wamid…"}]}` or `{"error": {"code": …, "message": …}}`."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from qorgau.conversations.channels import ChannelFailed, enabled_settings, http_json
from qorgau.conversations.models import Channel, Outgoing

DEFAULT_BASE = "https://graph.facebook.com/v21.0"
TEXT_LIMIT = 4096


@dataclass(frozen=True)
class WhatsAppText:
    sender: str
    text: str


def signature_ok(app_secret: str, raw: bytes, header: str) -> bool:
    """The header is `sha256=` and the hex HMAC of the raw body; compared in constant time."""
    if not app_secret:
        return False
    expected = "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header.encode())


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def whatsapp_texts(payload: Any) -> list[WhatsAppText]:
    """Every text message of a webhook payload; other message types, statuses and parts of an
    unexpected shape are skipped. A payload that is not an object with a list of entries raises
    ValueError."""
    if not isinstance(payload, dict) or not isinstance(payload.get("entry", []), list):
        raise ValueError("not a WhatsApp webhook payload")
    texts = []
    for entry in _list(payload.get("entry")):
        for change in _list(_dict(entry).get("changes")):
            for item in _list(_dict(_dict(change).get("value")).get("messages")):
                message = _dict(item)
                body = _dict(message.get("text")).get("body")
                sender = message.get("from")
                if message.get("type") == "text" and isinstance(body, str) and sender:
                    texts.append(WhatsAppText(str(sender)[:40], body))
    return texts


def whatsapp_send(outgoing: Outgoing) -> str:
    """One text message; returns WhatsApp's message id (wamid…)."""
    config = enabled_settings(Channel.WHATSAPP)
    if not config.token or not config.phone_number_id:
        raise ChannelFailed("whatsapp: no access token or phone number id is set", permanent=True)
    base = (config.base_url or DEFAULT_BASE).rstrip("/")
    status, answer = http_json(
        f"{base}/{config.phone_number_id}/messages",
        channel="whatsapp",
        headers={"Authorization": f"Bearer {config.token}"},
        body={
            "messaging_product": "whatsapp",
            "to": outgoing.address,
            "type": "text",
            "text": {"body": outgoing.text},
        },
    )
    if 200 <= status < 300 and isinstance(answer, dict) and answer.get("messages"):
        first = answer["messages"][0]
        return str(first.get("id", "")) if isinstance(first, dict) else ""
    error = answer.get("error") if isinstance(answer, dict) else None
    code = error.get("code", status) if isinstance(error, dict) else status
    raise ChannelFailed(f"whatsapp: error {code} (HTTP {status})", permanent=status in (400, 404))
