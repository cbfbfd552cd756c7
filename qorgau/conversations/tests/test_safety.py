"""Safety on arrival (rule 6(j)): a risky message on any channel makes its conversation urgent,
stores the flags (never the words) and an audit row naming the flags, and an alert — numbers,
flags and waiting time only — shows on every page of every consultant and supervisor until
someone takes the conversation; never to a role without `conversation.handle`."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from qorgau.audit.models import AuditRecord
from qorgau.conversations.actions import (
    ConversationData,
    conversation_claim,
    conversation_open,
    message_add_from_applicant,
)
from qorgau.conversations.inbound import message_receive
from qorgau.conversations.models import Channel, Conversation
from qorgau.testing import PERSONA_NAMES, assert_constant_queries, signed_in

pytestmark = pytest.mark.django_db

RISKY = "Өгей әкем мені күнде ұрады, үйге барғым келмейді"
HARMLESS = "Жәрдемақы туралы сұрағым келеді"
NUMBER_RE = re.compile(r'id="written-number">([^<]+)<')


def _write(text: str, address: str = "10.9.0.1") -> Conversation:
    page = Client(HTTP_ACCEPT_LANGUAGE="kk", REMOTE_ADDR=address).post("/write/", {"text": text})
    assert page.status_code == 200
    return Conversation.objects.get(number=NUMBER_RE.search(page.content.decode()).group(1))


def _alert(client: Client) -> str:
    page = client.get("/inbox/alerts/", HTTP_HX_REQUEST="true")
    assert page.status_code == 200
    return page.content.decode()


def test_a_risky_web_message_makes_the_conversation_urgent_and_audits_flags_only(personas):
    conversation = _write(RISKY)
    assert conversation.urgent and conversation.risk_flags == "violence_now"
    assert conversation.messages.get().risk_flags == "violence_now"
    row = AuditRecord.objects.get(action="conversation.risk", object_ref=conversation.number)
    assert row.details == {"flags": ["violence_now"]}
    assert "ұрады" not in str(row.details) and "урады" not in str(row.details)

    harmless = _write(HARMLESS, address="10.9.0.2")
    assert not harmless.urgent and harmless.risk_flags == ""
    assert not AuditRecord.objects.filter(
        action="conversation.risk", object_ref=harmless.number
    ).exists()


def test_a_later_message_raises_urgency_and_adds_flags_but_never_lowers(personas):
    conversation, _code = conversation_open(data=ConversationData(text=HARMLESS), language="kk")
    assert not conversation.urgent
    message_add_from_applicant(conversation=conversation, text="Мен өзімді өлтіремін")
    message_add_from_applicant(conversation=conversation, text="Рақмет")
    conversation.refresh_from_db()
    assert conversation.urgent
    assert conversation.risk_flags.split(",")[0] == "suicide"
    assert AuditRecord.objects.filter(action="conversation.risk").count() == 1


def test_a_risky_messenger_message_is_urgent_too(personas):
    received = message_receive(
        channel=Channel.TELEGRAM, sender_id="5551", text="Меня избивает отчим, помогите"
    )
    assert received is not None
    conversation = Conversation.objects.get(pk=received.conversation.pk)
    assert conversation.urgent and "violence_now" in conversation.risk_flags
    assert received.message.risk_flags == "violence_now"


def test_the_alert_lists_it_for_handlers_until_claimed_never_the_text(personas):
    conversation = _write(RISKY)
    _write(HARMLESS, address="10.9.0.3")
    consultant = signed_in(personas["consultant"])
    supervisor = signed_in(personas["supervisor"])
    for client in (consultant, supervisor):
        html = _alert(client)
        assert f"Шұғыл жазбаша өтініш {conversation.number} күтіп тұр" in html
        assert "Зорлық-зомбылық қазір болып жатыр" in html  # the flag, translated
        assert "минут" in html  # how long it has waited
        assert "ұрады" not in html and "Жәрдемақы" not in html
        assert html.count("<li") == 1  # the harmless one is not an alert
    # every staff page carries the polling slot
    assert 'hx-get="/inbox/alerts/"' in consultant.get("/inbox/").content.decode()

    conversation_claim(actor=personas["consultant"], conversation=conversation)
    assert conversation.number not in _alert(supervisor)
    assert "<li" not in _alert(consultant)


def test_the_alert_page_without_script_lists_them_with_a_refresh_link(personas):
    conversation = _write(RISKY)
    page = signed_in(personas["consultant"], language="ru").get("/inbox/alerts/")
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Срочное письменное обращение {conversation.number} ждёт" in html
    assert 'href="/inbox/alerts/"' in html  # refresh
    assert "<html" in html


@pytest.mark.parametrize("persona", PERSONA_NAMES)
def test_the_alert_by_persona(personas, persona):
    conversation = _write(RISKY)
    client = signed_in(personas[persona])
    page = client.get("/inbox/alerts/", HTTP_HX_REQUEST="true")
    home = client.get("/", follow=True).content.decode()
    if persona in {"consultant", "supervisor"}:
        assert page.status_code == 200 and conversation.number in page.content.decode()
        assert 'hx-get="/inbox/alerts/"' in home
    else:
        assert page.status_code == 403
        assert "/inbox/alerts/" not in home


def test_signed_out_poll_is_refused_without_redirect():
    assert Client().get("/inbox/alerts/", HTTP_HX_REQUEST="true").status_code == 403


def test_the_alert_poll_does_not_grow_with_its_rows(personas):
    client = signed_in(personas["consultant"])
    counter = iter(range(100))

    def grow() -> None:
        for _ in range(9):
            _write(RISKY, address=f"10.9.1.{next(counter)}")

    grow()
    assert_constant_queries(lambda: _alert(client), grow)
