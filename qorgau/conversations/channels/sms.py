"""A generic HTTP SMS gateway (docs/architecture/conversations.md, "SMS gateway").

In: the gateway POSTs to /hooks/sms/ with the header `X-Qorgau-Secret: <webhook secret>` and
the fields `sender` (the phone number) and `text`, form-encoded or as a JSON object.
Out: `POST <base URL>` with the JSON object of `sms_fields`, every string in it with `{to}`
and `{text}` filled in, and `Authorization: Bearer <token>` when a token is set. Any 2xx is
success; the message id is the answer's `id` or `message_id`, when it has one."""

from __future__ import annotations

from typing import Any

from qorgau.conversations.channels import ChannelFailed, enabled_settings, http_json
from qorgau.conversations.models import Channel, Outgoing

TEXT_LIMIT = 1000  # several SMS parts; the gateway splits them
DEFAULT_FIELDS = {"to": "{to}", "text": "{text}"}


def _fill(template: Any, to: str, text: str) -> Any:
    if isinstance(template, str):
        return template.replace("{to}", to).replace("{text}", text)
    if isinstance(template, dict):
        return {k: _fill(v, to, text) for k, v in template.items()}
    if isinstance(template, list):
        return [_fill(v, to, text) for v in template]
    return template


def sms_send(outgoing: Outgoing) -> str:
    config = enabled_settings(Channel.SMS)
    if not config.base_url:
        raise ChannelFailed("sms: no gateway URL is set", permanent=True)
    headers = {"Authorization": f"Bearer {config.token}"} if config.token else {}
    fields = (
        config.sms_fields if isinstance(config.sms_fields, dict) and config.sms_fields else None
    )
    status, answer = http_json(
        config.base_url,
        channel="sms",
        headers=headers,
        body=_fill(fields or DEFAULT_FIELDS, outgoing.address, outgoing.text),
    )
    if not 200 <= status < 300:
        raise ChannelFailed(f"sms: gateway answered HTTP {status}")
    if isinstance(answer, dict):
        return str(answer.get("id") or answer.get("message_id") or "")
    return ""
