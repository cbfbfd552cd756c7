"""Where messengers and the SMS gateway hand us what applicants write (rule 6(f)): plain views
under /hooks/, each checking its provider's secret in constant time before reading anything
(wrong or missing → 403, nothing stored). A disabled channel answers 404. Malformed bodies get
400, never 500. Whatever is acknowledged with 200 the provider will not send again.

Limits (`_receive`):
- per sender, and the supervisors' block list: `inbound.message_receive` asks
  `abuse.sender_admitted`, which never drops a risky message (rule 6(j)); a dropped one is
  acknowledged with 200, so the messenger does not retry, and stored nowhere;
- size: a text longer than the conversation's limit (TEXT_MAX) is cut, with a note in the
  sender's language saying so, rather than refused, so nothing the child wrote first is lost."""

from __future__ import annotations

import hmac
import json
import logging

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from qorgau.conversations.actions import TEXT_MAX
from qorgau.conversations.channels import channel_settings
from qorgau.conversations.channels.telegram import telegram_text
from qorgau.conversations.channels.whatsapp import signature_ok, whatsapp_texts
from qorgau.conversations.inbound import message_receive
from qorgau.conversations.models import Channel, ChannelSettings
from qorgau.conversations.outbox import outgoing_code
from qorgau.core.errors import ApplicationError

log = logging.getLogger(__name__)
KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")


def _secret_ok(expected: str, given: str) -> bool:
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def _enabled(channel: Channel) -> ChannelSettings:
    config = channel_settings(channel)
    if config is None:
        raise Http404
    return config


def language_of(text: str) -> str:
    """A guess for channels that do not say: Kazakh letters → kk; other Cyrillic → ru; else kk."""
    if KAZAKH_LETTERS.intersection(text):
        return "kk"
    if any("а" <= ch.lower() <= "я" or ch.lower() == "ё" for ch in text):
        return "ru"
    return "kk"


def _fit(text: str, language: str) -> str:
    text = text.strip()
    if len(text) <= TEXT_MAX:
        return text
    with translation.override(language):
        note = _("[The message was longer than %(n)d characters and was cut here.]") % {
            "n": TEXT_MAX
        }
    return text[: TEXT_MAX - len(note) - 2].rstrip() + "\n\n" + note


def _receive(channel: Channel, sender_id: str, text: str, language: str) -> bool:
    """Store one message (see the module's docstring); False if it was dropped. NUL characters
    (which PostgreSQL cannot store) are taken out rather than losing the message."""
    text, sender_id = text.replace("\x00", ""), sender_id.replace("\x00", "")
    try:
        received = message_receive(
            channel=channel, sender_id=sender_id, text=_fit(text, language), language=language
        )
    except ApplicationError:
        return False  # an empty text: nothing to store, nothing to retry
    if received is None:
        log.warning("%s: a message from a blocked or over-limit sender was dropped", channel)
        return False
    if received.code:
        outgoing_code(received.conversation, received.code)
    return True


def _bad_request(code: str) -> JsonResponse:
    return JsonResponse({"code": code}, status=400)


def greeting() -> str:
    """The answer to /start, in both languages (rule 6(a))."""
    parts = []
    for language in ("kk", "ru"):
        with translation.override(language):
            parts.append(
                _(
                    "Hello! This is 111, the contact centre for families, women and children. "
                    "Write what happened; a consultant will answer here."
                )
            )
    return "\n\n".join(parts)


@csrf_exempt
@require_POST
def telegram_hook(request: HttpRequest) -> HttpResponse:
    config = _enabled(Channel.TELEGRAM)
    given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if not _secret_ok(config.webhook_secret, given):
        return HttpResponse(status=403)
    try:
        item = telegram_text(json.loads(request.body))
    except ValueError:  # also json's JSONDecodeError and UnicodeDecodeError
        return _bad_request("bad_update")
    if item is None:
        return HttpResponse(status=200)
    if item.text.strip().split(" ")[0] == "/start":
        # Telegram lets a webhook answer with one Bot API call: the greeting needs no outbox.
        return JsonResponse(
            {"method": "sendMessage", "chat_id": int(item.chat_id), "text": greeting()}
        )
    _receive(Channel.TELEGRAM, item.chat_id, item.text, item.language)
    return HttpResponse(status=200)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp_hook(request: HttpRequest) -> HttpResponse:
    config = _enabled(Channel.WHATSAPP)
    if request.method == "GET":  # the subscription's verification
        mode = request.GET.get("hub.mode", "")
        token = request.GET.get("hub.verify_token", "")
        if mode != "subscribe" or not _secret_ok(config.verify_token, token):
            return HttpResponse(status=403)
        return HttpResponse(request.GET.get("hub.challenge", "")[:200], content_type="text/plain")
    header = request.headers.get("X-Hub-Signature-256", "")
    if not signature_ok(config.webhook_secret, request.body, header):
        return HttpResponse(status=403)
    try:
        texts = whatsapp_texts(json.loads(request.body))
    except (ValueError, AttributeError):
        return _bad_request("bad_payload")
    for item in texts:
        _receive(Channel.WHATSAPP, item.sender, item.text, language_of(item.text))
    return HttpResponse(status=200)


@csrf_exempt
@require_POST
def sms_hook(request: HttpRequest) -> HttpResponse:
    config = _enabled(Channel.SMS)
    if not _secret_ok(config.webhook_secret, request.headers.get("X-Qorgau-Secret", "")):
        return HttpResponse(status=403)
    if request.content_type == "application/json":
        try:
            fields = json.loads(request.body)
        except ValueError:
            return _bad_request("bad_json")
    else:
        fields = request.POST
    if not isinstance(fields, dict) and not hasattr(fields, "get"):
        return _bad_request("bad_payload")
    sender, text = fields.get("sender"), fields.get("text")
    if not isinstance(sender, str) or not sender.strip() or not isinstance(text, str):
        return _bad_request("sender_and_text_required")
    _receive(Channel.SMS, sender.strip()[:40], text, language_of(text))
    return HttpResponse(status=200)
