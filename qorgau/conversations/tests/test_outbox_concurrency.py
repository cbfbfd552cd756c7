"""Two `qorgau deliver` workers on PostgreSQL with real parallel connections claim the
conversations' outbox with SKIP LOCKED: every reply is sent exactly once."""

from __future__ import annotations

import pytest

from qorgau.appeals.tests.test_concurrency import _in_threads
from qorgau.conversations.inbound import message_receive
from qorgau.conversations.models import (
    Channel,
    ChannelSettings,
    Conversation,
    Outgoing,
    OutgoingStatus,
)
from qorgau.conversations.outbox import outgoing_claim, outgoing_code, outgoing_deliver
from qorgau.conversations.tests.fakes import BOT_TOKEN, fake_providers

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_two_workers_never_send_the_same_row_twice():
    with fake_providers() as fake:
        ChannelSettings.objects.create(
            channel=Channel.TELEGRAM,
            enabled=True,
            base_url=f"{fake.base}/telegram",
            token=BOT_TOKEN,
        )
        for chat in range(40):
            message_receive(channel=Channel.TELEGRAM, sender_id=str(chat), text="Сәлем")
        for conversation in Conversation.objects.all():
            outgoing_code(conversation, "CODE-0000-0000")

        def work(i: int) -> int:
            sent = 0
            while batch := outgoing_claim(f"w{i}", limit=3):
                sent += sum(outgoing_deliver(o, f"w{i}") for o in batch)
            return sent

        results = _in_threads(2, work)
        assert not [r for r in results if isinstance(r, Exception)], results
        assert sum(results) == 40
        chats = sorted(int(body["chat_id"]) for body in fake.sent("/telegram/"))
        assert chats == list(range(40))
        assert set(Outgoing.objects.values_list("status", flat=True)) == {OutgoingStatus.SENT}
        assert len(set(Outgoing.objects.values_list("claimed_by", flat=True))) == 2
