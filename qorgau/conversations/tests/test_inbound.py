"""Messages from messengers, SMS and e-mail join the sender's open conversation on the same
channel, found by a blind index, and open a new one otherwise (rule 6(f))."""

from __future__ import annotations

import pytest
from django.db import connection

from qorgau.conversations.inbound import message_receive, sender_blind_index
from qorgau.conversations.models import Channel, Conversation, ConversationStatus

pytestmark = pytest.mark.django_db

CHAT = "517004211"


def test_a_second_message_joins_the_senders_open_conversation():
    first = message_receive(channel=Channel.TELEGRAM, sender_id=CHAT, text="Сәлем, көмек керек")
    again = message_receive(channel=Channel.TELEGRAM, sender_id=CHAT, text="Үйде ұрысады")
    assert first.code and not again.code
    assert again.conversation.pk == first.conversation.pk
    texts = [m.text for m in first.conversation.messages.all()]
    assert texts == ["Сәлем, көмек керек", "Үйде ұрысады"]
    assert first.conversation.channel == Channel.TELEGRAM
    assert first.conversation.contact == CHAT


def test_other_channels_senders_and_closed_conversations_open_new_ones():
    first = message_receive(channel=Channel.TELEGRAM, sender_id=CHAT, text="бір")
    other_channel = message_receive(channel=Channel.SMS, sender_id=CHAT, text="екі")
    other_sender = message_receive(channel=Channel.TELEGRAM, sender_id="99", text="үш")
    Conversation.objects.filter(pk=first.conversation.pk).update(status=ConversationStatus.CLOSED)
    after_close = message_receive(channel=Channel.TELEGRAM, sender_id=CHAT, text="төрт")
    numbers = {r.conversation.number for r in (first, other_channel, other_sender, after_close)}
    assert len(numbers) == 4


def test_the_sender_id_is_stored_only_encrypted_and_as_a_keyed_hash():
    received = message_receive(channel=Channel.WHATSAPP, sender_id="77015551234", text="көмек")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact, sender_index FROM conversations_conversation WHERE id = %s",
            [received.conversation.pk],
        )
        contact, index = cursor.fetchone()
    assert "77015551234" not in contact and "77015551234" not in index
    assert index == sender_blind_index(Channel.WHATSAPP, " 77015551234 ")
