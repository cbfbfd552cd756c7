"""The administrator sets up messenger channels; secrets are write-only: shown as set or not set,
never their value, kept when the field is left empty, and never logged (rule 5)."""

from __future__ import annotations

import logging

import pytest

from qorgau.audit.models import AuditRecord
from qorgau.conversations.models import ChannelSettings
from qorgau.testing import signed_in

pytestmark = pytest.mark.django_db

TOKEN = "123456:AAsecret-bot-token"
HOOK = "webhook-secret-value-xyz"


def form(**fields: str) -> dict[str, str]:
    return {
        "channel": "telegram",
        "enabled": "on",
        "base_url": "https://api.telegram.org",
        "phone_number_id": "",
        "sms_fields": "{}",
        "token": "",
        "webhook_secret": "",
        "verify_token": "",
        **fields,
    }


def test_secrets_are_write_only_and_kept_when_left_empty(personas, caplog):
    caplog.set_level(logging.DEBUG)
    client = signed_in(personas["admin"])
    added = client.post(
        "/admin/conversations/channelsettings/add/", form(token=TOKEN, webhook_secret=HOOK)
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    row = ChannelSettings.objects.get()
    assert row.token == TOKEN and row.webhook_secret == HOOK and row.enabled

    page = client.get(f"/admin/conversations/channelsettings/{row.pk}/change/").content.decode()
    assert TOKEN not in page and HOOK not in page
    assert page.count("— орнатылған.") == 2 and page.count("— орнатылмаған.") == 1

    changed = client.post(
        f"/admin/conversations/channelsettings/{row.pk}/change/",
        form(base_url="https://tg.example.kz"),
    )
    assert changed.status_code == 302
    row.refresh_from_db()
    assert row.token == TOKEN and row.webhook_secret == HOOK  # empty fields kept them
    assert row.base_url == "https://tg.example.kz"

    client.post(
        f"/admin/conversations/channelsettings/{row.pk}/change/",
        {
            **form(token="new-token-value", base_url="https://tg.example.kz"),
            "clear_secrets": ["webhook_secret"],
        },
    )
    row.refresh_from_db()
    assert row.token == "new-token-value" and row.webhook_secret == ""

    audits = AuditRecord.objects.filter(object_type="conversations.channelsettings")
    assert audits.count() == 3
    last = audits.order_by("-pk").first()
    assert last is not None and {"token", "webhook_secret"} <= set(last.details["fields"])
    for secret in (TOKEN, HOOK, "new-token-value"):
        assert secret not in caplog.text
        assert not any(secret in str(a.details) for a in audits)


def test_secrets_are_stored_encrypted():
    from django.db import connection

    row = ChannelSettings.objects.create(channel="whatsapp", token=TOKEN, webhook_secret=HOOK)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT token, webhook_secret FROM conversations_channelsettings WHERE id = %s",
            [row.pk],
        )
        stored = cursor.fetchone()
    assert TOKEN not in stored[0] and HOOK not in stored[1]


@pytest.mark.parametrize("persona", ["consultant", "supervisor"])
def test_only_the_administrator_sees_channel_settings(personas, persona):
    response = signed_in(personas[persona]).get("/admin/conversations/channelsettings/")
    assert response.status_code == 302


def test_the_outbox_page_shows_failures_but_never_a_text_or_address(personas):
    from qorgau.conversations.actions import ConversationData, conversation_open, message_reply
    from qorgau.conversations.models import Outgoing

    conversation, _code = conversation_open(
        data=ConversationData(text="Көмек", contact="+77015551234"), language="kk"
    )
    message_reply(actor=personas["consultant"], conversation=conversation, text="ҚҰПИЯ")
    Outgoing.objects.update(last_error="sms: gateway answered HTTP 503")
    client = signed_in(personas["admin"])
    listing = client.get("/admin/conversations/outgoing/").content.decode()
    assert conversation.number in listing
    row = Outgoing.objects.get()
    page = client.get(f"/admin/conversations/outgoing/{row.pk}/change/").content.decode()
    assert "HTTP 503" in page
    for private in ("+77015551234", "7015551234", "ҚҰПИЯ", row.text):
        assert private not in listing and private not in page
