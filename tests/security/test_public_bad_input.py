"""Bad input on every public endpoint of written conversations (rules 6(a), 6(f)): the forms
/write/, /s/<token>/ and /c/<code>/, the thread /conversation/ and its downloads
/conversation/file/, and the providers' webhooks /hooks/telegram/, /hooks/whatsapp/ and
/hooks/sms/. Whatever arrives, the answer is never a 500; a page's refusal is a 4xx in the
visitor's language (422 for a form's fields); and nothing is half-stored: no conversation,
message, attachment row or file appears. (/status/ is covered by test_form_input.py; the
webhooks' secrets and unparsable JSON by conversations/tests/test_messengers.py.)"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from qorgau.conversations.actions import TEXT_MAX, ConversationData, conversation_open
from qorgau.conversations.models import (
    Channel,
    ChannelSettings,
    Conversation,
    Message,
    MessageAttachment,
)
from qorgau.conversations.proof import FIELD_CHALLENGE, FIELD_NONCE
from qorgau.outreach.models import School, SourceCode
from qorgau.reference.models import Region

pytestmark = pytest.mark.django_db
ADDRESSES = (f"10.77.{n // 250}.{n % 250 + 1}" for n in itertools.count())
TG, WA, SMS = "tg-secret-bad-input", "wa-secret-bad-input", "sms-secret-bad-input"

# (id, fields, files, a Kazakh word, a Russian word of the refusal)
NUL = ("NUL таңбалары", "символы NUL")
EXPIRED = ("Форманың мерзімі өтті", "Форма устарела")
UNREADABLE = ("Фотосуретті оқу мүмкін болмады", "Не удалось прочитать фотографию")
TOO_BIG = b"%PDF-1.4\n" + b"0" * 4096
FORM_CASES: list[tuple[str, dict[str, str], list[tuple[str, bytes]], tuple[str, str]]] = [
    ("empty-text", {"text": " \n "}, [], ("Не болғанын жазыңыз", "Напишите, что случилось")),
    ("text-too-long", {"text": "ә" * (TEXT_MAX + 1)}, [], ("таңба", "символов")),
    ("nul-in-text", {"text": "мені\x00мазақ етеді"}, [], NUL),
    ("nul-in-name", {"text": "Сәлем", "name": "Ай\x00жан"}, [], NUL),
    ("nul-in-contact", {"text": "Сәлем", "contact": "+7\x00701"}, [], NUL),
    ("nul-in-region", {"text": "Сәлем", "region": "almaty\x00"}, [], ("Тізімнен", "списка")),
    ("forged-heard-from", {"text": "Сәлем", "heard_from": "tv'--"}, [], ("Тізімнен", "списка")),
    ("wrong-region", {"text": "Сәлем", "region": "atlantis"}, [], ("Тізімнен", "списка")),
    ("forged-proof", {"text": "Сәлем", FIELD_CHALLENGE: "forged", FIELD_NONCE: "7"}, [], EXPIRED),
    ("exe-as-photo", {"text": "Сәлем"}, [("a.jpg", b"MZ\x90\x00" * 64)], ("PDF", "PDF")),
    ("broken-png", {"text": "Сәлем"}, [("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)], UNREADABLE),
    ("too-large", {"text": "Сәлем"}, [("a.pdf", TOO_BIG)], ("МБ", "МБ")),
]

THREAD_CASES = [c for c in FORM_CASES if c[0] in ("empty-text", "text-too-long", "nul-in-text")]
THREAD_CASES += [c for c in FORM_CASES if c[2]]  # the files


@pytest.fixture(autouse=True)
def files_dir(settings, tmp_path: Path) -> Path:
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "files")},
        },
    }
    settings.CONVERSATION_FILE_MAX_BYTES = 2048
    return tmp_path / "files"


@pytest.fixture
def urls() -> dict[str, str]:
    region = Region.objects.get(code="almaty")
    school = School.objects.create(region=region, district="Әуезов ауданы", name="№ 12 мектеп")
    source = SourceCode.objects.create(code="bus-2026", name="Автобус", region=region)
    return {"/write/": "/write/", "/s/": f"/s/{school.token}/", "/c/": f"/c/{source.code}/"}


@pytest.fixture
def thread() -> dict[str, str]:
    conversation, code = conversation_open(data=ConversationData(text="Сәлем"), language="kk")
    return {"number": conversation.number, "code": code}


def _counts(files_dir: Path) -> tuple[int, ...]:
    stored = sum(1 for p in files_dir.rglob("*") if p.is_file()) if files_dir.exists() else 0
    rows = (Conversation, Message, MessageAttachment)
    return (*(m.objects.count() for m in rows), stored)


def _post(url: str, language: str, data: dict[str, Any], files: list[tuple[str, bytes]]) -> Any:
    client = Client(HTTP_ACCEPT_LANGUAGE=language, REMOTE_ADDR=next(ADDRESSES))
    if files:
        data = {**data, "files": [SimpleUploadedFile(n, b) for n, b in files]}
    return client.post(url, data)


def _refused(response: Any, status: int, words: str) -> None:
    assert response.status_code == status, response.status_code
    page = response.content.decode()
    assert "Traceback" not in page and words in page, words


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize("form", ["/write/", "/s/", "/c/"])
@pytest.mark.parametrize(("fields", "files", "words"), [c[1:] for c in FORM_CASES],
                         ids=[c[0] for c in FORM_CASES])  # fmt: skip
def test_a_bad_form_is_a_422_in_the_visitors_language_and_stores_nothing(
    urls, files_dir, form, language, fields, files, words
) -> None:
    before = _counts(files_dir)
    response = _post(urls[form], language, fields, files)
    _refused(response, 422, words[0 if language == "kk" else 1])
    assert _counts(files_dir) == before


@pytest.mark.parametrize("language", ["kk", "ru"])
@pytest.mark.parametrize(("fields", "files", "words"), [c[1:] for c in THREAD_CASES],
                         ids=[c[0] for c in THREAD_CASES])  # fmt: skip
def test_a_bad_message_in_the_thread_is_a_422_and_stores_nothing(
    thread, files_dir, language, fields, files, words
) -> None:
    before = _counts(files_dir)
    response = _post("/conversation/", language, {**thread, **fields}, files)
    _refused(response, 422, words[0 if language == "kk" else 1])
    assert _counts(files_dir) == before


GARBAGE = ["", "\x00", "ә" * 5000, "W-2026-\x00", "<script>", "٣٣", "-1", "9" * 30]


@pytest.mark.parametrize(("language", "words"), [("kk", "табылмады"), ("ru", "не найдена")])
@pytest.mark.parametrize("url", ["/conversation/", "/conversation/file/"])
def test_garbage_numbers_codes_and_files_are_not_found_in_the_visitors_language(
    thread, files_dir, url, language, words
) -> None:
    before = _counts(files_dir)
    for value in GARBAGE:
        for data in ({"number": value, "code": value}, {"number": thread["number"], "code": value}):
            _refused(_post(url, language, {**data, "attachment": value}, []), 404, words)
    for value in GARBAGE:  # the right number and code, a file that is not there
        response = _post("/conversation/file/", language, {**thread, "attachment": value}, [])
        assert response.status_code == 404, value
    assert _counts(files_dir) == before


@pytest.fixture
def hooks() -> None:
    base = {"enabled": True, "base_url": "http://127.0.0.1:9/", "token": "t"}
    ChannelSettings.objects.create(channel=Channel.TELEGRAM, webhook_secret=TG, **base)
    ChannelSettings.objects.create(
        channel=Channel.WHATSAPP, webhook_secret=WA, verify_token="v", phone_number_id="1", **base
    )
    ChannelSettings.objects.create(channel=Channel.SMS, webhook_secret=SMS, **base)


def _telegram(message: Any) -> dict[str, Any]:
    return {"update_id": 1, "message": message}


def _whatsapp(message: Any) -> dict[str, Any]:
    value = {"messages": [message]}
    return {"entry": [{"changes": [{"value": value, "field": "messages"}]}]}


CHAT = {"id": 517004211, "type": "private"}
HOOK_CASES: list[tuple[str, str, Any]] = [
    ("telegram", "text-a-number", _telegram({"chat": CHAT, "text": 5})),
    ("telegram", "text-a-list", _telegram({"chat": CHAT, "text": ["Сәлем"]})),
    ("telegram", "chat-a-string", _telegram({"chat": "x", "text": "Сәлем"})),
    ("telegram", "chat-id-a-dict", _telegram({"chat": {"id": {}}, "text": "Сәлем"})),
    ("telegram", "chat-id-huge", _telegram({"chat": {"id": 10**400}, "text": "Сәлем"})),
    ("telegram", "message-a-list", _telegram([1, 2])),
    ("telegram", "empty-text", _telegram({"chat": CHAT, "text": " "})),
    ("whatsapp", "body-a-number", _whatsapp({"from": "7701", "type": "text", "text": {"body": 5}})),
    ("whatsapp", "from-a-dict", _whatsapp({"from": {}, "type": "text", "text": {"body": "Сәлем"}})),
    ("whatsapp", "text-a-string", _whatsapp({"from": "7701", "type": "text", "text": "Сәлем"})),
    ("whatsapp", "messages-a-dict", {"entry": [{"changes": [{"value": {"messages": {"a": 1}}}]}]}),
    ("whatsapp", "empty-body", _whatsapp({"from": "7701", "type": "text", "text": {"body": ""}})),
    (
        "whatsapp",
        "nul-in-body",
        _whatsapp({"from": "7701", "type": "text", "text": {"body": "\x00"}}),
    ),
    ("sms", "sender-a-number", {"sender": 7701, "text": "Сәлем"}),
    ("sms", "text-a-dict", {"sender": "+7701", "text": {"a": 1}}),
    ("sms", "no-sender", {"text": "Сәлем"}),
    ("sms", "empty-text", {"sender": "+7701", "text": ""}),
    ("sms", "a-list", [{"sender": "+7701", "text": "Сәлем"}]),
]


def _hook(channel: str, body: Any) -> Any:
    raw = json.dumps(body).encode()
    signature = "sha256=" + hmac.new(WA.encode(), raw, hashlib.sha256).hexdigest()
    headers = {
        "telegram": {"X-Telegram-Bot-Api-Secret-Token": TG},
        "whatsapp": {"X-Hub-Signature-256": signature},
        "sms": {"X-Qorgau-Secret": SMS},
    }[channel]
    url = f"/hooks/{channel}/"
    return Client().post(url, raw, content_type="application/json", headers=headers)


@pytest.mark.parametrize(("channel", "body"), [(c[0], c[2]) for c in HOOK_CASES],
                         ids=[f"{c[0]}-{c[1]}" for c in HOOK_CASES])  # fmt: skip
def test_a_malformed_webhook_body_with_the_right_secret_is_never_a_500(
    hooks, files_dir, channel, body
) -> None:
    """A 400 for what cannot be read, a 200 for what is acknowledged and dropped (so the
    provider does not retry); either way nothing is stored."""
    before = _counts(files_dir)
    response = _hook(channel, body)
    assert response.status_code in (200, 400), response.status_code
    assert _counts(files_dir) == before


def test_sms_as_a_form_with_bad_fields_is_a_400_and_stores_nothing(hooks, files_dir) -> None:
    for data in ({}, {"sender": "", "text": "Сәлем"}, {"sender": "+7701"}):
        response = Client().post("/hooks/sms/", data, headers={"X-Qorgau-Secret": SMS})
        assert response.status_code == 400
    assert _counts(files_dir) == (0, 0, 0, 0)


SENDER = {"id": 517004211, "language_code": "k\x00"}
NUL_HOOKS: list[tuple[str, Any]] = [
    ("telegram", _telegram({"chat": CHAT, "from": SENDER, "text": "Сә\x00лем"})),
    ("whatsapp", _whatsapp({"from": "77\x0001", "type": "text", "text": {"body": "Сә\x00лем"}})),
    ("sms", {"sender": "+77\x0001", "text": "Сә\x00лем"}),
]


@pytest.mark.parametrize(("channel", "body"), NUL_HOOKS, ids=[h[0] for h in NUL_HOOKS])
def test_a_messenger_text_with_nul_characters_is_stored_whole_without_them(
    hooks, channel, body
) -> None:
    """A child's message is not lost for a stray NUL: it is stored without it (PostgreSQL
    cannot store NUL), conversation and message together."""
    assert _hook(channel, body).status_code == 200
    message = Message.objects.get()
    assert message.text == "Сәлем" and "\x00" not in message.conversation.contact
