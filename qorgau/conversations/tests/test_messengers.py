"""Messengers and SMS as channels into conversations (rule 6(f)), and replies and notices going
back through the outbox (rules 5, 6(l)), against local fake providers (fakes.py)."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from concurrent.futures import Future
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from qorgau.audit.models import AuditRecord
from qorgau.conversations.actions import ConversationData, conversation_open, message_reply
from qorgau.conversations.models import (
    Channel,
    ChannelSettings,
    Conversation,
    Message,
    Outgoing,
    OutgoingKind,
    OutgoingStatus,
)
from qorgau.conversations.outbox import contact_route
from qorgau.conversations.tests.fakes import (
    BOT_TOKEN,
    SMS_KEY,
    WA_PHONE_ID,
    WA_TOKEN,
    FakeProviders,
    fake_providers,
    run_outbox,
)

pytestmark = pytest.mark.django_db

TG_SECRET = "tg-webhook-secret-never-logged"
WA_APP_SECRET = "wa-app-secret-never-logged"
WA_VERIFY = "wa-verify-token-never-logged"
SMS_SECRET = "sms-shared-secret-never-logged"
SECRETS = (BOT_TOKEN, WA_TOKEN, SMS_KEY, TG_SECRET, WA_APP_SECRET, WA_VERIFY, SMS_SECRET)


@pytest.fixture
def fake():
    with fake_providers() as providers:
        yield providers


@pytest.fixture
def channels(fake: FakeProviders) -> dict[str, ChannelSettings]:
    return {
        "telegram": ChannelSettings.objects.create(
            channel=Channel.TELEGRAM,
            enabled=True,
            base_url=f"{fake.base}/telegram",
            token=BOT_TOKEN,
            webhook_secret=TG_SECRET,
        ),
        "whatsapp": ChannelSettings.objects.create(
            channel=Channel.WHATSAPP,
            enabled=True,
            base_url=f"{fake.base}/whatsapp",
            phone_number_id=WA_PHONE_ID,
            token=WA_TOKEN,
            webhook_secret=WA_APP_SECRET,
            verify_token=WA_VERIFY,
        ),
        "sms": ChannelSettings.objects.create(
            channel=Channel.SMS,
            enabled=True,
            base_url=f"{fake.base}/sms/send",
            sms_fields={"phone": "{to}", "message": "{text}", "sender": "111"},
            token=SMS_KEY,
            webhook_secret=SMS_SECRET,
        ),
    }


def telegram_update(text: str, chat_id: int = 517004211, language: str = "kk") -> dict[str, Any]:
    return {
        "update_id": 10000,
        "message": {
            "message_id": 1,
            "date": 1764750000,
            "from": {"id": chat_id, "is_bot": False, "first_name": "A", "language_code": language},
            "chat": {"id": chat_id, "type": "private"},
            "text": text,
        },
    }


def post_telegram(body: Any, secret: str | None = TG_SECRET) -> Any:
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    raw = body if isinstance(body, str) else json.dumps(body)
    return Client().post("/hooks/telegram/", raw, content_type="application/json", headers=headers)


def whatsapp_payload(text: str, sender: str = "77015551234") -> dict[str, Any]:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "111", "phone_number_id": WA_PHONE_ID},
        "contacts": [{"profile": {"name": "A"}, "wa_id": sender}],
        "messages": [
            {
                "from": sender,
                "id": "wamid.IN1",
                "timestamp": "1764750000",
                "type": "text",
                "text": {"body": text},
            }
        ],
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "1", "changes": [{"value": value, "field": "messages"}]}],
    }


def post_whatsapp(body: Any, secret: str = WA_APP_SECRET) -> Any:
    raw = (body if isinstance(body, str) else json.dumps(body)).encode()
    signature = "sha256=" + hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    return Client().post(
        "/hooks/whatsapp/",
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )


def test_a_telegram_message_becomes_a_conversation_and_the_reply_goes_back(
    channels, fake, personas
):
    response = post_telegram(telegram_update("Сәлем, үйде ұрысады", language="ru"))
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.TELEGRAM and conversation.language == "ru"
    assert [m.text for m in conversation.messages.all()] == ["Сәлем, үйде ұрысады"]

    assert run_outbox() == 1  # the number and code, in Russian
    (code_message,) = fake.sent("/telegram/")
    assert code_message["chat_id"] == "517004211"
    assert conversation.number in code_message["text"] and "код" in code_message["text"]

    message_reply(actor=personas["consultant"], conversation=conversation, text="Мы рядом.")
    assert run_outbox() == 1
    assert fake.sent("/telegram/")[-1] == {"chat_id": "517004211", "text": "Мы рядом."}
    row = Outgoing.objects.get(kind=OutgoingKind.REPLY)
    assert row.status == OutgoingStatus.SENT and row.external_id and row.text == ""

    post_telegram(telegram_update("Рахмет"))
    assert conversation.messages.count() == 3  # joined the same conversation
    assert Outgoing.objects.filter(kind=OutgoingKind.CODE).count() == 1


def test_a_whatsapp_message_becomes_a_conversation_and_the_reply_goes_back(
    channels, fake, personas
):
    assert post_whatsapp(whatsapp_payload("Көмек керек, анам ұрады")).status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.WHATSAPP and conversation.language == "kk"
    run_outbox()
    message_reply(actor=personas["consultant"], conversation=conversation, text="Біз осындамыз.")
    run_outbox()
    sent = fake.sent("/whatsapp/")
    assert len(sent) == 2 and conversation.number in sent[0]["text"]["body"]
    assert sent[1] == {
        "messaging_product": "whatsapp",
        "to": "77015551234",
        "type": "text",
        "text": {"body": "Біз осындамыз."},
    }
    assert Outgoing.objects.get(kind=OutgoingKind.REPLY).external_id.startswith("wamid.")


def test_whatsapp_status_callbacks_are_ignored_and_verification_echoes_the_challenge(channels):
    statuses = {"entry": [{"changes": [{"value": {"statuses": [{"id": "wamid.X"}]}}]}]}
    assert post_whatsapp(statuses).status_code == 200
    assert not Conversation.objects.exists()
    query = {"hub.mode": "subscribe", "hub.verify_token": WA_VERIFY, "hub.challenge": "1158201444"}
    answer = Client().get("/hooks/whatsapp/", query)
    assert answer.status_code == 200 and answer.content == b"1158201444"
    query["hub.verify_token"] = "wrong"
    assert Client().get("/hooks/whatsapp/", query).status_code == 403


def test_an_sms_becomes_a_conversation_and_the_reply_goes_back_by_sms(channels, fake, personas):
    client = Client()
    response = client.post(
        "/hooks/sms/",
        {"sender": "+77015551234", "text": "Помогите, меня обижают"},
        headers={"X-Qorgau-Secret": SMS_SECRET},
    )
    assert response.status_code == 200
    conversation = Conversation.objects.get()
    assert conversation.channel == Channel.SMS and conversation.language == "ru"
    run_outbox()
    message_reply(actor=personas["consultant"], conversation=conversation, text="Мы рядом.")
    run_outbox()
    _first, reply = fake.sent("/sms")
    assert reply == {"phone": "+77015551234", "message": "Мы рядом.", "sender": "111"}
    assert all(a.headers["Authorization"] == f"Bearer {SMS_KEY}" for a in fake.arrivals)


def test_a_failing_provider_is_retried_until_it_takes_the_reply(channels, fake, personas):
    post_telegram(telegram_update("Сәлем"))
    run_outbox()
    conversation = Conversation.objects.get()
    fake.fail_next = 2
    message_reply(actor=personas["consultant"], conversation=conversation, text="Жауап")
    assert run_outbox() == 0
    row = Outgoing.objects.get(kind=OutgoingKind.REPLY)
    assert row.status == OutgoingStatus.PENDING and row.attempts == 1
    assert row.last_error == "telegram: error 429"
    Outgoing.objects.filter(pk=row.pk).update(due_at=row.due_at.replace(year=2000))
    assert run_outbox() == 0
    Outgoing.objects.filter(pk=row.pk).update(due_at=row.due_at.replace(year=2000))
    assert run_outbox() == 1
    row.refresh_from_db()
    assert row.status == OutgoingStatus.SENT and row.attempts == 3
    assert fake.sent("/telegram/")[-1]["text"] == "Жауап"


def test_after_the_last_attempt_the_reply_is_dead_and_audited(channels, fake, personas, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    settings.OUTBOX_BACKOFF_SECONDS = [0]
    post_whatsapp(whatsapp_payload("Сәлем"))
    run_outbox()
    conversation = Conversation.objects.get()
    fake.fail_next = 5
    message_reply(actor=personas["consultant"], conversation=conversation, text="Жауап")
    run_outbox()
    run_outbox()
    row = Outgoing.objects.get(kind=OutgoingKind.REPLY)
    assert row.status == OutgoingStatus.DEAD and row.text == "" and row.address == ""
    assert row.last_error == "whatsapp: error 2 (HTTP 500)"
    record = AuditRecord.objects.get(action="conversation.send_fail")
    assert record.object_ref == conversation.number
    assert run_outbox() == 0


def test_a_long_reply_goes_to_telegram_in_parts(channels, fake, personas):
    post_telegram(telegram_update("Сәлем"))
    run_outbox()
    conversation = Conversation.objects.get()
    text = ("Сөйлем бір. " * 400).strip()
    message_reply(actor=personas["consultant"], conversation=conversation, text=text)
    run_outbox()
    Outgoing.objects.update(due_at=timezone.now())
    run_outbox()
    parts = [m["text"] for m in fake.sent("/telegram/")[1:]]
    assert len(parts) == 2 and all(len(p) <= 4096 for p in parts)
    assert " ".join(parts) == text


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_a_wrong_or_missing_telegram_secret_is_refused_and_nothing_stored(channels, secret):
    assert post_telegram(telegram_update("Сәлем"), secret=secret).status_code == 403
    assert not Message.objects.exists() and not Outgoing.objects.exists()


def test_a_bad_whatsapp_signature_is_refused_and_nothing_stored(channels):
    assert post_whatsapp(whatsapp_payload("Сәлем"), secret="forged").status_code == 403
    unsigned = Client().post(
        "/hooks/whatsapp/", json.dumps(whatsapp_payload("x")), content_type="application/json"
    )
    assert unsigned.status_code == 403
    response = Client().post(
        "/hooks/sms/", {"sender": "+77015551234", "text": "x"}, headers={"X-Qorgau-Secret": "no"}
    )
    assert response.status_code == 403
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        "[1, 2]",
        '"text"',
        '{"message": {"chat": "x"}}',
        '{"entry": [{"changes": 5}, 7, {"changes": [{"value": {"messages": [{"text": "x"}]}}]}]}',
        '{"entry": 5}',
        "\udcff",
    ],
)
def test_bad_json_gets_a_4xx_never_a_500(channels, body):
    raw = body.encode("utf-8", "surrogateescape")
    telegram = Client().post(
        "/hooks/telegram/",
        raw,
        content_type="application/json",
        headers={"X-Telegram-Bot-Api-Secret-Token": TG_SECRET},
    )
    signature = "sha256=" + hmac.new(WA_APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()
    whatsapp = Client().post(
        "/hooks/whatsapp/",
        raw,
        content_type="application/json",
        headers={"X-Hub-Signature-256": signature},
    )
    sms = Client().post(
        "/hooks/sms/", raw, content_type="application/json", headers={"X-Qorgau-Secret": SMS_SECRET}
    )
    for response in (telegram, whatsapp, sms):
        assert response.status_code < 500
    assert telegram.status_code in (200, 400) and sms.status_code == 400
    assert not Message.objects.exists()


def test_a_disabled_channel_answers_404(channels):
    ChannelSettings.objects.filter(channel=Channel.TELEGRAM).update(enabled=False)
    assert post_telegram(telegram_update("Сәлем")).status_code == 404
    ChannelSettings.objects.all().delete()
    assert post_whatsapp(whatsapp_payload("Сәлем")).status_code == 404
    assert Client().get("/hooks/whatsapp/").status_code == 404
    assert not Message.objects.exists()


def test_start_gets_a_greeting_in_kazakh_and_russian_and_stores_nothing(channels):
    response = post_telegram(telegram_update("/start"))
    answer = response.json()
    assert answer["method"] == "sendMessage" and answer["chat_id"] == 517004211
    assert "111" in answer["text"] and "Сәлеметсіз" in answer["text"]
    assert "Здравствуйте" in answer["text"]
    assert not Conversation.objects.exists()


def test_a_sender_over_the_limit_is_acknowledged_but_not_stored(channels, settings):
    settings.SENDER_MAX_MESSAGES = 3
    answers = [post_telegram(telegram_update(f"хабар {i}")).status_code for i in range(5)]
    assert answers == [200] * 5
    assert Message.objects.count() == 3
    post_telegram(telegram_update("басқа", chat_id=42))
    assert Message.objects.count() == 4  # another sender is not limited


def test_a_too_long_message_is_cut_with_a_note(channels):
    post_telegram(telegram_update("ә" * 6000, language="ru"))
    text = Message.objects.get().text
    assert len(text) <= 5000 and text.startswith("ә" * 4000)
    assert "обрезано" in text


def test_a_web_conversation_with_a_phone_gets_an_sms_notice_without_the_reply(
    channels, fake, personas
):
    conversation, _code = conversation_open(
        data=ConversationData(text="Мені ұрады", contact="8 (701) 555-12-34"), language="kk"
    )
    message_reply(actor=personas["consultant"], conversation=conversation, text="ҚҰПИЯ ЖАУАП")
    message_reply(actor=personas["consultant"], conversation=conversation, text="Тағы бір")
    assert Outgoing.objects.count() == 1  # one notice waits at a time
    run_outbox()
    (notice,) = fake.sent("/sms")
    assert notice["phone"] == "+77015551234"
    assert "ҚҰПИЯ" not in notice["message"] and "Тағы" not in notice["message"]
    assert "111" in notice["message"] and "/conversation/" in notice["message"]
    assert Outgoing.objects.get().kind == OutgoingKind.NOTICE


def test_an_email_contact_gets_a_notice_by_mail_and_other_contacts_get_nothing(
    channels, fake, personas, mail
):
    by_mail, _ = conversation_open(
        data=ConversationData(text="Көмек", contact="ana@example.kz"), language="ru"
    )
    by_nothing, _ = conversation_open(
        data=ConversationData(text="Көмек", contact="Абай көшесі 5"), language="kk"
    )
    for conversation in (by_mail, by_nothing):
        message_reply(actor=personas["consultant"], conversation=conversation, text="Жауап")
    row = Outgoing.objects.get()
    assert row.channel == Channel.EMAIL and "Жауап" not in row.text
    assert run_outbox() == 1
    (notice,) = mail.messages
    assert notice["To"] == "ana@example.kz" and notice["Subject"] == "Центр 111 ответил вам"
    body = notice.get_content()
    assert "/conversation/" in body and "Жауап" not in body  # the reply itself never leaves
    row.refresh_from_db()
    assert row.status == OutgoingStatus.SENT and row.text == "" and row.address == ""


@pytest.mark.parametrize(
    ("contact", "route"),
    [
        ("+7 701 555 12 34", ("sms", "+77015551234")),
        ("87015551234", ("sms", "+77015551234")),
        ("7015551234", ("sms", "+77015551234")),
        ("ana@example.kz", ("email", "ana@example.kz")),
        ("12345", None),
        ("телефон жоқ", None),
    ],
)
def test_how_the_web_forms_contact_is_read(contact, route):
    assert contact_route(contact) == route


def test_secrets_never_reach_logs_or_errors(channels, fake, personas, caplog):
    caplog.set_level(logging.DEBUG)
    post_telegram(telegram_update("Сәлем"), secret="wrong")
    post_whatsapp(whatsapp_payload("Сәлем"), secret="forged")
    post_telegram(telegram_update("Сәлем"))
    post_whatsapp(whatsapp_payload("Сәлем"))
    ChannelSettings.objects.filter(channel=Channel.TELEGRAM).update(base_url="http://127.0.0.1:9")
    fake.fail_next = 10
    run_outbox()
    errors = " ".join(Outgoing.objects.values_list("last_error", flat=True))
    assert "telegram: no answer" in errors and "whatsapp: error" in errors
    for secret in SECRETS:
        assert secret not in caplog.text and secret not in errors
    assert all(secret not in repr(c) for c in channels.values() for secret in SECRETS)


class InlinePool:
    """Runs what the worker submits at once, in this thread (the test's transaction)."""

    def submit(self, fn: Any, *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args))
        return future


def test_the_deliver_worker_sends_conversation_replies_too(channels, fake, personas):
    from qorgau.agency_requests.worker import Worker

    post_telegram(telegram_update("Сәлем"))
    assert Worker(threads=2, name="test").fill(InlinePool()) == 1  # type: ignore[arg-type]
    assert len(fake.sent("/telegram/")) == 1
    assert Outgoing.objects.get().claimed_by == "test"


def test_the_web_form_says_a_notice_never_carries_the_reply(client):
    page = client.get("/write/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "без самого ответа" in page
