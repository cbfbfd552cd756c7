"""Telegram Bot API (https://core.telegram.org/bots/api). In: a webhook set with a
`secret_token`, which Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`. Out:
`POST {base}/bot<token>/sendMessage` with `chat_id` and `text`; the answer is
`{"ok": true, "result": {"message_id": …}}` or
`{"ok": false, "error_code": …, "description": …}`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from qorgau.conversations.channels import ChannelFailed, enabled_settings, http_json
from qorgau.conversations.models import Channel, Outgoing

DEFAULT_BASE = "https://api.telegram.org"
TEXT_LIMIT = 4096  # sendMessage's limit, in characters


@dataclass(frozen=True)
class TelegramText:
    chat_id: str
    text: str
    language: str


def telegram_text(update: Any) -> TelegramText | None:
    """The text message of a private chat in an update, or None for anything else (groups,
    edits, stickers, joins): those are acknowledged and dropped."""
    if not isinstance(update, dict):
        raise ValueError("an update is a JSON object")
    message = update.get("message")
    if not isinstance(message, dict):
        return None
    chat, sender, text = message.get("chat"), message.get("from") or {}, message.get("text")
    if not isinstance(chat, dict) or chat.get("type") != "private" or not isinstance(text, str):
        return None
    if not isinstance(chat.get("id"), int) or not isinstance(sender, dict):
        return None
    code = str(sender.get("language_code") or "")[:2].lower()
    return TelegramText(str(chat["id"]), text, code if code in ("kk", "ru") else "kk")


def telegram_send(outgoing: Outgoing) -> str:
    """sendMessage; returns Telegram's message_id."""
    config = enabled_settings(Channel.TELEGRAM)
    if not config.token:
        raise ChannelFailed("telegram: no bot token is set", permanent=True)
    base = (config.base_url or DEFAULT_BASE).rstrip("/")
    status, answer = http_json(
        f"{base}/bot{config.token}/sendMessage",
        channel="telegram",
        body={"chat_id": outgoing.address, "text": outgoing.text},
    )
    if isinstance(answer, dict) and answer.get("ok") is True:
        result = answer.get("result") or {}
        return str(result.get("message_id", "")) if isinstance(result, dict) else ""
    code = answer.get("error_code", status) if isinstance(answer, dict) else status
    # 400 "chat not found" and 403 "bot was blocked by the user" will not heal by retrying.
    raise ChannelFailed(f"telegram: error {code}", permanent=code in (400, 403))
